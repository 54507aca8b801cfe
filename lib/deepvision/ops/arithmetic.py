"""Convolution arithmetic: how big a feature map is, and how much padding "same" adds.

Three rules give the spatial size of a convolution's (or pooling's) output along one axis, for an
input of size W, a kernel of size K and a stride S:

* explicit zero padding P on both sides: ``out = floor((W + 2P - K) / S) + 1``;
* Keras/TensorFlow ``"valid"`` (no padding): ``out = ceil((W - K + 1) / S)``, which equals the
  first rule with P = 0;
* Keras/TensorFlow ``"same"``: ``out = ceil(W / S)``, whatever K is. To get there it pads
  ``total = max((out - 1) * S + K - W, 0)`` zeros, ``total // 2`` before and the rest after, so
  an odd total puts the extra zero at the **bottom / right**.

Taught in: chapter 06, "Stride and padding" and "SAME and VALID".
"""

from __future__ import annotations

import math

from deepvision import validate

PADDINGS = ("valid", "same")


def _int(value, name, minimum):
    return validate.integer(value, name, minimum=minimum)


def check_padding(padding):
    """``padding`` in lower case if it is ``"valid"`` or ``"same"``; otherwise a ValueError."""
    return validate.padding(padding)


def _per_axis(function, size, kernel_size, stride, *rest):
    """Apply a one-axis rule to each axis when any of size, kernel_size, stride is a pair."""
    if not any(isinstance(v, (tuple, list)) for v in (size, kernel_size, stride)):
        return None
    sizes = validate.pair(size, "size")
    kernels = validate.pair(kernel_size, "kernel_size")
    strides = validate.pair(stride, "stride")
    return tuple(function(sizes[a], kernels[a], strides[a], *rest) for a in range(2))


def conv_output_size(size, kernel_size, stride=1, padding=0):
    """Spatial size of a convolution's output along one axis, with explicit zero padding.

    out = (size + 2 * padding - kernel_size) // stride + 1

    Args:
        size: Input size W (height or width).
        kernel_size: Kernel size K along the same axis.
        stride: Step S between two windows.
        padding: Zeros P added on **each** side.

    Returns:
        int: the number of window positions.

    Raises:
        ValueError: a non-integer or non-positive argument, or a kernel larger than the padded
            input (no window fits).

    A pair for any of size, kernel_size, stride (``(H, W)``, ``(kh, kw)``, ``(S_h, S_w)``) gives
    a pair ``(H', W')``.

    Taught in: chapter 06, "Stride and padding".
    """
    both = _per_axis(conv_output_size, size, kernel_size, stride, padding)
    if both is not None:
        return both
    size = _int(size, "size", 1)
    kernel_size = _int(kernel_size, "kernel_size", 1)
    stride = _int(stride, "stride", 1)
    padding = _int(padding, "padding", 0)
    if kernel_size > size + 2 * padding:
        raise ValueError(
            f"kernel_size: {kernel_size} is larger than the padded input "
            f"(size {size} + 2 * padding {padding} = {size + 2 * padding}); no window fits"
        )
    return (size + 2 * padding - kernel_size) // stride + 1


def same_output_size(size, stride=1):
    """Output size with Keras/TensorFlow ``padding="same"``: ceil(size / stride).

    Taught in: chapter 06, "SAME and VALID".
    """
    if isinstance(size, (tuple, list)) or isinstance(stride, (tuple, list)):
        sizes, strides = validate.pair(size, "size"), validate.pair(stride, "stride")
        return tuple(same_output_size(sizes[a], strides[a]) for a in range(2))
    size = _int(size, "size", 1)
    stride = _int(stride, "stride", 1)
    return math.ceil(size / stride)


def valid_output_size(size, kernel_size, stride=1):
    """Output size with Keras/TensorFlow ``padding="valid"``.

    out = ceil((size - kernel_size + 1) / stride)

    Raises:
        ValueError: the kernel is larger than the input.

    Taught in: chapter 06, "SAME and VALID".
    """
    both = _per_axis(valid_output_size, size, kernel_size, stride)
    if both is not None:
        return both
    size = _int(size, "size", 1)
    kernel_size = _int(kernel_size, "kernel_size", 1)
    stride = _int(stride, "stride", 1)
    if kernel_size > size:
        raise ValueError(
            f"kernel_size: {kernel_size} is larger than the input size {size} with "
            "padding='valid'; no window fits"
        )
    return math.ceil((size - kernel_size + 1) / stride)


def same_padding(size, kernel_size, stride=1):
    """Zeros that ``padding="same"`` adds before and after one axis.

    total = max((ceil(size / stride) - 1) * stride + kernel_size - size, 0)
    before = total // 2, after = total - before (the odd zero goes after: bottom or right).

    Returns:
        ``(before, after)``; with pairs for size, kernel_size or stride,
        ``((top, bottom), (left, right))``.

    Taught in: chapter 06, "SAME and VALID".
    """
    both = _per_axis(same_padding, size, kernel_size, stride)
    if both is not None:
        return both
    kernel_size = _int(kernel_size, "kernel_size", 1)
    out = same_output_size(size, stride)
    total = max((out - 1) * stride + kernel_size - size, 0)
    return total // 2, total - total // 2


def output_size(size, kernel_size, stride=1, padding="valid"):
    """Output size for a Keras ``padding`` string or an explicit symmetric padding.

    Args:
        size: Input size along one axis.
        kernel_size: Kernel (or pool) size along that axis.
        stride: Step between windows.
        padding: ``"valid"``, ``"same"`` or an integer number of zeros on each side.

    Returns:
        int; a pair ``(H', W')`` when size, kernel_size or stride is a pair.

    Taught in: chapter 06, "SAME and VALID".
    """
    both = _per_axis(output_size, size, kernel_size, stride, padding)
    if both is not None:
        return both
    if isinstance(padding, int) and not isinstance(padding, bool):
        return conv_output_size(size, kernel_size, stride, padding)
    padding = check_padding(padding)
    if padding == "same":
        _int(kernel_size, "kernel_size", 1)
        return same_output_size(size, stride)
    return valid_output_size(size, kernel_size, stride)


def conv_parameter_count(kernel_size, in_channels, filters, output_size=None):
    """Trainable parameters of a 2-D convolution layer with biases.

    With parameter sharing (a real conv layer) every filter has kh · kw · in_channels weights
    and one bias: ``(kh * kw * C_in + 1) * filters``. Without sharing, every output position of
    every filter has its own copy: multiply by the number of output positions H' · W'.

    Args:
        kernel_size: K for a square kernel, or a pair (kh, kw).
        in_channels: Input depth C_in.
        filters: Number of filters (output depth).
        output_size: Side of the square output, or a pair (H', W'); ``None`` for the shared
            count.

    Returns:
        int.

    Taught in: chapter 06, "Parameter sharing".
    """
    kh, kw = validate.pair(kernel_size, "kernel_size")
    in_channels = _int(in_channels, "in_channels", 1)
    filters = _int(filters, "filters", 1)
    per_filter = kh * kw * in_channels + 1
    if output_size is None:
        return per_filter * filters
    out_h, out_w = validate.pair(output_size, "output_size")
    return per_filter * out_h * out_w * filters
