"""Exit codes of every ``sentinelle`` command, and the one place that turns errors into them.

* 0 ``EXIT_NO_SIGN``: no sign of fraud found (or too little to say), or a command that succeeded
* 1 ``EXIT_FLAGGED``: fraud or suspicious (``check``, ``scan``, ``watch``)
* 2 ``EXIT_INPUT``: bad usage, unreadable input or a missing extra
* 3 ``EXIT_INTERNAL``: a bug or a broken data file
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from .errors import DataError, InputError

EXIT_NO_SIGN = 0
EXIT_FLAGGED = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


def guarded(action: Callable[[], int], err: TextIO) -> int:
    """Run a command; an ``InputError`` or ``DataError`` becomes its message on ``err`` and its exit code."""
    try:
        return action()
    except InputError as exc:
        print(f"sentinelle : {exc}", file=err)
        return EXIT_INPUT
    except DataError as exc:
        print(f"sentinelle : données invalides : {exc}", file=err)
        return EXIT_INTERNAL
