"""Centred finite differences: the oracle of every backward pass in the tests."""

import numpy as np


def centred_difference(f, x, h=1e-6):
    """(f(x + h e_i) - f(x - h e_i)) / 2h for every entry i of a copy of ``x``.

    Args:
        f: Scalar function of one array.
        x: The point, any shape.
        h: Step.

    Returns:
        float64 array with the shape of ``x``.
    """
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = f(x)
        x[index] = saved - h
        minus = f(x)
        x[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad
