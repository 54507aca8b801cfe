"""Chapter 07 checkers: what tests/test_exercises.py cannot say from the declarations alone.

The generated tests check every declared exercise of chapter 07 (the reference passes, each
declared wrong answer fails with its own hint). Here: the notebook's checkers are the declared
exercises, other correct spellings pass (a loop-free dropout, explicit axes, a unit written with
ReLU layers, an augmentation pipeline with tuple factors and other fill modes), and the book's
recipes fail with the hints that name them.
"""

import numpy as np
import pytest

from deepvision import checks, ops
from deepvision.checks import ch07


def test_the_notebooks_checkers_are_the_declared_exercises():
    assert [e.name for e in ch07.EXERCISES] == [
        "dropout",
        "global_avg_pool2d",
        "batch_norm",
        "batch_norm_inference",
        "running_average",
        "bn_parameter_count",
        "unit",
        "standardize_splits",
        "build_augmentation",
    ]
    checkers = [
        checks.check_dropout,
        checks.check_global_avg_pool2d,
        checks.check_batch_norm,
        checks.check_batch_norm_inference,
        checks.check_running_average,
        checks.check_bn_parameter_count,
        checks.check_unit,
        checks.check_standardize_splits,
        checks.check_augmentation,
    ]
    assert [c.exercise for c in checkers] == ch07.EXERCISES


def test_other_correct_spellings_pass():
    def dropout(x, rate, training, rng):
        if not training:
            return x
        keep = rng.random(np.shape(x)) >= rate
        return np.where(keep, np.asarray(x) / (1 - rate), 0.0)

    assert checks.check_dropout(dropout)

    def batch_norm(x, gamma, beta, epsilon=1e-3):
        x = np.asarray(x, dtype=np.float64)
        mean = x.mean(axis=(0, 1, 2))
        var = ((x - mean) ** 2).mean(axis=(0, 1, 2))
        return gamma * (x - mean) / np.sqrt(var + epsilon) + beta

    assert checks.check_batch_norm(batch_norm)

    def standardize_splits(x_train, x_val, x_test):
        x_train = x_train.astype("float32")
        mean = x_train.reshape(-1, 3).mean(axis=0)
        std = x_train.reshape(-1, 3).std(axis=0)
        return [(x.astype("float32") - mean) / std for x in (x_train, x_val, x_test)]

    assert checks.check_standardize_splits(standardize_splits)


def test_the_books_recipes_fail_with_the_hints_that_name_them():
    def book_batch_norm(x, gamma, beta, epsilon=1e-3):
        x = np.asarray(x, dtype=np.float64)
        mean, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
        return gamma * (x - mean) / np.sqrt(var - epsilon) + beta

    with np.errstate(invalid="ignore"):
        result = checks.check_batch_norm(book_batch_norm)
    assert not result and "The book subtracts it" in result.message

    def book_standardization(x_train, x_val, x_test):
        return tuple(
            ops.standardize(x, *ops.fit_standardization(x)) for x in (x_train, x_val, x_test)
        )

    result = checks.check_standardize_splits(book_standardization)
    assert not result and "its own statistics" in result.message


def test_a_wrong_count_of_returned_splits_reads_as_a_sentence():
    result = checks.check_standardize_splits(lambda x_train, x_val, x_test: x_train)
    assert not result and "return three arrays" in result.message


def test_other_spellings_of_the_unit_pass(keras):
    from keras import layers

    def unit(x, filters):
        x = layers.BatchNormalization(name=None)(x)
        x = layers.ReLU()(x)
        return layers.Conv2D(filters, (3, 3), strides=(1, 1), padding="same")(x)

    result = checks.check_unit(unit)
    assert result, result.message


def test_other_spellings_of_the_augmentation_pass(keras):
    from keras import layers

    def build_augmentation():
        return keras.Sequential(
            [
                layers.RandomFlip(mode="horizontal"),
                layers.RandomTranslation((-5 / 32, 5 / 32), (-5 / 32, 5 / 32), fill_mode="reflect"),
                layers.RandomRotation((-10 / 360, 10 / 360), fill_mode="constant"),
            ]
        )

    result = checks.check_augmentation(build_augmentation)
    assert result, result.message


def test_a_pipeline_that_is_not_a_layer_is_refused(keras):
    result = checks.check_augmentation(lambda: [keras.layers.RandomFlip("horizontal")])
    assert not result and "should return a Keras layer" in result.message


@pytest.mark.parametrize("channels", [1, 10, 512])
def test_bn_parameter_count_reference_is_what_keras_reports(keras, channels):
    layer = keras.layers.BatchNormalization()
    layer.build((None, 4, 4, channels))
    assert sum(ops.batch_norm_parameter_count(channels)) == layer.count_params()
