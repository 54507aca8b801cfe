"""The book's residual module and its mini ResNet for CIFAR-10, in Keras 3.

:func:`resnet_module` is the book's ``ResnetModule``: a pre-activation residual block,
BatchNormalization → ReLU → Conv2D(3x3) twice, added to the block's input. With ``pool=True`` it
first halves the feature maps with a 2x2 max-pool, and the shortcut becomes a 1x1 convolution with
stride 2 to the new number of channels, so the two branches can be added.

:func:`mini_resnet` is the book's ``MiniModel``: a 3x3 convolution, four stages of three modules
(32, 64, 128, 256 filters; the first module of each later stage pools), then BatchNormalization →
ReLU → Dropout(0.25) → AveragePooling2D(4) → Flatten → Dense(10, softmax). What changed for Keras
3: ``keras.layers.add([...])`` is written ``layers.Add()([...])``, and every layer is named from a
prefix. On 32x32 inputs the last maps are 4x4, so the book's ``AveragePooling2D(4)`` then
``Flatten`` is a global average pool; the builder pools over whatever size the last maps have.

Taught in: chapter 09 (to be written).
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name

#: Filters of the four stages of the book's mini ResNet, three modules each.
RESNET_STAGES = (32, 64, 128, 256)


def _filters(base, width):
    return max(1, int(round(base * width)))


def resnet_module(x, filters, pool=False, name="module"):
    """The book's ``ResnetModule``: y = shortcut(x) + F(x), F two BN → ReLU → Conv2D(3x3) units.

    Args:
        x: Feature maps (N, H, W, C); without ``pool``, C must equal ``filters`` (the identity
            shortcut adds x itself).
        filters: Output channels.
        pool: Halve H and W first (MaxPooling2D(2)); the shortcut is then a 1x1 Conv2D with
            stride 2 to ``filters`` channels.
        name: Prefix of the layer names (``{name}_pool``, ``{name}_shortcut``, ``{name}_bn1``,
            ``{name}_relu1``, ``{name}_conv1``, ... ``{name}_add``).

    Returns:
        Feature maps (N, H', W', filters), H' = H / 2 with ``pool``, H otherwise.

    Taught in: chapter 09 (to be written).
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    filters = validate.integer(filters, "filters", minimum=1)
    shortcut = x
    if pool:
        x = layers.MaxPooling2D(2, name=f"{name}_pool")(x)
        shortcut = layers.Conv2D(filters, 1, strides=2, padding="same", name=f"{name}_shortcut")(
            shortcut
        )
    elif x.shape[-1] != filters:
        raise ValueError(
            f"filters: without pool the shortcut is the identity, so filters must equal the "
            f"input's {x.shape[-1]} channels; got {filters} (use pool=True to change them)"
        )
    out = x
    for index in (1, 2):
        out = layers.BatchNormalization(name=f"{name}_bn{index}")(out)
        out = layers.Activation("relu", name=f"{name}_relu{index}")(out)
        out = layers.Conv2D(filters, 3, padding="same", name=f"{name}_conv{index}")(out)
    return layers.Add(name=f"{name}_add")([shortcut, out])


def _head(net, inputs, num_classes, name):
    import keras
    from keras import layers

    net = layers.BatchNormalization(name=f"{name}_bn")(net)
    net = layers.Activation("relu", name=f"{name}_relu")(net)
    net = layers.Dropout(0.25, name=f"{name}_dropout")(net)
    size = (net.shape[1], net.shape[2])
    net = layers.AveragePooling2D(size, name=f"{name}_avgpool")(net)
    net = layers.Flatten(name=f"{name}_flatten")(net)
    net = layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(net)
    return keras.Model(inputs, net, name=name)


def mini_resnet(input_shape=(32, 32, 3), num_classes=10, width=1.0, name="mini_resnet"):
    """The book's mini ResNet for CIFAR-10 (chapter 9 of the book).

    Args:
        input_shape: (H, W, C) of the images; H and W divisible by 8.
        num_classes: Units of the softmax.
        width: Multiplies every layer's filters (1.0: the book's network).
        name: The model's name and the prefix of its layers (``{name}_stem``,
            ``{name}_stage2_module1_conv1``...).

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 4,374,538
        parameters at the book's sizes.

    Taught in: chapter 09 (to be written).
    """
    import keras
    from keras import layers

    name = _name(name)
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    width = validate.positive_number(width, "width")
    inputs = keras.Input(shape=tuple(input_shape), name=f"{name}_images")
    net = layers.Conv2D(_filters(RESNET_STAGES[0], width), 3, padding="same", name=f"{name}_stem")(
        inputs
    )
    for stage, base in enumerate(RESNET_STAGES, start=1):
        for index in range(1, 4):
            net = resnet_module(
                net,
                _filters(base, width),
                pool=stage > 1 and index == 1,
                name=f"{name}_stage{stage}_module{index}",
            )
    return _head(net, inputs, num_classes, name)
