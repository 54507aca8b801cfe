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


# -- chapter 08: the CIFAR-10 CNN with a pluggable rectifier -----------------------------------

from deepvision import ops  # noqa: E402
from deepvision.models import cnn  # noqa: E402


def _rectifier_count(filters=(32, 64)):
    f1, f2 = filters
    return (
        conv_parameter_count(3, 3, f1)
        + conv_parameter_count(3, f1, f1)
        + conv_parameter_count(3, f1, f2)
        + conv_parameter_count(3, f2, f2)
        + (f2 + 1) * 10
    )


@pytest.mark.parametrize("rectifier", cnn.RECTIFIERS)
def test_rectifier_cnn_parameter_counts_are_pinned(rectifier):
    model = cnn.cifar_rectifier_cnn(rectifier)
    slopes = 2 * 32 + 2 * 64 if rectifier == "prelu" else 0  # one learned slope per channel
    assert model.count_params() == _rectifier_count() + slopes
    assert model.count_params() == (66_410 if rectifier == "prelu" else 66_218)
    quick = cnn.cifar_rectifier_cnn(rectifier, width=0.5)
    assert quick.count_params() == _rectifier_count((16, 32)) + slopes // 2
    assert model.name == f"cifar_{rectifier}"
    assert all(layer.name.startswith(f"cifar_{rectifier}_") for layer in model.layers)


def test_rectifier_cnn_layers_and_shapes():
    model = cnn.cifar_rectifier_cnn("prelu", name="net")
    summary = describe_model(model)
    types = [layer["type"] for layer in summary["layers"]]
    assert types == [
        "Conv2D", "PReLU", "Conv2D", "PReLU", "MaxPooling2D",
        "Conv2D", "PReLU", "Conv2D", "PReLU", "GlobalAveragePooling2D", "Dense",
    ]  # fmt: skip
    assert [layer["output_shape"] for layer in summary["layers"]][-3:] == [
        (16, 16, 64),
        (64,),
        (10,),
    ]
    assert [layer.name for layer in cnn.rectifier_layers(model)] == [
        f"net_act{i}" for i in (1, 2, 3, 4)
    ]
    assert all(layer.get_config()["activation"] == "linear" for layer in model.layers[1:-1]
               if type(layer).__name__ == "Conv2D")  # fmt: skip
    assert model.get_layer("net_act3").alpha.shape == (1, 1, 64)  # one slope per channel


@pytest.mark.parametrize(
    "rectifier, parameter, function",
    [
        ("relu", None, lambda z: ops.relu(z)),
        ("leaky_relu", 0.1, lambda z: ops.leaky_relu(z, 0.1)),
        ("leaky_relu", None, lambda z: ops.leaky_relu(z, 0.3)),
        ("prelu", 0.2, lambda z: ops.prelu(z, 0.2)),
        ("elu", 0.7, lambda z: ops.elu(z, 0.7)),
        ("thresholded_relu", 0.5, lambda z: ops.thresholded_relu(z, 0.5)),
        ("gelu", None, lambda z: ops.gelu(z)),
        ("silu", None, lambda z: ops.silu(z)),
    ],
)
def test_rectifier_layer_computes_the_numpy_reference(keras, rectifier, parameter, function):
    z = np.random.default_rng(0).normal(size=(2, 3, 3, 4)).astype("float32")
    z[np.abs(z - 0.5) < 1e-3] = 0.6
    layer = cnn.rectifier_layer(rectifier, parameter, name="r")
    got = keras.ops.convert_to_numpy(layer(z))
    np.testing.assert_allclose(got, function(z.astype(float)), rtol=1e-5, atol=1e-6)


def test_rectifier_layer_refuses_bad_arguments():
    with pytest.raises(ValueError, match="rectifier: expected 'relu' or"):
        cnn.rectifier_layer("tanh")
    with pytest.raises(ValueError, match="parameter: gelu takes no parameter"):
        cnn.rectifier_layer("gelu", 0.1)
    with pytest.raises(ValueError, match="parameter: expected a number > 0"):
        cnn.rectifier_layer("elu", 0.0)
    with pytest.raises(ValueError, match="filters: expected a pair"):
        cnn.cifar_rectifier_cnn(filters=(8, 16, 32))
    with pytest.raises(ValueError, match="width: expected a number > 0"):
        cnn.cifar_rectifier_cnn(width=0)


def test_pre_activations_are_the_convolutions_outputs_and_dead_units_are_counted():
    model = cnn.cifar_rectifier_cnn("relu", width=0.25, name="probe")
    x = np.random.default_rng(1).uniform(size=(6, 32, 32, 3)).astype("float32")
    found = cnn.pre_activations(model, x)
    assert list(found) == [f"probe_act{i}" for i in (1, 2, 3, 4)]
    conv1 = model.get_layer("probe_conv1")
    kernel, bias = (np.asarray(v) for v in conv1.get_weights())
    expected = ops.conv2d(x.astype(float), kernel, bias, 1, "same")
    np.testing.assert_allclose(found["probe_act1"], expected, rtol=1e-4, atol=1e-5)
    bias[:3] = -100.0  # three channels of the first layer can never fire
    conv1.set_weights([kernel, bias])
    fractions = cnn.dead_unit_fractions(model, x)
    assert fractions["probe_act1"] == 3 / 8
    assert set(fractions) == set(found)


def test_a_thresholded_network_at_keras_2s_default_theta_is_dead_from_the_start():
    model = cnn.cifar_rectifier_cnn("thresholded_relu", width=0.25)
    x = np.random.default_rng(2).uniform(size=(8, 32, 32, 3)).astype("float32")
    fractions = cnn.dead_unit_fractions(model, x)
    assert max(fractions.values()) == 1.0
    relu = cnn.dead_unit_fractions(cnn.cifar_rectifier_cnn("relu", width=0.25), x)
    assert min(relu.values()) < 1.0


def test_rectifier_experiment_trains_each_rectifier_under_one_budget_and_tabulates():
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(48, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 10, size=(48, 1))
    rows = cnn.rectifier_experiment(
        x[:32], y[:32], x[32:], y[32:], rectifiers=("relu", "prelu"), width=0.25, verbose=0
    )
    assert [row["rectifier"] for row in rows] == ["relu", "prelu"]
    assert rows[1]["parameters"] - rows[0]["parameters"] == 2 * 8 + 2 * 16  # PReLU's slopes
    for row in rows:
        assert 0.0 <= row["test_accuracy"] <= 1.0 and 0.0 <= row["dead_fraction"] <= 1.0
        assert row["seconds_per_epoch"] > 0
    again = cnn.rectifier_experiment(
        x[:32], y[:32], x[32:], y[32:], rectifiers=("relu",), width=0.25, verbose=0
    )
    assert again[0]["test_accuracy"] == rows[0]["test_accuracy"]  # the same seed, the same run
    table = cnn.rectifier_table(rows).splitlines()
    assert table[0].split() == ["rectifier", "parameter", "weights", "test", "acc", "dead",
                                "units", "s/epoch"]  # fmt: skip
    assert table[2].split()[:2] == ["prelu", "0.25"] and table[1].split()[1] == "-"
