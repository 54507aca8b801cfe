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
import numbers

PADDINGS = ("valid", "same")


def _int(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return int(value)


def check_padding(padding):
    """``padding`` in lower case if it is ``"valid"`` or ``"same"``; otherwise a ValueError."""
    if not isinstance(padding, str) or padding.lower() not in PADDINGS:
        raise ValueError(f"padding: expected 'valid' or 'same', got {padding!r}")
    return padding.lower()


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

    Taught in: chapter 06, "Stride and padding".
    """
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
        ``(before, after)``.

    Taught in: chapter 06, "SAME and VALID".
    """
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
        int.

    Taught in: chapter 06, "SAME and VALID".
    """
    if isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        return conv_output_size(size, kernel_size, stride, padding)
    padding = check_padding(padding)
    if padding == "same":
        _int(kernel_size, "kernel_size", 1)
        return same_output_size(size, stride)
    return valid_output_size(size, kernel_size, stride)


def conv_parameter_count(kernel_size, in_channels, filters, output_size=None):
    """Trainable parameters of a 2-D convolution layer with square kernels and biases.

    With parameter sharing (a real conv layer) every filter has kernel_size² · in_channels weights
    and one bias: ``(K * K * C_in + 1) * filters``. Without sharing, every output position of
    every filter has its own copy: multiply by ``output_size ** 2``.

    Args:
        kernel_size: K (square kernels).
        in_channels: Input depth C_in.
        filters: Number of filters (output depth).
        output_size: Side of the square output; ``None`` for the shared count.

    Returns:
        int.

    Taught in: chapter 06, "Parameter sharing".
    """
    kernel_size = _int(kernel_size, "kernel_size", 1)
    in_channels = _int(in_channels, "in_channels", 1)
    filters = _int(filters, "filters", 1)
    per_filter = kernel_size * kernel_size * in_channels + 1
    if output_size is None:
        return per_filter * filters
    output_size = _int(output_size, "output_size", 1)
    return per_filter * output_size * output_size * filters
