"""Kept importable for notebooks released before the move: ``deepvision.images`` is
:mod:`deepvision.ops.images` (the same module object, so either name works everywhere)."""

import sys

from deepvision.ops import images as _module

sys.modules[__name__] = _module
