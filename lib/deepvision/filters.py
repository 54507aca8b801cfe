"""Kept importable for notebooks released before the move: ``deepvision.filters`` is
:mod:`deepvision.ops.filters` (the same module object, so either name works everywhere)."""

import sys

from deepvision.ops import filters as _module

sys.modules[__name__] = _module
