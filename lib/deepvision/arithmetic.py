"""Kept importable for notebooks released before the move: ``deepvision.arithmetic`` is
:mod:`deepvision.ops.arithmetic` (the same module object, so either name works everywhere)."""

import sys

from deepvision.ops import arithmetic as _module

sys.modules[__name__] = _module
