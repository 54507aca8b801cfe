"""Activation functions.

Taught in: chapter 01, "Softmax: from scores to probabilities"; chapter 03, "The perceptron and
logic gates", "Sigmoid" and "ReLU".
"""

from __future__ import annotations

import numpy as np

from deepvision.validate import axis_index, float_array


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

    Taught in: chapter 01, "Softmax: from scores to probabilities".
    """
    x = float_array(x, "x", min_ndim=1)
    axis = axis_index(axis, x.ndim)
    shifted = x - np.max(x, axis=axis, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=axis, keepdims=True)


def step(z):
    """The perceptron's step (Heaviside) function: 1 where z > 0, else 0.

    step(z) = 1 if z > 0, 0 if z <= 0

    Args:
        z: Pre-activations, any shape.

    Returns:
        float64 array of 0s and 1s, same shape as ``z``.

    Taught in: chapter 03, "The perceptron and logic gates".
    """
    z = float_array(z, "z")
    return (z > 0).astype(np.float64)


def step_derivative(z):
    """Derivative of :func:`step`: 0 everywhere it exists (it is undefined at z = 0; we use 0).

    A zero gradient is why a network of step neurons cannot be trained by gradient descent.

    Returns:
        Zeros, same shape as ``z``.

    Taught in: chapter 03, "The perceptron and logic gates".
    """
    z = float_array(z, "z")
    return np.zeros_like(z)


def sigmoid(z):
    """The logistic sigmoid, squashing any number into (0, 1).

    sigmoid(z) = 1 / (1 + exp(-z))

    Computed as exp(z) / (1 + exp(z)) for z < 0 so that neither branch overflows.

    Args:
        z: Pre-activations, any shape.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 03, "Sigmoid".
    """
    z = float_array(z, "z")
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1.0 + exp_z)
    return out


def sigmoid_derivative(z):
    """Derivative of :func:`sigmoid` with respect to z.

    d sigmoid / dz = sigmoid(z) * (1 - sigmoid(z)), at most 0.25 (at z = 0).

    Args:
        z: Pre-activations (not sigmoid outputs), any shape.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 03, "Sigmoid".
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def relu(z):
    """Rectified linear unit.

    relu(z) = max(0, z)

    Args:
        z: Pre-activations, any shape.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 03, "ReLU".
    """
    z = float_array(z, "z")
    return np.maximum(z, 0.0)


def relu_derivative(z):
    """Derivative of :func:`relu`: 1 where z > 0, else 0 (0 at z = 0, as TensorFlow uses).

    Returns:
        float64 array of 0s and 1s, same shape as ``z``.

    Taught in: chapter 03, "ReLU".
    """
    z = float_array(z, "z")
    return (z > 0).astype(np.float64)
