"""The book's MNIST CNN: architecture, names and a pinned parameter count."""

import numpy as np
import pytest

from deepvision.checks.architecture import check_model, describe_model
from deepvision.models import book_learning_rate, mnist_cnn
from deepvision.ops.arithmetic import conv_parameter_count

pytestmark = pytest.mark.keras  # every test here builds Keras models



def test_parameter_count_is_pinned():
    model = mnist_cnn()
    assert model.count_params() == 509_898
    by_formula = (
        conv_parameter_count(3, 1, 64)
        + conv_parameter_count(3, 64, 64)
        + conv_parameter_count(3, 64, 128)
        + conv_parameter_count(3, 128, 128)
        + (14 * 14 * 128 + 1) * 10
    )
    assert model.count_params() == by_formula


def test_layers_shapes_and_names():
    model = mnist_cnn(name="book")
    summary = describe_model(model)
    assert [layer["type"] for layer in summary["layers"]] == [
        "Conv2D",
        "Conv2D",
        "MaxPooling2D",
        "Conv2D",
        "Conv2D",
        "Flatten",
        "Dense",
    ]
    assert [layer["output_shape"] for layer in summary["layers"]] == [
        (28, 28, 64),
        (28, 28, 64),
        (14, 14, 64),
        (14, 14, 128),
        (14, 14, 128),
        (25088,),
        (10,),
    ]
    assert all(layer.name.startswith("book_") for layer in model.layers)
    assert model.name == "book"
    assert summary["layers"][-1]["activation"] == "softmax"


def test_a_sequential_copy_passes_the_model_checker(keras):
    layers = keras.layers
    copy = keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.Conv2D(64, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(128, 3, padding="same", activation="relu"),
            layers.Conv2D(128, 3, padding="same", activation="relu"),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    assert check_model(copy, mnist_cnn())


def test_forward_pass_gives_probabilities():
    model = mnist_cnn(input_shape=(28, 28, 1))
    probs = np.asarray(model(np.zeros((2, 28, 28, 1), np.float32)))
    assert probs.shape == (2, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_book_schedule():
    assert [book_learning_rate(e) for e in (0, 5, 6, 10, 11, 15, 16, 19)] == [
        0.1,
        0.1,
        0.02,
        0.02,
        0.01,
        0.01,
        0.001,
        0.001,
    ]
