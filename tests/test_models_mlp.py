"""The book's MNIST MLP: architecture, names, parameter count, Sequential == functional."""

import numpy as np
import pytest

from deepvision import models
from deepvision.checks.architecture import check_model, describe_model
from deepvision.models import mlp

pytestmark = pytest.mark.keras  # every test here builds Keras models

BUILDERS = [models.mlp_sequential, models.mlp_functional]


@pytest.mark.parametrize("builder", BUILDERS)
def test_book_network_has_134794_parameters(keras, builder):
    model = builder()
    assert model.count_params() == 134_794
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    assert [layer.count_params() for layer in dense] == [100_480, 16_512, 16_512, 1_290]


@pytest.mark.parametrize("builder", BUILDERS)
def test_layers_are_named_from_the_prefix(builder):
    model = builder(name="book")
    assert model.name == "book"
    assert [layer.name for layer in model.layers if layer.name != "book_input"] == [
        "book_dense1", "book_dense2", "book_dense3", "book_output"
    ]
    assert model.inputs[0].name.startswith("book_input")


@pytest.mark.parametrize("builder", BUILDERS)
def test_architecture(builder):
    summary = describe_model(builder())
    assert summary["input_shape"] == (784,)
    assert [(l["units"], l["activation"]) for l in summary["layers"]] == [
        (128, "relu"), (128, "relu"), (128, "relu"), (10, "softmax")
    ]


def test_sequential_and_functional_are_the_same_network(keras):
    sequential, functional = models.mlp_sequential(), models.mlp_functional()
    assert isinstance(sequential, keras.Sequential)
    assert not isinstance(functional, keras.Sequential)
    assert check_model(functional, sequential)
    # same weights give the same outputs
    functional.set_weights(sequential.get_weights())
    x = np.random.default_rng(0).uniform(size=(5, 784)).astype("float32")
    np.testing.assert_allclose(functional.predict(x, verbose=0), sequential.predict(x, verbose=0),
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "input_size, hidden_units, num_classes",
    [(784, (128, 128, 128), 10), (784, (256, 256), 10), (20, (), 3), (3072, (64,), 10)],
)
def test_parameter_count_matches_keras(input_size, hidden_units, num_classes):
    model = models.mlp_sequential((input_size,), hidden_units, num_classes)
    assert mlp.mlp_parameter_count(input_size, hidden_units, num_classes) == model.count_params()


def test_outputs_are_probabilities():
    probs = models.mlp_sequential()(np.zeros((3, 784), "float32")).numpy()
    assert probs.shape == (3, 10)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("builder", BUILDERS)
def test_bad_arguments(builder):
    with pytest.raises(ValueError, match=r"input_shape: .*\(28, 28\)"):
        builder(input_shape=(28, 28))
    with pytest.raises(ValueError, match="num_classes"):
        builder(num_classes=0)
    with pytest.raises(ValueError, match="hidden_units"):
        builder(hidden_units=(128, -1))


def test_the_compiled_mlp_is_the_book_network_with_sgd(keras):
    model = models.compiled_mlp(learning_rate=0.05)
    assert model.count_params() == 134_794
    assert type(model.optimizer).__name__ == "SGD"
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.05)
    assert model.loss == "categorical_crossentropy"
    with pytest.raises(ValueError, match="learning_rate: expected a number > 0"):
        models.compiled_mlp(learning_rate=0)
