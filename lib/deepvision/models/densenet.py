"""DenseNet (Huang et al., 2017): every layer sees the concatenation of all the maps before it.

In a dense block of L layers with growth rate k, layer l reads the block's input and the k maps
of each of the l - 1 layers before it (concatenated along the channels) and adds k maps of its
own: the block's output has C + L k channels. Each layer is BatchNormalization → ReLU →
Conv2D(k, 3x3) (``bottleneck=True`` puts BN → ReLU → Conv2D(4k, 1x1) in front, DenseNet-B).
Between blocks a **transition** halves the channels with a 1x1 convolution and the size with a
2x2 average pool. The book's picture is a 5-layer block with k = 4.

Taught in: chapter 09, "DenseNet: concatenate, don't add".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name


def dense_block(x, num_layers=5, growth_rate=4, bottleneck=False, name="dense"):
    """A dense block: ``num_layers`` layers, each concatenating ``growth_rate`` new maps.

    Args:
        x: Feature maps (N, H, W, C).
        num_layers: L.
        growth_rate: k, the maps each layer adds.
        bottleneck: Put BN → ReLU → Conv2D(4k, 1x1) before each 3x3 (DenseNet-B).
        name: Prefix: ``{name}_layer1_bn``, ``{name}_layer1_relu``, ``{name}_layer1_conv``,
            ``{name}_layer1_concat``...

    Returns:
        Feature maps (N, H, W, C + num_layers * growth_rate).

    Taught in: chapter 09, "DenseNet: concatenate, don't add".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    num_layers = validate.integer(num_layers, "num_layers", minimum=1)
    growth_rate = validate.integer(growth_rate, "growth_rate", minimum=1)
    for index in range(1, num_layers + 1):
        prefix = f"{name}_layer{index}"
        out = x
        if bottleneck:
            out = layers.BatchNormalization(name=f"{prefix}_bn0")(out)
            out = layers.Activation("relu", name=f"{prefix}_relu0")(out)
            out = layers.Conv2D(4 * growth_rate, 1, name=f"{prefix}_conv0")(out)
        out = layers.BatchNormalization(name=f"{prefix}_bn")(out)
        out = layers.Activation("relu", name=f"{prefix}_relu")(out)
        out = layers.Conv2D(growth_rate, 3, padding="same", name=f"{prefix}_conv")(out)
        x = layers.Concatenate(name=f"{prefix}_concat")([x, out])
    return x


def transition(x, compression=0.5, name="transition"):
    """BN → ReLU → Conv2D(1x1, ``compression`` times the channels) → AveragePooling2D(2).

    Returns:
        Feature maps (N, H // 2, W // 2, int(C * compression)).

    Taught in: chapter 09, "DenseNet: concatenate, don't add".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    compression = validate.positive_number(compression, "compression")
    if compression > 1:
        raise ValueError(f"compression: expected a fraction in (0, 1], got {compression!r}")
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(max(1, int(x.shape[-1] * compression)), 1, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, name=f"{name}_pool")(x)


def mini_densenet(
    input_shape=(32, 32, 3),
    num_classes=10,
    blocks=(6, 6, 6),
    growth_rate=12,
    name="mini_densenet",
):
    """A small DenseNet-BC for CIFAR-10: a 3x3 stem of 2k maps, dense blocks (bottlenecked)
    joined by transitions, BN → ReLU → global average pool → softmax.

    Args:
        input_shape: (H, W, C); at least 2 ** (len(blocks) - 1) on each side.
        num_classes: Units of the softmax.
        blocks: Layers of each dense block.
        growth_rate: k.
        name: The model's name and its layers' prefix.

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 182,422
        parameters at the default sizes.

    Taught in: chapter 09, "DenseNet: concatenate, don't add".
    """
    import keras
    from keras import layers

    from deepvision.models.classic import input_shape_at_least

    name = _name(name)
    blocks = tuple(blocks)
    if not blocks:
        raise ValueError("blocks: expected the layers of at least one dense block, got ()")
    growth_rate = validate.integer(growth_rate, "growth_rate", minimum=1)
    shape = input_shape_at_least(
        input_shape, 2 ** (len(blocks) - 1), "this DenseNet", f"{len(blocks) - 1} transitions"
    )
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    inputs = keras.Input(shape=shape, name=f"{name}_images")
    net = layers.Conv2D(2 * growth_rate, 3, padding="same", name=f"{name}_stem")(inputs)
    for index, num_layers in enumerate(blocks, start=1):
        net = dense_block(
            net, num_layers, growth_rate, bottleneck=True, name=f"{name}_block{index}"
        )
        if index < len(blocks):
            net = transition(net, name=f"{name}_transition{index}")
    net = layers.BatchNormalization(name=f"{name}_bn")(net)
    net = layers.Activation("relu", name=f"{name}_relu")(net)
    net = layers.GlobalAveragePooling2D(name=f"{name}_avgpool")(net)
    net = layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(net)
    return keras.Model(inputs, net, name=name)
