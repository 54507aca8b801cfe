"""Grouped convolutions: split the channels, convolve each group, concatenate.

With g groups a convolution splits its C_in input channels into g slices of C_in / g, convolves
slice i with its own F / g filters (each (kh, kw, C_in / g)), and concatenates the g outputs
along the channels. Its kernel has Keras' layout for ``Conv2D(filters, groups=g)``:
(kh, kw, C_in / g, F), output channels [i F/g, (i + 1) F/g) belonging to group i. It has g times
fewer weights than a standard convolution: kh kw (C_in / g) F + F. AlexNet split its layers in
two this way (one group per GPU); ResNeXt made g a design dimension, the cardinality.

Taught in: chapter 09, "ResNeXt: grouped convolutions and cardinality".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
from deepvision.ops.conv import conv2d


def grouped_conv2d(x, w, b=None, groups=1, stride=1, padding="valid"):
    """Grouped 2-D convolution, as Keras' ``Conv2D(groups=groups)`` computes it.

    Args:
        x: Images, shape (N, H, W, C_in); C_in divisible by ``groups``.
        w: Kernels, shape (kh, kw, C_in / groups, F); F divisible by ``groups``.
        b: Optional bias, shape (F,).
        groups: g.
        stride: An int or a pair.
        padding: ``"valid"`` or ``"same"``.

    Returns:
        Array (N, H', W', F): group i's output channels come from input channels
        [i C_in/g, (i + 1) C_in/g) only.

    Taught in: chapter 09, "ResNeXt: grouped convolutions and cardinality".
    """
    x = validate.float_array(x, "x", ndim=4)
    w = validate.float_array(w, "w", ndim=4)
    groups = validate.integer(groups, "groups", minimum=1)
    c_in, filters = x.shape[-1], w.shape[-1]
    if c_in % groups:
        raise ValueError(
            f"groups: the input's {c_in} channels must split into {groups} equal groups; "
            f"expected a divisor of {c_in}, got {groups}"
        )
    if filters % groups:
        raise ValueError(
            f"groups: the {filters} filters must split into {groups} equal groups; expected a "
            f"divisor of {filters}, got {groups}"
        )
    if w.shape[2] != c_in // groups:
        raise ValueError(
            f"w: expected kernels (kh, kw, {c_in // groups}, F): each group sees C_in / groups = "
            f"{c_in} / {groups} channels; got shape {w.shape}"
        )
    step_in, step_out = c_in // groups, filters // groups
    outputs = [
        conv2d(
            x[..., g * step_in : (g + 1) * step_in],
            w[..., g * step_out : (g + 1) * step_out],
            stride=stride,
            padding=padding,
        )
        for g in range(groups)
    ]
    out = np.concatenate(outputs, axis=-1)
    if b is not None:
        b = validate.float_array(b, "b", ndim=1)
        if b.shape != (filters,):
            raise ValueError(f"b: expected shape ({filters},), one bias per filter, got {b.shape}")
        out = out + b
    return out


def grouped_conv2d_parameters(in_channels, filters, kernel_size, groups=1, use_bias=True):
    """Parameters of ``Conv2D(filters, kernel_size, groups=groups)`` on C_in channels.

    kh kw (C_in / g) F weights, plus F biases.

    Taught in: chapter 09, "ResNeXt: grouped convolutions and cardinality".
    """
    in_channels = validate.integer(in_channels, "in_channels", minimum=1)
    filters = validate.integer(filters, "filters", minimum=1)
    kh, kw = validate.pair(kernel_size, "kernel_size")
    groups = validate.integer(groups, "groups", minimum=1)
    for value, what in ((in_channels, "in_channels"), (filters, "filters")):
        if value % groups:
            raise ValueError(
                f"groups: {what} = {value} must split into {groups} equal groups; expected a "
                f"divisor of {value}, got {groups}"
            )
    return kh * kw * (in_channels // groups) * filters + (filters if use_bias else 0)
