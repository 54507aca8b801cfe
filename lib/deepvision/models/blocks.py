"""Building blocks shared by the convolutional networks of chapters 06-12.

The convention every block follows (keras.applications does the same):

* a block is a function from a tensor to a tensor, ``y = block(x, ..., name="stage2_block1")``;
* every layer it creates is named from ``name`` (``f"{name}_conv1"``, ``f"{name}_bn1"``...), so
  that a model summary reads as the architecture and the model checker can name what it finds;
* it checks its arguments and says what was wrong (a tensor of the wrong rank, a non-positive
  number of filters) before Keras would fail deep inside.

Taught in: chapter 06, "A hierarchy of features".
"""

from __future__ import annotations

from deepvision import validate


def _feature_maps(x, name):
    """A ValueError unless ``x`` is a 4-D Keras tensor (N, H, W, C)."""
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) != 4:
        raise ValueError(
            f"x: expected a Keras tensor of feature maps (N, H, W, C) for block {name!r}, got "
            f"{'shape ' + str(tuple(shape)) if shape is not None else type(x).__name__}"
        )
    return x


def _name(name):
    if not isinstance(name, str) or not name:
        raise ValueError(f"name: expected a non-empty string prefix for the layers, got {name!r}")
    return name


def _conv_arguments(x, filters, kernel_size, strides, name):
    """The checked arguments of a block around one convolution."""
    name = _name(name)
    return (
        _feature_maps(x, name),
        validate.integer(filters, "filters", minimum=1),
        validate.pair(kernel_size, "kernel_size"),
        validate.pair(strides, "strides"),
        name,
    )


def conv_bn_relu(x, filters, kernel_size=3, strides=1, name="conv"):
    """Conv2D (no bias) → BatchNormalization → ReLU: the post-activation unit of most CNNs.

    The convolution has no bias: BatchNormalization's β adds one right after it.

    Args:
        x: Feature maps (N, H, W, C).
        filters: Output channels.
        kernel_size: An int or a pair; ``padding="same"``.
        strides: An int or a pair.
        name: Prefix of the layer names: ``{name}_conv``, ``{name}_bn``, ``{name}_relu``.

    Returns:
        Feature maps (N, H / S, W / S, filters).
    """
    from keras import layers

    x, filters, kernel_size, strides, name = _conv_arguments(x, filters, kernel_size, strides, name)
    x = layers.Conv2D(
        filters, kernel_size, strides=strides, padding="same", use_bias=False, name=f"{name}_conv"
    )(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Activation("relu", name=f"{name}_relu")(x)


def preact_conv(x, filters, kernel_size=3, strides=1, name="unit"):
    """BatchNormalization → ReLU → Conv2D: a pre-activation unit (He et al., 2016).

    Args:
        x: Feature maps (N, H, W, C).
        filters: Output channels.
        kernel_size: An int or a pair; ``padding="same"``.
        strides: An int or a pair.
        name: Prefix of the layer names: ``{name}_bn``, ``{name}_relu``, ``{name}_conv``.

    Returns:
        Feature maps (N, H / S, W / S, filters).
    """
    from keras import layers

    x, filters, kernel_size, strides, name = _conv_arguments(x, filters, kernel_size, strides, name)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    return layers.Conv2D(
        filters, kernel_size, strides=strides, padding="same", name=f"{name}_conv"
    )(x)


def residual_block(x, filters, strides=1, name="block"):
    """A basic residual block: y = ReLU(F(x) + shortcut(x)), F = two 3x3 convolutions.

    F is conv_bn_relu then Conv2D → BatchNormalization. The shortcut is the identity when the
    shapes already agree; when the block downsamples (``strides`` > 1) or changes the number of
    channels, it is a 1x1 Conv2D with the same strides (a projection) and BatchNormalization.

    Args:
        x: Feature maps (N, H, W, C).
        filters: Output channels.
        strides: An int or a pair: the first convolution's (and the projection's) stride.
        name: Prefix of the layer names (``{name}_1_conv``, ``{name}_shortcut_conv``,
            ``{name}_add``...).

    Returns:
        Feature maps (N, H / S, W / S, filters).
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    strides = validate.pair(strides, "strides")
    shortcut = x
    if strides != (1, 1) or x.shape[-1] != filters:
        shortcut = layers.Conv2D(
            filters, 1, strides=strides, use_bias=False, name=f"{name}_shortcut_conv"
        )(x)
        shortcut = layers.BatchNormalization(name=f"{name}_shortcut_bn")(shortcut)
    y = conv_bn_relu(x, filters, 3, strides, name=f"{name}_1")
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    y = layers.BatchNormalization(name=f"{name}_2_bn")(y)
    y = layers.Add(name=f"{name}_add")([y, shortcut])
    return layers.Activation("relu", name=f"{name}_out")(y)
