"""The book's MNIST convolutional network, in Keras 3.

Taught in: chapter 06, "The book's MNIST CNN".
"""

from __future__ import annotations


def mnist_cnn(input_shape=(28, 28, 1), num_classes=10, name="mnist_cnn"):
    """The book's "MiniModel": two 64-filter convs, a 2x2 max-pool, two 128-filter convs, a
    softmax classifier.

    Conv2D(64, 3x3, same, relu) -> Conv2D(64) -> MaxPooling2D(2x2) -> Conv2D(128) -> Conv2D(128)
    -> Flatten -> Dense(num_classes, softmax). On 28x28x1 inputs that is 509,898 parameters,
    half of them (250,890) in the final dense layer that reads 14 * 14 * 128 = 25,088 features.

    Args:
        input_shape: (H, W, C) of one image.
        num_classes: Units of the softmax layer.
        name: Prefix of the model's and every layer's name (``f"{name}_conv1"``...).

    Returns:
        keras.Model (not compiled).

    Taught in: chapter 06, "The book's MNIST CNN".
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape), name=f"{name}_input")
    net = inputs
    for index, filters in enumerate((64, 64), start=1):
        net = layers.Conv2D(
            filters, 3, strides=1, padding="same", activation="relu", name=f"{name}_conv{index}"
        )(net)
    net = layers.MaxPooling2D(pool_size=2, name=f"{name}_pool")(net)
    for index, filters in enumerate((128, 128), start=3):
        net = layers.Conv2D(
            filters, 3, strides=1, padding="same", activation="relu", name=f"{name}_conv{index}"
        )(net)
    net = layers.Flatten(name=f"{name}_flatten")(net)
    outputs = layers.Dense(num_classes, activation="softmax", name=f"{name}_dense")(net)
    return keras.Model(inputs, outputs, name=name)


def book_learning_rate(epoch, learning_rate=None):
    """The book's step schedule for SGD: 0.1, 0.02 after epoch 5, 0.01 after 10, 0.001 after 15.

    Use with ``keras.callbacks.LearningRateScheduler(book_learning_rate)`` (epochs count from 0).

    Taught in: chapter 06, "The book's MNIST CNN".
    """
    if epoch > 15:
        return 0.1 / 100
    if epoch > 10:
        return 0.1 / 10
    if epoch > 5:
        return 0.1 / 5
    return 0.1
