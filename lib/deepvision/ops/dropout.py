"""Inverted dropout: switch off a random fraction of the activations while training.

During training each activation is kept with probability ``1 - rate`` and set to zero
otherwise; the survivors are divided by ``1 - rate`` so that the expected value of every
activation is unchanged ("inverted" dropout, what Keras' ``Dropout`` does). At inference the
layer is the identity: nothing is dropped and nothing is rescaled.

    mask[i] ~ Bernoulli(1 - rate),   out[i] = x[i] * mask[i] / (1 - rate)   (training)
    out = x                                                                (inference)

Taught in: chapter 07, "Dropout".
"""

from __future__ import annotations

import numbers

import numpy as np

from deepvision import validate


def check_rate(rate, name="rate"):
    """A dropout rate in [0, 1) as a float, or a ValueError naming ``name``.

    Taught in: chapter 07, "Dropout".
    """
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not np.isfinite(rate):
        raise ValueError(f"{name}: expected a number in [0, 1), got {rate!r}")
    if not 0 <= rate < 1:
        raise ValueError(
            f"{name}: expected a number in [0, 1) (the fraction of activations dropped), "
            f"got {rate!r}"
        )
    return float(rate)


def _generator(rng):
    if rng is None or isinstance(rng, numbers.Integral):
        return np.random.default_rng(rng)
    if isinstance(rng, np.random.Generator):
        return rng
    raise ValueError(f"rng: expected a seed (an integer), a numpy Generator or None, got {rng!r}")


def dropout_forward(x, rate, training=True, rng=None):
    """Forward pass of inverted dropout.

    Args:
        x: Activations, any shape.
        rate: Fraction of activations dropped, in [0, 1).
        training: Drop and rescale when True; the identity when False (inference).
        rng: A seed or a ``numpy.random.Generator`` (the same seed drops the same units).

    Returns:
        ``(out, cache)``: ``out`` has the shape of ``x``; ``cache`` holds the scaled mask
        ``mask / (1 - rate)`` (all ones at inference), what :func:`dropout_backward` needs.

    Taught in: chapter 07, "Dropout".
    """
    x = validate.float_array(x, "x")
    rate = check_rate(rate)
    if not training or rate == 0:
        scaled_mask = np.ones_like(x)
    else:
        keep = _generator(rng).random(x.shape) >= rate
        scaled_mask = keep / (1.0 - rate)
    return x * scaled_mask, {"scaled_mask": scaled_mask, "rate": rate, "training": training}


def dropout_backward(dout, cache):
    """Backward pass of inverted dropout: dx = dout * mask / (1 - rate).

    The gradient flows only through the units that were kept, scaled as they were.

    Args:
        dout: Gradient of the loss with respect to ``out``, the shape of ``x``.
        cache: From :func:`dropout_forward`.

    Returns:
        ``dx``, the shape of ``x``.

    Taught in: chapter 07, "Dropout".
    """
    dout = validate.float_array(dout, "dout")
    mask = cache["scaled_mask"]
    if dout.shape != mask.shape:
        raise ValueError(f"dout: expected shape {mask.shape} (the shape of x), got {dout.shape}")
    return dout * mask


def dropout(x, rate, training=True, rng=None):
    """Inverted dropout's output only (see :func:`dropout_forward`).

    Taught in: chapter 07, "Dropout".
    """
    return dropout_forward(x, rate, training, rng)[0]
