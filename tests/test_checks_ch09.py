"""Chapter 09's checkers beyond their declarations (tests/test_exercises.py runs those): the
book's own listings, rewritten or not, pass; spellings that build the same network pass; the
counts agree with Keras; a wrong answer that no declared mistake explains still fails."""

import pytest

from deepvision import checks, models
from deepvision.checks import ch09


def test_vgg_counts_are_keras_counts(keras):
    model = models.vgg(16, input_shape=(32, 32, 3), num_classes=10, width=0.125)
    stages = [(n, round(f * 0.125)) for n, f in ch09.VGG16_STAGES]
    got = ch09._vgg_reference(stages, 32, 3, (512, 512), 10)
    assert got == model.count_params()
    assert ch09._vgg_reference(ch09.VGG16_STAGES) == 138_357_544
    assert ch09._vgg_reference(ch09.VGG19_STAGES) == 143_667_240


def test_grouped_count_is_keras_count(keras):
    inputs = keras.Input((7, 7, 96))
    layer = keras.layers.Conv2D(256, 5, groups=2)
    layer(inputs)
    assert ch09._grouped_reference(96, 256, 5, 2) == layer.count_params()


def test_the_books_listings_pass(keras):
    from keras.layers import (
        Activation,
        BatchNormalization,
        Conv2D,
        Dense,
        GlobalAveragePooling2D,
        MaxPooling2D,
    )

    def resnet_module(x, filters, pool=False):  # the book's ResnetModule, as printed
        res = x
        if pool:
            x = MaxPooling2D(pool_size=(2, 2))(x)
            res = Conv2D(filters=filters, kernel_size=[1, 1], strides=(2, 2), padding="same")(res)
        out = BatchNormalization()(x)
        out = Activation("relu")(out)
        out = Conv2D(filters=filters, kernel_size=[3, 3], strides=[1, 1], padding="same")(out)
        out = BatchNormalization()(out)
        out = Activation("relu")(out)
        out = Conv2D(filters=filters, kernel_size=[3, 3], strides=[1, 1], padding="same")(out)
        return keras.layers.add([res, out])

    def se_block(x, ratio=16):  # the book's SEModule, filters read from x
        filters = x.shape[-1]
        se = GlobalAveragePooling2D()(x)
        se = Dense(int(filters / ratio))(se)
        se = Activation("relu")(se)
        se = Dense(filters)(se)
        se = Activation("sigmoid")(se)
        return keras.layers.multiply([x, se])

    result = checks.check_residual_module(resnet_module)
    assert result, result.message
    result = checks.check_se_block(se_block)
    assert result, result.message


def test_other_spellings_pass(keras):
    def dense_block(x, num_layers=5, growth_rate=4):
        for _ in range(num_layers):
            out = keras.layers.BatchNormalization()(x)
            out = keras.layers.ReLU()(out)
            out = keras.layers.Conv2D(growth_rate, (3, 3), padding="same")(out)
            x = keras.layers.Concatenate(axis=-1)([x, out])
        return x

    assert checks.check_dense_block(dense_block)


def test_a_wrong_answer_no_mistake_explains_still_fails(keras):
    def shuffled(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
        conv = keras.layers.Conv2D
        one = conv(f1, 1, padding="same", activation="relu")(x)
        three = conv(f3, 3, padding="same", activation="relu")(
            conv(f3_reduce, 1, padding="same", activation="relu")(x)
        )
        five = conv(f5, 5, padding="same", activation="relu")(
            conv(f5_reduce, 1, padding="same", activation="relu")(x)
        )
        pool = conv(pool_proj, 1, padding="same", activation="relu")(
            keras.layers.AveragePooling2D(3, strides=1, padding="same")(x)
        )
        return keras.layers.Concatenate()([one, three, five, pool])

    result = checks.check_inception_module(shuffled)
    assert not result and "MaxPooling2D" in result.message, result.message


@pytest.mark.parametrize(
    "name", ["vgg_parameters", "grouped_parameters", "residual_module", "se_block"]
)
def test_hints_are_given_one_at_a_time(name):
    first = checks.hint(name, chapter="ch09")
    second = checks.hint(name, chapter="ch09")
    assert "hint 1 of" in repr(first) and "hint 2 of" in repr(second)
