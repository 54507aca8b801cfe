"""ResNeXt's block (Xie et al., 2017): a residual bottleneck whose 3x3 is a grouped convolution.

A grouped convolution splits its C input channels into g groups, convolves each group with its
own F / g filters, and concatenates the g results: ``Conv2D(filters, 3, groups=g)`` in Keras, g
times fewer weights than a standard one. ResNeXt calls g the **cardinality** and showed that
raising it (32 paths of 4 channels instead of one of 128) helps more than going deeper or wider
at the same cost. The block is 1x1 (to ``width`` channels) → BN → ReLU → grouped 3x3 → BN →
ReLU → 1x1 (to ``filters``) → BN, added to the shortcut (a 1x1 projection with BN when the shape
changes), then ReLU.

Taught in: chapter 09, "ResNeXt: grouped convolutions and cardinality".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name


def resnext_block(x, filters, cardinality=32, width=128, strides=1, name="resnext"):
    """ResNeXt's bottleneck block with a grouped 3x3 convolution.

    Args:
        x: Feature maps (N, H, W, C).
        filters: Output channels.
        cardinality: g, the groups of the 3x3 convolution.
        width: Channels of the grouped 3x3 (ResNeXt-50 32x4d's first stage: 32 x 4 = 128); a
            multiple of ``cardinality``.
        strides: The grouped convolution's (and the projection's) stride.
        name: Prefix: ``{name}_reduce``, ``{name}_grouped``, ``{name}_expand`` (each with
            ``_bn`` and ``_relu``), ``{name}_shortcut``, ``{name}_add``, ``{name}_out``.

    Returns:
        Feature maps (N, H / S, W / S, filters).

    Taught in: chapter 09, "ResNeXt: grouped convolutions and cardinality".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    cardinality = validate.integer(cardinality, "cardinality", minimum=1)
    width = validate.integer(width, "width", minimum=1)
    strides = validate.pair(strides, "strides")
    if width % cardinality:
        raise ValueError(
            f"width: the grouped convolution's {width} channels must split into cardinality = "
            f"{cardinality} equal groups; expected a multiple of {cardinality}"
        )
    shortcut = x
    if strides != (1, 1) or x.shape[-1] != filters:
        shortcut = layers.Conv2D(
            filters, 1, strides=strides, use_bias=False, name=f"{name}_shortcut"
        )(x)
        shortcut = layers.BatchNormalization(name=f"{name}_shortcut_bn")(shortcut)
    out = layers.Conv2D(width, 1, use_bias=False, name=f"{name}_reduce")(x)
    out = layers.BatchNormalization(name=f"{name}_reduce_bn")(out)
    out = layers.Activation("relu", name=f"{name}_reduce_relu")(out)
    out = layers.Conv2D(
        width,
        3,
        strides=strides,
        padding="same",
        groups=cardinality,
        use_bias=False,
        name=f"{name}_grouped",
    )(out)
    out = layers.BatchNormalization(name=f"{name}_grouped_bn")(out)
    out = layers.Activation("relu", name=f"{name}_grouped_relu")(out)
    out = layers.Conv2D(filters, 1, use_bias=False, name=f"{name}_expand")(out)
    out = layers.BatchNormalization(name=f"{name}_expand_bn")(out)
    out = layers.Add(name=f"{name}_add")([shortcut, out])
    return layers.Activation("relu", name=f"{name}_out")(out)
