"""checks.architecture.check_model fails every wrong architecture and passes equivalent ones.

A well-known course compared layers with ``zip()`` and so passed a model with a layer missing:
each kind of mistake gets its own test here.
"""

import keras
import pytest

from deepvision.checks.architecture import check_model, describe_model
from deepvision.models import mlp_functional, mlp_sequential

pytestmark = pytest.mark.keras  # every test here builds Keras models


def dense_stack(units, activations, input_shape=(784,), functional=False):
    if functional:
        inputs = keras.Input(shape=input_shape)
        x = inputs
        for n, activation in zip(units, activations, strict=True):
            x = keras.layers.Dense(n, activation=activation)(x)
        return keras.Model(inputs, x)
    layers = [keras.Input(shape=input_shape)]
    layers += [keras.layers.Dense(n, activation=a) for n, a in zip(units, activations, strict=True)]
    return keras.Sequential(layers)


BOOK_UNITS = (128, 128, 128, 10)
BOOK_ACTIVATIONS = ("relu", "relu", "relu", "softmax")


@pytest.fixture(scope="module")
def reference():
    return mlp_sequential()


@pytest.mark.parametrize("functional", [False, True])
def test_equivalent_models_pass(reference, functional):
    model = dense_stack(BOOK_UNITS, BOOK_ACTIVATIONS, functional=functional)
    result = check_model(model, reference)
    assert result, result.message
    assert check_model(mlp_functional(), reference)
    assert check_model(reference, mlp_functional())  # the reference may be functional too


def test_passes_against_a_description(reference):
    assert check_model(dense_stack(BOOK_UNITS, BOOK_ACTIVATIONS), describe_model(reference))


@pytest.mark.parametrize("functional", [False, True])
@pytest.mark.parametrize("missing", [0, 1, 3])
def test_missing_layer_fails(reference, functional, missing):
    units = [u for i, u in enumerate(BOOK_UNITS) if i != missing]
    activations = [a for i, a in enumerate(BOOK_ACTIVATIONS) if i != missing]
    result = check_model(dense_stack(units, activations, functional=functional), reference)
    assert not result
    assert "has 3 layers; expected 4" in result.message


def test_extra_layer_fails(reference):
    model = dense_stack((128, 128, 128, 128, 10), ("relu",) * 4 + ("softmax",))
    result = check_model(model, reference)
    assert not result
    assert "has 5 layers; expected 4" in result.message


def test_extra_dropout_layer_fails(reference):
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    result = check_model(model, reference)
    assert not result and "5 layers" in result.message


@pytest.mark.parametrize(
    "activations, where",
    [
        (("relu", "relu", "relu", "relu"), "layer 4 (Dense) has activation='relu'; expected "
                                            "activation='softmax'"),
        (("sigmoid", "relu", "relu", "softmax"), "layer 1 (Dense) has activation='sigmoid'"),
        ((None, "relu", "relu", "softmax"), "layer 1 (Dense) has activation='linear'"),
    ],
)
def test_wrong_activation_fails(reference, activations, where):
    result = check_model(dense_stack(BOOK_UNITS, activations), reference)
    assert not result
    assert where in result.message


@pytest.mark.parametrize(
    "units, where",
    [((128, 64, 128, 10), "layer 2 (Dense) has units=64; expected units=128"),
     ((128, 128, 128, 9), "layer 4 (Dense) has units=9; expected units=10")],
)
def test_wrong_units_fail(reference, units, where):
    result = check_model(dense_stack(units, BOOK_ACTIVATIONS), reference)
    assert not result
    assert where in result.message


@pytest.mark.parametrize("input_shape", [(28, 28), (28 * 28 * 3,), (28, 28, 1)])
def test_wrong_input_shape_fails(reference, input_shape):
    model = dense_stack(BOOK_UNITS, BOOK_ACTIVATIONS, input_shape=input_shape)
    result = check_model(model, reference)
    assert not result
    assert f"input shape is {input_shape}; expected (784,)" in result.message


def test_flatten_first_is_a_different_model(reference):
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(),
        *[keras.layers.Dense(n, activation=a) for n, a in zip(BOOK_UNITS, BOOK_ACTIVATIONS,
                                                              strict=True)],
    ])
    assert not check_model(model, reference)


def test_bias_matters(reference):
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(128, activation="relu", use_bias=False),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    result = check_model(model, reference)
    assert not result and "use_bias=False" in result.message


def test_not_a_model_or_not_built_gives_a_clear_message(reference):
    result = check_model("mlp", reference)
    assert not result and "expected a keras.Model, got str" in result.message
    unbuilt = keras.Sequential([keras.layers.Dense(10, activation="softmax")])
    result = check_model(unbuilt, reference)
    assert not result and "keras.Input(shape=...)" in result.message


def test_describe_model_lists_layers_and_params(reference):
    summary = describe_model(reference)
    assert summary["params"] == 134_794
    assert [layer["output_shape"] for layer in summary["layers"]] == [(128,)] * 3 + [(10,)]
