"""Chapter 05 has no widget of its own; its helpers moved to their homes.

:func:`load_digit_image` is in :mod:`deepvision.data`, :func:`top_predictions` in
:mod:`deepvision.ops` and :func:`plot_prediction` in :mod:`deepvision.plots`. This module keeps the
old names importable for notebooks released before the move
(``from deepvision.widgets import ch05 as helpers``).
"""

from deepvision.data import MAX_ASPECT_RATIO, load_digit_image
from deepvision.ops.labels import top_predictions
from deepvision.plots import plot_prediction

__all__ = ["MAX_ASPECT_RATIO", "load_digit_image", "plot_prediction", "top_predictions"]
