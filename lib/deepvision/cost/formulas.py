"""The cost of one layer from its sizes: the formulas the counter applies, as plain functions.

    Dense:        params = (n_in + 1) * n_out            MACs = n_in * n_out
    Conv2D:       params = (K_h K_w C_in / g + 1) C_out  MACs = K_h K_w (C_in / g) H_out W_out C_out
    separable:    depthwise K_h K_w C_in H_out W_out, then pointwise C_in H_out W_out C_out

(g the groups; the ``+ 1`` is the bias, one per output channel.)

Taught in: chapter 10, "Dense layers", "Convolution layers" and "Counting parameters".
"""

from __future__ import annotations

from typing import NamedTuple

from deepvision import validate
from deepvision.ops.arithmetic import output_size


class LayerSize(NamedTuple):
    """What one layer costs: its parameters, its MACs per example and its output's (H, W)."""

    params: int
    macs: int
    output_size: tuple


def dense_cost(n_in, units, use_bias=True):
    """Parameters and MACs of ``keras.layers.Dense(units)`` on ``n_in`` features.

    Returns:
        :class:`LayerSize` with ``output_size`` ``()``.

    Taught in: chapter 10, "Dense layers".
    """
    n_in = validate.positive_int(n_in, "n_in")
    units = validate.positive_int(units, "units")
    return LayerSize((n_in + bool(use_bias)) * units, n_in * units, ())


def _output(input_size, kernel_size, stride, padding, dilation):
    height, width = validate.pair(input_size, "input_size")
    kernel = validate.pair(kernel_size, "kernel_size")
    stride = validate.pair(stride, "stride")
    dilation = validate.pair(dilation, "dilation")
    padding = validate.padding(padding)
    effective = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    if padding == "valid" and (effective[0] > height or effective[1] > width):
        raise ValueError(
            f"kernel_size: a kernel spanning {effective} (dilation included) does not fit in an "
            f"input of size {(height, width)} with padding='valid'"
        )
    out = output_size((height, width), effective, stride, padding)
    return kernel, out


def conv2d_cost(
    input_size,
    in_channels,
    filters,
    kernel_size=3,
    stride=1,
    padding="same",
    groups=1,
    dilation=1,
    use_bias=True,
):
    """Parameters and MACs of ``keras.layers.Conv2D`` on one (H, W, in_channels) image.

    Args:
        input_size: H for a square input, or a pair (H, W).
        in_channels: C_in.
        filters: C_out.
        kernel_size, stride, dilation: An int or a pair.
        padding: ``"valid"`` or ``"same"``.
        groups: Groups of channels convolved apart; divides both in_channels and filters.
        use_bias: Whether each filter has a bias.

    Returns:
        :class:`LayerSize`.

    Taught in: chapter 10, "Convolution layers" and "Counting parameters".
    """
    in_channels = validate.positive_int(in_channels, "in_channels")
    filters = validate.positive_int(filters, "filters")
    groups = validate.positive_int(groups, "groups")
    for name, value in (("in_channels", in_channels), ("filters", filters)):
        if value % groups:
            raise ValueError(f"groups: expected a divisor of {name} = {value}, got {groups}")
    (kh, kw), (out_h, out_w) = _output(input_size, kernel_size, stride, padding, dilation)
    per_output = kh * kw * (in_channels // groups)
    params = (per_output + bool(use_bias)) * filters
    return LayerSize(params, per_output * out_h * out_w * filters, (out_h, out_w))


def separable_conv2d_cost(
    input_size,
    in_channels,
    filters,
    kernel_size=3,
    stride=1,
    padding="same",
    depth_multiplier=1,
    use_bias=True,
):
    """Parameters and MACs of ``keras.layers.SeparableConv2D``: a depthwise K x K convolution
    (``depth_multiplier`` filters per input channel, with ``stride``), then a 1 x 1 convolution to
    ``filters`` channels (one bias per output channel).

    Returns:
        :class:`LayerSize`.

    Taught in: chapter 10, "The cost calculator".
    """
    in_channels = validate.positive_int(in_channels, "in_channels")
    filters = validate.positive_int(filters, "filters")
    multiplier = validate.positive_int(depth_multiplier, "depth_multiplier")
    (kh, kw), (out_h, out_w) = _output(input_size, kernel_size, stride, padding, 1)
    depthwise = kh * kw * in_channels * multiplier
    pointwise = in_channels * multiplier * filters
    params = depthwise + pointwise + (filters if use_bias else 0)
    return LayerSize(params, (depthwise + pointwise) * out_h * out_w, (out_h, out_w))


def bottleneck_cost(
    input_size,
    in_channels,
    filters,
    bottleneck_channels,
    kernel_size=3,
    stride=1,
    padding="same",
    use_bias=True,
):
    """Parameters and MACs of a bottleneck: a 1 x 1 ``Conv2D`` from ``in_channels`` down to
    ``bottleneck_channels``, then the K x K ``Conv2D`` (with ``stride``) to ``filters``.

        MACs = C_in C_b H W  +  K_h K_w C_b H_out W_out C_out

    (H, W the input's size: the 1 x 1 convolution keeps it.) Cheaper than one K x K convolution
    from C_in when C_b is well below C_in.

    Returns:
        :class:`LayerSize` of the two layers together.

    Taught in: chapter 10, "The cost calculator".
    """
    bottleneck_channels = validate.positive_int(bottleneck_channels, "bottleneck_channels")
    squeeze = conv2d_cost(
        input_size, in_channels, bottleneck_channels, 1, 1, "valid", 1, 1, use_bias
    )
    spread = conv2d_cost(
        squeeze.output_size,
        bottleneck_channels,
        filters,
        kernel_size,
        stride,
        padding,
        1,
        1,
        use_bias,
    )
    return LayerSize(squeeze.params + spread.params, squeeze.macs + spread.macs, spread.output_size)
