"""Exception tree of Sentinelle.

::

    SentinelleError
    ├── InputError            unreadable, unsupported or too large input   (CLI exit 2, HTTP 400)
    │   └── UnsupportedInput  a kind this build cannot read (e.g. audio without the extra)
    ├── DataError             a data file (profile, weights, keywords) is invalid: fails at load time
    └── DetectorError         raised inside a detector; the engine wraps it into Verdict.failures

Hostile content is *not* an error: parsers record what they could not read as anomalies and the verdict
says what was skipped. Errors are for things the caller must fix.
"""

from __future__ import annotations


class SentinelleError(Exception):
    """Root of every error raised by Sentinelle."""


class InputError(SentinelleError):
    """The input cannot be analysed at all (empty file path, unreadable, over the hard size limit)."""


class UnsupportedInput(InputError):
    """The input is of a kind this installation cannot read (a missing extra, a format not supported)."""


class DataError(SentinelleError):
    """A data file shipped with or given to Sentinelle is invalid; raised when it is loaded."""


class DetectorError(SentinelleError):
    """A detector failed; never escapes the engine, which records it in ``Verdict.failures``."""
