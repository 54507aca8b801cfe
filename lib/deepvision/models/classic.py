"""The classic networks of chapter 09 in Keras 3: LeNet-5, AlexNet, VGG16 and VGG19.

* :func:`lenet5` is LeCun et al.'s 1998 digit network, the CONV → POOL → FC pattern: two 5x5
  convolutions (6 and 16 maps, tanh) each followed by 2x2 average pooling, then dense layers of
  120, 84 and 10 units. (The original's C3 joined each map to a subset of C2's, and its output
  layer was RBF units; the version here, every map connected and a softmax, is how it is built
  today.)
* :func:`alexnet` is Krizhevsky, Sutskever and Hinton's 2012 ImageNet network on 227x227 images:
  five convolutions (96 11x11 stride 4, 256 5x5, 384, 384, 256 3x3) with three overlapping 3x3/2
  max-pools, then two dense layers of 4096 with dropout 0.5 and a 1000-way softmax; ReLU
  everywhere. ``two_gpus=True`` splits conv2, conv4 and conv5 into two groups, as the original
  did across its two GPUs (``Conv2D(groups=2)``). Local response normalisation is left out.
* :func:`vgg16` and :func:`vgg19` are Simonyan and Zisserman's networks: stages of 3x3
  convolutions (64, 128, 256, 512, 512 filters) each ending in a 2x2 max-pool, then dense
  layers of 4096, 4096 and ``num_classes``. At 224x224 with 1000 classes they are
  ``keras.applications.VGG16/VGG19(weights=None)`` layer for layer (same names, shapes and
  138,357,544 / 143,667,240 parameters; ``tests/test_models_classic.py`` compares them).

Taught in: chapter 09, "LeNet-5: the pattern" (LeNet-5), "AlexNet" and "VGG: depth from 3x3
convolutions".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.models.blocks import _feature_maps, _name

#: (convolutions, filters) of each stage of VGG16 and VGG19.
VGG_STAGES = {
    16: ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)),
    19: ((2, 64), (2, 128), (4, 256), (4, 512), (4, 512)),
}


def input_shape_at_least(input_shape, minimum, network, why):
    """``input_shape`` as a tuple (H, W, C), or a ValueError if H or W is below ``minimum``.

    Args:
        input_shape: (H, W, C) of the images.
        minimum: The smallest H and W the network's convolutions and pooling can take.
        network: The network's name, for the message.
        why: What shrinks the maps ("two 5x5 convolutions and two 2x2 poolings").

    Taught in: chapter 09, "LeNet-5: the pattern".
    """
    shape = tuple(input_shape) if isinstance(input_shape, (tuple, list)) else None
    if shape is None or len(shape) != 3 or not all(validate._is_integer(s) for s in shape):
        raise ValueError(f"input_shape: expected (height, width, channels), got {input_shape!r}")
    if min(shape[0], shape[1]) < minimum or shape[2] < 1:
        raise ValueError(
            f"input_shape: {network} needs images of at least {minimum}x{minimum} ({why}); "
            f"got {shape[0]}x{shape[1]}x{shape[2]}"
        )
    return shape


def lenet5(input_shape=(32, 32, 1), num_classes=10, name="lenet5"):
    """LeNet-5: Conv(6, 5x5) → AvgPool → Conv(16, 5x5) → AvgPool → Dense 120 → 84 → classes.

    Args:
        input_shape: (H, W, C); at least 32x32 (MNIST's 28x28 digits are padded to 32x32, as
            LeCun et al. did).
        num_classes: Units of the softmax.
        name: The model's name and its layers' prefix (``{name}_conv1``, ``{name}_pool1``...).

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities; 61,706
        parameters at 32x32x1 and 10 classes.

    Taught in: chapter 09, "LeNet-5: the pattern".
    """
    import keras
    from keras import layers

    name = _name(name)
    shape = input_shape_at_least(
        input_shape, 32, "LeNet-5", "two 5x5 convolutions and two 2x2 poolings down to 5x5 maps"
    )
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    inputs = keras.Input(shape=shape, name=f"{name}_images")
    net = layers.Conv2D(6, 5, activation="tanh", name=f"{name}_conv1")(inputs)
    net = layers.AveragePooling2D(2, name=f"{name}_pool1")(net)
    net = layers.Conv2D(16, 5, activation="tanh", name=f"{name}_conv2")(net)
    net = layers.AveragePooling2D(2, name=f"{name}_pool2")(net)
    net = layers.Flatten(name=f"{name}_flatten")(net)
    net = layers.Dense(120, activation="tanh", name=f"{name}_fc1")(net)
    net = layers.Dense(84, activation="tanh", name=f"{name}_fc2")(net)
    net = layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(net)
    return keras.Model(inputs, net, name=name)


def alexnet(input_shape=(227, 227, 3), num_classes=1000, two_gpus=False, name="alexnet"):
    """AlexNet, one tower (or the original's two, with ``two_gpus``).

    Args:
        input_shape: (H, W, C); at least 67x67 (an 11x11/4 convolution and three 3x3/2 pools).
        num_classes: Units of the softmax.
        two_gpus: Split conv2, conv4 and conv5 into two groups (``Conv2D(groups=2)``), as the
            original's two GPUs did: 60,965,224 parameters instead of 62,378,344.
        name: The model's name and its layers' prefix.

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities.

    Taught in: chapter 09, "AlexNet".
    """
    import keras
    from keras import layers

    name = _name(name)
    shape = input_shape_at_least(
        input_shape, 67, "AlexNet", "an 11x11 stride-4 convolution and three 3x3 stride-2 pools"
    )
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    groups = 2 if two_gpus else 1
    inputs = keras.Input(shape=shape, name=f"{name}_images")
    net = layers.Conv2D(96, 11, strides=4, activation="relu", name=f"{name}_conv1")(inputs)
    net = layers.MaxPooling2D(3, strides=2, name=f"{name}_pool1")(net)
    net = layers.Conv2D(
        256, 5, padding="same", groups=groups, activation="relu", name=f"{name}_conv2"
    )(net)
    net = layers.MaxPooling2D(3, strides=2, name=f"{name}_pool2")(net)
    net = layers.Conv2D(384, 3, padding="same", activation="relu", name=f"{name}_conv3")(net)
    net = layers.Conv2D(
        384, 3, padding="same", groups=groups, activation="relu", name=f"{name}_conv4"
    )(net)
    net = layers.Conv2D(
        256, 3, padding="same", groups=groups, activation="relu", name=f"{name}_conv5"
    )(net)
    net = layers.MaxPooling2D(3, strides=2, name=f"{name}_pool5")(net)
    net = layers.Flatten(name=f"{name}_flatten")(net)
    for index in (6, 7):
        net = layers.Dense(4096, activation="relu", name=f"{name}_fc{index}")(net)
        net = layers.Dropout(0.5, name=f"{name}_dropout{index}")(net)
    net = layers.Dense(num_classes, activation="softmax", name=f"{name}_predictions")(net)
    return keras.Model(inputs, net, name=name)


def vgg_block(x, convolutions, filters, name="block1"):
    """A VGG stage: ``convolutions`` 3x3 ReLU convolutions ("same"), then a 2x2 max-pool.

    Args:
        x: Feature maps (N, H, W, C), H and W at least 2.
        convolutions: How many 3x3 convolutions.
        filters: Their filters.
        name: Prefix: ``{name}_conv1`` ... ``{name}_pool`` (keras.applications' names).

    Returns:
        Feature maps (N, H // 2, W // 2, filters).

    Taught in: chapter 09, "VGG: depth from 3x3 convolutions".
    """
    from keras import layers

    name = _name(name)
    x = _feature_maps(x, name)
    convolutions = validate.integer(convolutions, "convolutions", minimum=1)
    filters = validate.integer(filters, "filters", minimum=1)
    for index in range(1, convolutions + 1):
        x = layers.Conv2D(
            filters, 3, padding="same", activation="relu", name=f"{name}_conv{index}"
        )(x)
    return layers.MaxPooling2D(2, strides=2, name=f"{name}_pool")(x)


def vgg(depth=16, input_shape=(224, 224, 3), num_classes=1000, width=1.0, name=None):
    """VGG16 or VGG19 (``depth``), with its three dense layers.

    Args:
        depth: 16 or 19.
        input_shape: (H, W, C); at least 32x32 (five 2x2 pools).
        num_classes: Units of the softmax.
        width: Multiplies every layer's filters and units (1.0: the published network).
        name: The model's name (default ``"vgg16"`` / ``"vgg19"``); the layers carry
            keras.applications' names (``block1_conv1`` ... ``fc1``, ``fc2``, ``predictions``).

    Returns:
        keras.Model from (N, H, W, C) images to (N, num_classes) probabilities.

    Taught in: chapter 09, "VGG: depth from 3x3 convolutions".
    """
    import keras
    from keras import layers

    depth = validate.choice(depth, "depth", (16, 19))
    name = _name(name or f"vgg{depth}")
    shape = input_shape_at_least(input_shape, 32, f"VGG{depth}", "five 2x2 max-pools")
    num_classes = validate.integer(num_classes, "num_classes", minimum=2)
    width = validate.positive_number(width, "width")
    inputs = keras.Input(shape=shape, name="input_layer")
    net = inputs
    for stage, (convolutions, filters) in enumerate(VGG_STAGES[depth], start=1):
        net = vgg_block(net, convolutions, max(1, round(filters * width)), name=f"block{stage}")
    net = layers.Flatten(name="flatten")(net)
    net = layers.Dense(max(1, round(4096 * width)), activation="relu", name="fc1")(net)
    net = layers.Dense(max(1, round(4096 * width)), activation="relu", name="fc2")(net)
    net = layers.Dense(num_classes, activation="softmax", name="predictions")(net)
    return keras.Model(inputs, net, name=name)


def vgg16(input_shape=(224, 224, 3), num_classes=1000, width=1.0, name="vgg16"):
    """VGG16: 13 convolutions and 3 dense layers; 138,357,544 parameters at 224x224, 1000 classes.

    Taught in: chapter 09, "VGG: depth from 3x3 convolutions".
    """
    return vgg(16, input_shape, num_classes, width, name)


def vgg19(input_shape=(224, 224, 3), num_classes=1000, width=1.0, name="vgg19"):
    """VGG19: 16 convolutions and 3 dense layers; 143,667,240 parameters at 224x224, 1000 classes.

    Taught in: chapter 09, "VGG: depth from 3x3 convolutions".
    """
    return vgg(19, input_shape, num_classes, width, name)
