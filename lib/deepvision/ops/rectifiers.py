"""Rectifiers: the variants of ReLU, their derivatives, and how many units a ReLU network loses.

Every rectifier is a pure function of the pre-activation ``z`` (any shape) with a
``<name>_derivative`` beside it, d f / d z element-wise. Where a derivative has a kink (z = 0 for
leaky ReLU and ELU, z = theta for the thresholded ReLU) we use the value on the left, as
TensorFlow does for ReLU (0 at z = 0). PReLU's slope is learned, so it also has a backward pass
that returns the slope's gradient.

Taught in: chapter 08, "Leaky ReLU", "PReLU: a learned slope", "ELU", "Thresholded ReLU", "GELU
and SiLU" and "Dying ReLUs".
"""

from __future__ import annotations

import math

import numpy as np

from deepvision.ops.activations import sigmoid
from deepvision.validate import float_array, positive_number

_GELU_TANH_SCALE = math.sqrt(2.0 / math.pi)
_GELU_TANH_CUBIC = 0.044715


def _slope(alpha, name="alpha"):
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating, np.integer)):
        raise ValueError(f"{name}: expected a finite number, got {alpha!r}")
    if not np.isfinite(alpha):
        raise ValueError(f"{name}: expected a finite number, got {alpha!r}")
    return float(alpha)


def leaky_relu(z, alpha=0.3):
    """Leaky ReLU: negative *inputs* are multiplied by a small slope instead of set to 0.

    f(z) = z if z > 0 else alpha * z

    Keras 3 calls the slope ``negative_slope``: ``keras.layers.LeakyReLU(negative_slope=0.3)``
    (0.3 is the layer's default; ``keras.activations.leaky_relu`` defaults to 0.2).

    Args:
        z: Pre-activations, any shape.
        alpha: Slope for z <= 0, a finite number (usually small and positive).

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "Leaky ReLU".
    """
    z = float_array(z, "z")
    alpha = _slope(alpha)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z, alpha=0.3):
    """Derivative of :func:`leaky_relu`: 1 where z > 0, else ``alpha`` (``alpha`` at z = 0).

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "Leaky ReLU".
    """
    z = float_array(z, "z")
    alpha = _slope(alpha)
    return np.where(z > 0, 1.0, alpha)


def _prelu_alpha(alpha, z):
    alpha = float_array(alpha, "alpha")
    try:
        shape = np.broadcast_shapes(alpha.shape, z.shape)
    except ValueError:
        shape = None
    if shape != z.shape:
        raise ValueError(
            f"alpha: expected a shape that broadcasts to z's {z.shape} (a number, one slope per "
            f"channel ({z.shape[-1] if z.ndim else 1},), or one per value), got shape "
            f"{alpha.shape}"
        )
    return alpha


def prelu(z, alpha):
    """Parametric ReLU (He et al., 2015): a leaky ReLU whose slope is learned.

    f(z) = z if z > 0 else alpha * z, with ``alpha`` broadcast against ``z``: a number (one
    slope for the layer), shape (C,) (one slope per channel, as He et al. and
    ``keras.layers.PReLU(shared_axes=[1, 2])`` on (N, H, W, C) maps), or z's shape without N.

    Args:
        z: Pre-activations, e.g. (N, H, W, C) or (N, units).
        alpha: Slopes, a shape that broadcasts to ``z``'s.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "PReLU: a learned slope".
    """
    z = float_array(z, "z")
    alpha = _prelu_alpha(alpha, z)
    return np.where(z > 0, z, alpha * z)


def prelu_derivative(z, alpha):
    """Derivative of :func:`prelu` with respect to z: 1 where z > 0, else alpha.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "PReLU: a learned slope".
    """
    z = float_array(z, "z")
    alpha = _prelu_alpha(alpha, z)
    return np.where(z > 0, 1.0, np.broadcast_to(alpha, z.shape))


def prelu_backward(dout, z, alpha):
    """Backward pass of :func:`prelu`: the gradients of the loss for z and for the slopes.

    dz = dout * (1 if z > 0 else alpha)
    dalpha = sum of dout * z over the entries where z <= 0, summed over every axis that
    ``alpha`` is broadcast along (a per-channel slope collects the whole batch and every
    position of its channel).

    Args:
        dout: Gradient of the loss for the output, same shape as ``z``.
        z: The pre-activations of the forward pass.
        alpha: The slopes of the forward pass.

    Returns:
        (dz, dalpha): ``dz`` of z's shape, ``dalpha`` of alpha's shape.

    Taught in: chapter 08, "PReLU: a learned slope".
    """
    z = float_array(z, "z")
    dout = float_array(dout, "dout")
    if dout.shape != z.shape:
        raise ValueError(f"dout: expected z's shape {z.shape}, got shape {dout.shape}")
    alpha = _prelu_alpha(alpha, z)
    dz = dout * prelu_derivative(z, alpha)
    full = np.where(z > 0, 0.0, dout * z)
    extra = z.ndim - alpha.ndim
    summed = full.sum(axis=tuple(range(extra))) if extra else full
    axes = tuple(i for i, size in enumerate(alpha.shape) if size == 1 and summed.shape[i] != 1)
    dalpha = summed.sum(axis=axes, keepdims=True) if axes else summed
    return dz, dalpha.reshape(alpha.shape)


def elu(z, alpha=1.0):
    """Exponential linear unit (Clevert, Unterthiner and Hochreiter, 2015).

    f(z) = z if z > 0 else alpha * (exp(z) - 1)

    Negative inputs saturate at -alpha instead of going on down; with alpha = 1 the function is
    smooth at 0 (its slope is 1 from both sides).

    Args:
        z: Pre-activations, any shape.
        alpha: Where the negative side saturates (-alpha), a number > 0.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "ELU".
    """
    z = float_array(z, "z")
    alpha = positive_number(alpha, "alpha")
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z, alpha=1.0):
    """Derivative of :func:`elu`: 1 where z > 0, else alpha * exp(z) (= f(z) + alpha).

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "ELU".
    """
    z = float_array(z, "z")
    alpha = positive_number(alpha, "alpha")
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def thresholded_relu(z, theta=1.0):
    """Thresholded ReLU: z where z > theta, else 0.

    f(z) = z if z > theta else 0

    Keras 3 has no ``ThresholdedReLU`` layer any more: ``keras.layers.ReLU(threshold=theta)``
    computes the same function.

    Args:
        z: Pre-activations, any shape.
        theta: The threshold, a number >= 0 (theta = 0 is the plain ReLU).

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "Thresholded ReLU".
    """
    z = float_array(z, "z")
    theta = positive_number(theta, "theta", allow_zero=True)
    return np.where(z > theta, z, 0.0)


def thresholded_relu_derivative(z, theta=1.0):
    """Derivative of :func:`thresholded_relu`: 1 where z > theta, else 0.

    (The function jumps from 0 to theta at z = theta: there it has no derivative; we use 0.)

    Returns:
        float64 array of 0s and 1s, same shape as ``z``.

    Taught in: chapter 08, "Thresholded ReLU".
    """
    z = float_array(z, "z")
    theta = positive_number(theta, "theta", allow_zero=True)
    return (z > theta).astype(np.float64)


def _normal_cdf(z):
    from scipy.special import ndtr

    return ndtr(z)


def _normal_pdf(z):
    return np.exp(-0.5 * z**2) / math.sqrt(2.0 * math.pi)


def gelu(z, approximate=False):
    """Gaussian error linear unit (Hendrycks and Gimpel, 2016): z weighted by Phi(z).

    f(z) = z * Phi(z) = z / 2 * (1 + erf(z / sqrt(2))), Phi the standard normal CDF.
    With ``approximate=True``: z / 2 * (1 + tanh(sqrt(2 / pi) * (z + 0.044715 z^3))).
    Both are Keras' ``keras.activations.gelu(x, approximate=...)`` (default ``False``).

    Args:
        z: Pre-activations, any shape.
        approximate: Use the tanh approximation.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "GELU and SiLU".
    """
    z = float_array(z, "z")
    if approximate:
        inner = _GELU_TANH_SCALE * (z + _GELU_TANH_CUBIC * z**3)
        return 0.5 * z * (1.0 + np.tanh(inner))
    return z * _normal_cdf(z)


def gelu_derivative(z, approximate=False):
    """Derivative of :func:`gelu`: Phi(z) + z * phi(z), phi the standard normal density
    (or the derivative of the tanh form with ``approximate=True``).

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "GELU and SiLU".
    """
    z = float_array(z, "z")
    if approximate:
        inner = _GELU_TANH_SCALE * (z + _GELU_TANH_CUBIC * z**3)
        tanh = np.tanh(inner)
        d_inner = _GELU_TANH_SCALE * (1.0 + 3.0 * _GELU_TANH_CUBIC * z**2)
        return 0.5 * (1.0 + tanh) + 0.5 * z * (1.0 - tanh**2) * d_inner
    return _normal_cdf(z) + z * _normal_pdf(z)


def silu(z):
    """Sigmoid linear unit, also called swish (Elfwing et al., 2017; Ramachandran et al., 2017).

    f(z) = z * sigmoid(z)

    Args:
        z: Pre-activations, any shape.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "GELU and SiLU".
    """
    z = float_array(z, "z")
    return z * sigmoid(z)


def silu_derivative(z):
    """Derivative of :func:`silu`: s + z s (1 - s) = s (1 + z (1 - s)), s = sigmoid(z).

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "GELU and SiLU".
    """
    z = float_array(z, "z")
    s = sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


def dead_units(pre_activations, threshold=0.0):
    """Which units never fire over a batch: their pre-activation is <= threshold everywhere.

    A unit is one channel (the last axis): one neuron of a dense layer, or one filter of a
    convolution, whose weights are shared by every position. Behind a ReLU (a thresholded ReLU
    when ``threshold`` > 0) such a unit outputs 0 for every input of the batch and receives no
    gradient from any of them: it is *dead*.

    Args:
        pre_activations: What reaches the rectifier, shape (N, ..., C), e.g. (N, H, W, C).
        threshold: Where the rectifier starts passing values (0 for ReLU, theta for the
            thresholded ReLU).

    Returns:
        bool array of shape (C,).

    Taught in: chapter 08, "Dying ReLUs".
    """
    z = float_array(pre_activations, "pre_activations", min_ndim=2)
    threshold = _slope(threshold, "threshold")
    return np.all(z.reshape(-1, z.shape[-1]) <= threshold, axis=0)


def dead_unit_fraction(pre_activations, threshold=0.0):
    """The fraction of units (channels) that never fire over a batch (see :func:`dead_units`).

    Args:
        pre_activations: Shape (N, ..., C).
        threshold: 0 for ReLU, theta for the thresholded ReLU.

    Returns:
        float in [0, 1].

    Taught in: chapter 08, "Dying ReLUs".
    """
    return float(np.mean(dead_units(pre_activations, threshold)))


#: Every rectifier by name: (function, derivative, parameter name or None, default parameter).
#: The names are those of :data:`deepvision.models.cnn.RECTIFIERS`.
RECTIFIERS = {
    "relu": (None, None, None, None),
    "leaky_relu": (leaky_relu, leaky_relu_derivative, "alpha", 0.3),
    "prelu": (prelu, prelu_derivative, "alpha", 0.25),
    "elu": (elu, elu_derivative, "alpha", 1.0),
    "thresholded_relu": (thresholded_relu, thresholded_relu_derivative, "theta", 1.0),
    "gelu": (gelu, gelu_derivative, None, None),
    "silu": (silu, silu_derivative, None, None),
}


def rectify(name, z, parameter=None, derivative=False):
    """Rectifier ``name`` (or its derivative) of ``z``, by name: one door to all of them.

    Args:
        name: A key of :data:`RECTIFIERS` (``"relu"``, ``"leaky_relu"``...).
        z: Pre-activations, any shape.
        parameter: alpha or theta; default the rectifier's own; ignored by those without one.
        derivative: Return d f / d z instead of f.

    Returns:
        float64 array, same shape as ``z``.

    Taught in: chapter 08, "Seven rectifiers side by side".
    """
    from deepvision.ops.activations import relu, relu_derivative
    from deepvision.validate import choice

    name = choice(name, "name", tuple(RECTIFIERS))
    function, slope, parameter_name, default = RECTIFIERS[name]
    if name == "relu":
        function, slope = relu, relu_derivative
    chosen = slope if derivative else function
    if parameter_name is None:
        return chosen(z)
    return chosen(z, default if parameter is None else parameter)
