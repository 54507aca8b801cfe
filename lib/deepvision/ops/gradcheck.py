"""Numerical gradients: the centred finite difference that checks every backward pass.

    df/dx_i ≈ (f(x + h e_i) - f(x - h e_i)) / 2h

Its error shrinks like h² (the forward difference (f(x + h e_i) - f(x)) / h only like h), so with
h = 1e-6 in float64 it agrees with a correct backward pass to about 1e-9.

Taught in: chapter 03, "Learning: the backward pass of a layer"; chapter 06, "Making it fast:
im2col".
"""

from __future__ import annotations

import numpy as np

from deepvision.validate import float_array, positive_number


def numerical_gradient(f, x, h=1e-6):
    """Centred differences of a scalar function ``f`` at ``x``, one entry at a time.

    Args:
        f: A function of one array returning a number (a loss).
        x: The point, any shape; it is not modified (the function works on a copy).
        h: The step, > 0.

    Returns:
        float64 array with the shape of ``x``: the estimated gradient.
    """
    if not callable(f):
        raise ValueError(f"f: expected a function of one array, got {type(f).__name__}")
    h = positive_number(h, "h")
    x = float_array(x, "x").copy()
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        saved = x[index]
        x[index] = saved + h
        plus = float(f(x))
        x[index] = saved - h
        minus = float(f(x))
        x[index] = saved
        grad[index] = (plus - minus) / (2 * h)
    return grad


def relative_error(a, b):
    """max |a - b| / max(|a| + |b|): about 1e-9 when a backward pass is right, 1e-2 when not.

    Args:
        a, b: Arrays of the same shape (an analytic and a numerical gradient).

    Returns:
        float.
    """
    a, b = float_array(a, "a"), float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b: shapes must match, got {a.shape} and {b.shape}")
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-12))
