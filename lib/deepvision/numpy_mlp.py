"""Kept importable for notebooks released before the move: ``deepvision.numpy_mlp`` is
:mod:`deepvision.models.numpy_mlp` (the same module object, so either name works everywhere)."""

import sys

from deepvision.models import numpy_mlp as _module

sys.modules[__name__] = _module
