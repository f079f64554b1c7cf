"""Detectors: one module each, registered with ``@register``. Importing this package imports them all."""

from __future__ import annotations

import importlib
import pkgutil

from .base import Claim, Context, Detector, register, registered

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["Claim", "Context", "Detector", "register", "registered"]
