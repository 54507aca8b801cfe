"""Depthwise and depthwise-separable convolutions, in Keras layouts.

A **depthwise** convolution filters each input channel on its own: channel c meets only its own
``M`` kernels (M the depth multiplier), and output channel ``c * M + m`` is

    out[n, i, j, c*M + m] = b[c*M + m] + sum_{u, v} xp[n, i*S + u, j*S + v, c] * w[u, v, c, m]

with the kernels ``w`` of shape (kh, kw, C_in, M), as ``keras.layers.DepthwiseConv2D`` stores them.
It costs K_h K_w C_in M H' W' multiply-accumulates, where a standard convolution to the same
C_in M channels would cost C_in times more.

A **separable** convolution (``keras.layers.SeparableConv2D``) is a depthwise convolution (no
bias) followed by a 1x1 convolution that mixes the channels, pointwise kernels of shape
(1, 1, C_in M, C_out) and one bias per output channel. Against a standard K x K convolution its
cost is the fraction 1/C_out + 1/K^2 (with M = 1).

Stride and padding follow chapter 06 (:func:`deepvision.ops.conv.pad_input`).

Taught in: chapter 11, "Depthwise separable convolutions".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
from deepvision.ops.conv import pad_input, windows


def _array(value, name, layout):
    array = validate.number_array(value, name, ndim=4, layout=layout, dtype=None)
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def _bias(b, channels, what):
    if b is None:
        return None
    b = validate.number_array(b, "b", ndim=1, layout="(channels,)", dtype=None)
    if b.shape != (channels,):
        raise ValueError(f"b: expected shape ({channels},) ({what}), got {b.shape}")
    return b


def _depthwise(x, w, stride, padding):
    """The depthwise part without bias: (N, H', W', C_in * M)."""
    x = _array(x, "x", "(N, H, W, C)")
    w = _array(w, "w", "(kh, kw, C_in, M)")
    stride = validate.pair(stride, "stride")
    kh, kw, c_in, multiplier = w.shape
    if x.shape[3] != c_in:
        raise ValueError(
            f"w: has {c_in} input channels (shape {w.shape}) but x has {x.shape[3]} "
            f"(shape {x.shape}); expected w of shape (kh, kw, {x.shape[3]}, M)"
        )
    if 0 in w.shape or 0 in x.shape:
        raise ValueError(f"x and w: expected no empty axis, got shapes {x.shape} and {w.shape}")
    xp = pad_input(x, (kh, kw), stride, padding)
    if kh > xp.shape[1] or kw > xp.shape[2]:
        raise ValueError(
            f"w: kernel {(kh, kw)} does not fit the (padded) input of size {xp.shape[1:3]}"
        )
    out_h = (xp.shape[1] - kh) // stride[0] + 1
    out_w = (xp.shape[2] - kw) // stride[1] + 1
    dtype = np.result_type(xp, w)
    cols = windows(xp.astype(dtype, copy=False), (kh, kw), stride, out_h, out_w)
    out = np.einsum("nijuvc,uvcm->nijcm", cols, w.astype(dtype, copy=False))
    return out.reshape(x.shape[0], out_h, out_w, c_in * multiplier)


def depthwise_conv2d(x, w, b=None, stride=1, padding="valid"):
    """Depthwise 2-D convolution: each input channel filtered by its own ``M`` kernels.

    Args:
        x: Images, shape (N, H, W, C_in).
        w: Kernels, shape (kh, kw, C_in, M), M the depth multiplier (Keras' layout).
        b: Biases, shape (C_in * M,), or None.
        stride: Step S between windows: an int, or a pair (S_h, S_w).
        padding: ``"valid"`` or ``"same"`` (Keras semantics).

    Returns:
        Array (N, H', W', C_in * M); output channel ``c * M + m`` is input channel c filtered by
        ``w[:, :, c, m]``.

    Taught in: chapter 11, "Depthwise separable convolutions".
    """
    out = _depthwise(x, w, stride, padding)
    b = _bias(b, out.shape[3], "one bias per output channel, C_in * M")
    return out if b is None else out + b.astype(out.dtype, copy=False)


def separable_conv2d(x, depthwise_w, pointwise_w, b=None, stride=1, padding="valid"):
    """Depthwise-separable 2-D convolution: :func:`depthwise_conv2d` (stride and padding, no
    bias), then a 1x1 convolution across channels.

    Args:
        x: Images, shape (N, H, W, C_in).
        depthwise_w: Depthwise kernels, shape (kh, kw, C_in, M).
        pointwise_w: Pointwise kernels, shape (1, 1, C_in * M, C_out) (Keras' layout).
        b: Biases, shape (C_out,), or None.
        stride: Step S of the depthwise part: an int or a pair.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        Array (N, H', W', C_out).

    Taught in: chapter 11, "Depthwise separable convolutions".
    """
    depthwise = _depthwise(x, depthwise_w, stride, padding)
    pointwise_w = _array(pointwise_w, "pointwise_w", "(1, 1, C_in * M, C_out)")
    channels = depthwise.shape[3]
    if pointwise_w.shape[:3] != (1, 1, channels):
        raise ValueError(
            f"pointwise_w: expected shape (1, 1, {channels}, C_out) (C_in * M = {channels} "
            f"channels from the depthwise part), got {pointwise_w.shape}"
        )
    dtype = np.result_type(depthwise, pointwise_w)
    out = depthwise.astype(dtype, copy=False) @ pointwise_w[0, 0].astype(dtype, copy=False)
    b = _bias(b, pointwise_w.shape[3], "one bias per output channel, C_out")
    return out if b is None else out + b.astype(dtype, copy=False)
