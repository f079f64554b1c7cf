"""Sentinelle: unmasks fraud sent in the name of the Assurance Maladie and other French public bodies.

>>> import sentinelle
>>> v = sentinelle.analyze("AMELI : votre carte vitale arrive à expiration, mettez-la à jour sur ameli-vital.fr")
>>> v.level
<Level.FRAUD: 'fraud'>

``analyze`` uses a shared default ``Engine`` built on first use; build your own ``Engine`` for other
limits, extra profiles or a subset of detectors.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache

from ._version import __version__
from .config import Config, Limits
from .engine import Engine, Source
from .errors import DataError, DetectorError, InputError, SentinelleError, UnsupportedInput
from .model import Anomaly, Evidence, Kind, Level, Link, Message, PhoneNumber, Verdict


@cache
def default_engine() -> Engine:
    """The engine behind ``analyze``: default configuration, package data, every registered detector."""
    return Engine()


def analyze(
    source: Source,
    *,
    kind: Kind | str | None = None,
    sender: str | None = None,
    caller_id: str | None = None,
    profile: str | None = None,
    lang: str = "fr",
    url: str | None = None,
) -> Verdict:
    """Analyse one message and return its ``Verdict``.

    ``source`` is text (``str``), raw bytes, or a file (``pathlib.Path``). ``kind`` is one of ``sms``,
    ``call``, ``voicemail``, ``email``, ``url``, ``phone``, ``webpage``, ``image``, ``audio``; guessed when
    omitted. ``sender`` is an SMS sender number or ID, ``caller_id`` the number shown for a call;
    ``profile`` forces the claimed organisation (``"assurance_maladie"``); ``lang`` is ``fr`` or ``en``.
    ``url`` is the address of a web page given as ``source`` (saved HTML, MHTML or WARC; it makes the kind
    ``webpage``): its host is judged like any link. Sentinelle never fetches anything by itself: to analyse a
    live page, fetch it explicitly with ``sentinelle.fetch.fetch_page(url)`` and pass the result as ``source``.
    Raises ``InputError`` only when nothing can be read; hostile content gives a verdict with anomalies.
    """
    return default_engine().analyze(
        source, kind=kind, sender=sender, caller_id=caller_id, profile=profile, lang=lang, url=url
    )


def analyze_many(sources: Iterable[Source], *, kind: Kind | str | None = None, lang: str = "fr") -> Iterator[Verdict]:
    """Analyse several inputs with the default engine, lazily, in order."""
    engine = default_engine()
    for source in sources:
        yield engine.analyze(source, kind=kind, lang=lang)


__all__ = [
    "Anomaly",
    "Config",
    "DataError",
    "DetectorError",
    "Engine",
    "Evidence",
    "InputError",
    "Kind",
    "Level",
    "Limits",
    "Link",
    "Message",
    "PhoneNumber",
    "SentinelleError",
    "UnsupportedInput",
    "Verdict",
    "__version__",
    "analyze",
    "analyze_many",
    "default_engine",
]
