"""Activation functions.

Taught in: chapter 01 (softmax), chapter 03 (step, sigmoid, ReLU).
"""

from __future__ import annotations

import numpy as np

from deepvision._validate import axis_index, float_array


def softmax(x, axis=-1):
    """Softmax: turns class scores into probabilities that sum to 1 along ``axis``.

    softmax(x)_i = exp(x_i - max(x)) / sum_j exp(x_j - max(x))

    Subtracting the maximum changes nothing mathematically (it cancels in the ratio) but keeps
    ``exp`` from overflowing on large scores such as [1000, 999].

    Args:
        x: Scores (logits), any shape with at least one dimension, e.g. (N, num_classes).
        axis: The class axis.

    Returns:
        Probabilities, same shape as ``x``.

    Taught in: chapter 01, "Softmax".
    """
    x = float_array(x, "x", min_ndim=1)
    axis = axis_index(axis, x.ndim)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)
