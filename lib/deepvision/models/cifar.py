"""The book's three CIFAR-10 networks in Keras 3, and what trains them.

All three share one body: three stages of three 3x3 convolutions (64, 128 and 256 filters,
``padding="same"``) with a 2x2 max-pool between stages, so a 32x32 image reaches the last stage
as 8x8 maps; then dropout (0.25), global average pooling and a 10-way softmax.

* :func:`cifar_plain`: each convolution with its own ReLU (the book's first "MiniModel");
* :func:`cifar_preact`: each convolution a pre-activation unit, BatchNormalization → ReLU →
  Conv2D (the book's ``Unit``, :func:`deepvision.models.blocks.preact_conv`);
* :func:`cifar_preact_augmented`: the same, after random flips, shifts and rotations written
  as Keras preprocessing layers (:func:`augmentation_layers`), which act in training only.

The book pools with ``AveragePooling2D(pool_size=8)`` then ``Flatten``: on 8x8 maps that is
global average pooling, which Keras writes ``GlobalAveragePooling2D`` (one layer, any input size).

Taught in: chapter 07, "Pre-activation units" and "Training the three networks".
"""

from __future__ import annotations

import os

from deepvision import validate
from deepvision.models.blocks import _name, preact_conv

#: Filters of the three stages, three convolutions each.
STAGES = (64, 128, 256)
#: The book's augmentation: ImageDataGenerator(rotation_range=10, width_shift_range=5/32,
#: height_shift_range=5/32, horizontal_flip=True).
BOOK_ROTATION_DEGREES = 10.0
BOOK_SHIFT_FRACTION = 5 / 32


def unit(x, filters, name="unit"):
    """The book's ``Unit``: BatchNormalization → ReLU → Conv2D(filters, 3x3, same).

    A pre-activation unit; the same block as :func:`deepvision.models.blocks.preact_conv`, with
    layers ``{name}_bn``, ``{name}_relu`` and ``{name}_conv``.

    Args:
        x: Feature maps (N, H, W, C).
        filters: Output channels.
        name: Prefix of the layer names.

    Returns:
        Feature maps (N, H, W, filters).

    Taught in: chapter 07, "Pre-activation units".
    """
    return preact_conv(x, filters, kernel_size=3, strides=1, name=name)


def augmentation_layers(
    rotation_degrees=BOOK_ROTATION_DEGREES,
    shift_fraction=BOOK_SHIFT_FRACTION,
    flip=True,
    seed=None,
    name="augment",
):
    """The book's augmentation as Keras 3 preprocessing layers (active in training only).

    RandomFlip("horizontal") → RandomTranslation(±shift_fraction of the height and width) →
    RandomRotation(±rotation_degrees). ``fill_mode="nearest"``, as ImageDataGenerator's default.

    Args:
        rotation_degrees: Largest rotation, degrees (``RandomRotation`` takes it as a fraction of
            a full turn: ``rotation_degrees / 360``).
        shift_fraction: Largest shift, as a fraction of the height and of the width.
        flip: Whether to flip left-right at random.
        seed: Optional integer seed of the random layers.
        name: Prefix of the layer names; the Sequential itself is called ``name``.

    Returns:
        keras.Sequential.

    Taught in: chapter 07, "Data augmentation".
    """
    import keras
    from keras import layers

    name = _name(name)
    rotation = validate.positive_number(rotation_degrees, "rotation_degrees", allow_zero=True)
    shift = validate.positive_number(shift_fraction, "shift_fraction", allow_zero=True)
    if shift >= 1:
        raise ValueError(f"shift_fraction: expected a fraction in [0, 1), got {shift_fraction!r}")
    stack = []
    if flip:
        stack.append(layers.RandomFlip("horizontal", seed=seed, name=f"{name}_flip"))
    if shift:
        stack.append(
            layers.RandomTranslation(
                shift, shift, fill_mode="nearest", seed=seed, name=f"{name}_shift"
            )
        )
    if rotation:
        stack.append(
            layers.RandomRotation(
                rotation / 360, fill_mode="nearest", seed=seed, name=f"{name}_rotate"
            )
        )
    return keras.Sequential(stack, name=name)


def _head(net, num_classes, dropout_rate, name):
    from keras import layers

    net = layers.Dropout(dropout_rate, name=f"{name}_dropout")(net)
    net = layers.GlobalAveragePooling2D(name=f"{name}_gap")(net)
    return layers.Dense(num_classes, activation="softmax", name=f"{name}_dense")(net)


def stage_filters(width=1.0):
    """The filters of the three stages at ``width`` times the book's (64, 128, 256), each >= 1.

    Taught in: chapter 07, "Training the three networks".
    """
    width = validate.positive_number(width, "width")
    return tuple(max(1, round(filters * width)) for filters in STAGES)


def _arguments(input_shape, num_classes, dropout_rate, name):
    from deepvision.ops.dropout import check_rate

    shape = tuple(input_shape)
    if len(shape) != 3 or not all(isinstance(s, int) and s > 0 for s in shape):
        raise ValueError(
            f"input_shape: expected (H, W, C) of positive integers, got {input_shape!r}"
        )
    return (
        shape,
        validate.integer(num_classes, "num_classes", minimum=2),
        check_rate(dropout_rate, "dropout_rate"),
        _name(name),
    )


def cifar_plain(
    input_shape=(32, 32, 3), num_classes=10, dropout_rate=0.25, name="plain", width=1.0
):
    """The book's first CIFAR-10 "MiniModel": nine Conv2D+ReLU, two max-pools, dropout, GAP.

    1,922,570 parameters on 32x32x3 inputs.

    Args:
        input_shape: (H, W, C) of one image.
        num_classes: Units of the softmax layer.
        dropout_rate: Fraction of the last stage's activations dropped while training.
        name: Prefix of the model's and every layer's name (``{name}_stage1_conv1``...).
        width: Fraction of the book's filters (1.0: the book's network; quick mode trains a
            narrower one with the same code).

    Returns:
        keras.Model (not compiled).

    Taught in: chapter 07, "Dropout" and "Global average pooling".
    """
    import keras
    from keras import layers

    shape, num_classes, dropout_rate, name = _arguments(
        input_shape, num_classes, dropout_rate, name
    )
    inputs = keras.Input(shape=shape, name=f"{name}_input")
    net = inputs
    for stage, filters in enumerate(stage_filters(width), start=1):
        if stage > 1:
            net = layers.MaxPooling2D(2, name=f"{name}_pool{stage - 1}")(net)
        for index in range(1, 4):
            net = layers.Conv2D(
                filters,
                3,
                padding="same",
                activation="relu",
                name=f"{name}_stage{stage}_conv{index}",
            )(net)
    return keras.Model(inputs, _head(net, num_classes, dropout_rate, name), name=name)


def _preact_body(net, name, width):
    from keras import layers

    for stage, filters in enumerate(stage_filters(width), start=1):
        if stage > 1:
            net = layers.MaxPooling2D(2, name=f"{name}_pool{stage - 1}")(net)
        for index in range(1, 4):
            net = unit(net, filters, name=f"{name}_stage{stage}_unit{index}")
    return net


def cifar_preact(
    input_shape=(32, 32, 3), num_classes=10, dropout_rate=0.25, name="preact", width=1.0
):
    """The book's batch-normalized "MiniModel": nine pre-activation units (BN → ReLU → Conv).

    1,926,934 parameters on 32x32x3 inputs, 2,182 of them the BN layers' non-trainable
    running means and variances.

    Args: as :func:`cifar_plain`.

    Returns:
        keras.Model (not compiled).

    Taught in: chapter 07, "Pre-activation units".
    """
    import keras

    shape, num_classes, dropout_rate, name = _arguments(
        input_shape, num_classes, dropout_rate, name
    )
    inputs = keras.Input(shape=shape, name=f"{name}_input")
    net = _preact_body(inputs, name, width)
    return keras.Model(inputs, _head(net, num_classes, dropout_rate, name), name=name)


def cifar_preact_augmented(
    input_shape=(32, 32, 3),
    num_classes=10,
    dropout_rate=0.25,
    seed=None,
    name="augmented",
    width=1.0,
):
    """:func:`cifar_preact` after :func:`augmentation_layers` (the book's third network).

    The augmentation layers have no weights (the same parameter count as :func:`cifar_preact`)
    and act only when the model is called with ``training=True`` (in ``fit``); ``evaluate`` and
    ``predict`` see the images unchanged.

    Taught in: chapter 07, "Data augmentation".
    """
    import keras

    shape, num_classes, dropout_rate, name = _arguments(
        input_shape, num_classes, dropout_rate, name
    )
    inputs = keras.Input(shape=shape, name=f"{name}_input")
    net = augmentation_layers(seed=seed, name=f"{name}_augment")(inputs)
    net = _preact_body(net, name, width)
    return keras.Model(inputs, _head(net, num_classes, dropout_rate, name), name=name)


#: The three networks, by the names the notebook and the benchmark use.
NETWORKS = {
    "plain": cifar_plain,
    "batch norm": cifar_preact,
    "batch norm + augmentation": cifar_preact_augmented,
}


def cifar_learning_rate(epoch, learning_rate=None):
    """The book's Adam schedule: 1e-3, 2e-4 after epoch 5, 1e-4 after 10, 1e-5 after 15.

    Use with ``keras.callbacks.LearningRateScheduler(cifar_learning_rate)`` (epochs count
    from 0, so the first drop is at the 7th epoch).

    Taught in: chapter 07, "Training the three networks".
    """
    epoch = validate.integer(epoch, "epoch", minimum=0)
    base = 1e-3
    if epoch > 15:
        return base / 100
    if epoch > 10:
        return base / 10
    if epoch > 5:
        return base / 5
    return base


def best_checkpoint(directory, name="cifar10model"):
    """A ModelCheckpoint that keeps the best model by validation accuracy, as a ``.keras`` file.

    The book's ``ModelCheckpoint(filepath=".../cifar10model.{epoch:03d}.h5", monitor="val_acc",
    save_best_only=True, period=1)`` in Keras 3: ``val_accuracy`` (the metric's Keras 3 name),
    a ``.keras`` file, no ``period`` (the default saves at the end of every epoch).

    Args:
        directory: Where to write the files (created if missing).
        name: File name prefix: ``{name}.{epoch:03d}.keras``.

    Returns:
        keras.callbacks.ModelCheckpoint.

    Taught in: chapter 07, "Training the three networks".
    """
    import keras

    if not isinstance(directory, (str, os.PathLike)) or not str(directory):
        raise ValueError(f"directory: expected a folder path, got {directory!r}")
    os.makedirs(directory, exist_ok=True)
    return keras.callbacks.ModelCheckpoint(
        filepath=os.path.join(os.fspath(directory), f"{_name(name)}.{{epoch:03d}}.keras"),
        monitor="val_accuracy",
        mode="max",
        save_best_only=True,
        verbose=1,
    )
