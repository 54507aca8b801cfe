"""Chapter 03 reference implementations: activations, the dense layer and one-hot labels.

Forward passes against Keras; derivatives and the backward pass against centred finite
differences over a seeded sweep of shapes.
"""

import numpy as np
import pytest

from deepvision import ops
from tests.gradcheck import centred_difference

SEEDS = range(3)
SHAPES = [(1,), (7,), (3, 4), (2, 3, 5)]
LAYER_SHAPES = [(1, 1, 1), (2, 3, 4), (5, 4, 4), (8, 10, 3)]  # (N, n_in, n_out)


def _keras(keras, fn, z):
    return keras.ops.convert_to_numpy(fn(keras.ops.convert_to_tensor(z)))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_sigmoid_and_relu_match_keras(keras, shape, seed):
    z = np.random.default_rng(seed).normal(scale=4, size=shape)
    np.testing.assert_allclose(
        ops.sigmoid(z), _keras(keras, keras.activations.sigmoid, z), rtol=1e-6
    )
    np.testing.assert_allclose(
        ops.relu(z), _keras(keras, keras.activations.relu, z), rtol=0, atol=0
    )


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_step_matches_heaviside_with_zero_at_zero(shape, seed):
    z = np.round(np.random.default_rng(seed).normal(size=shape))  # rounding puts some z at 0
    np.testing.assert_array_equal(ops.step(z), np.heaviside(z, 0.0))
    np.testing.assert_array_equal(ops.step_derivative(z), np.zeros(shape))


def test_sigmoid_of_two_is_0_8808_not_the_books_0_739():
    assert float(ops.sigmoid(2.0)) == pytest.approx(1 / (1 + np.exp(-2)), rel=1e-12)
    assert float(ops.sigmoid(2.0)) == pytest.approx(0.8808, abs=1e-4)
    assert float(ops.sigmoid(0.0)) == 0.5


def test_sigmoid_does_not_overflow_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = ops.sigmoid(np.array([-1000.0, -30.0, 0.0, 30.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 9.357623e-14, 0.5, 1.0, 1.0], rtol=1e-6, atol=1e-300)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_activation_derivatives_match_finite_differences(shape, seed):
    z = np.random.default_rng(seed).normal(scale=3, size=shape)
    z = np.where(np.abs(z) < 1e-3, 0.5, z)  # ReLU has a kink at 0: stay away from it
    for f, df in [(ops.sigmoid, ops.sigmoid_derivative), (ops.relu, ops.relu_derivative)]:
        numeric = centred_difference(lambda v, f=f: np.sum(f(v)), z)
        np.testing.assert_allclose(df(z), numeric, rtol=1e-6, atol=1e-8)


def test_sigmoid_derivative_peaks_at_a_quarter():
    z = np.linspace(-6, 6, 121)
    assert ops.sigmoid_derivative(z).max() == pytest.approx(0.25)
    assert np.argmax(ops.sigmoid_derivative(z)) == 60
    np.testing.assert_array_equal(ops.relu_derivative([-1.0, 0.0, 2.0]), [0.0, 0.0, 1.0])


@pytest.mark.parametrize("n,n_in,n_out", LAYER_SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_dense_forward_matches_a_keras_dense_layer(keras, n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    layer = keras.layers.Dense(n_out, dtype="float64")
    layer.build((None, n_in))
    layer.set_weights([w, b])
    out, cache = ops.dense_forward(x, w, b)
    assert out.shape == (n, n_out)
    np.testing.assert_allclose(out, keras.ops.convert_to_numpy(layer(x)), rtol=1e-10, atol=1e-12)
    assert cache[0] is not None and cache[1].shape == w.shape


@pytest.mark.parametrize("activation", ["relu", "sigmoid"])
def test_dense_forward_then_activation_matches_keras_dense_with_activation(keras, activation):
    rng = np.random.default_rng(7)
    x, w, b = rng.normal(size=(6, 5)), rng.normal(size=(5, 3)), rng.normal(size=3)
    layer = keras.layers.Dense(3, activation=activation, dtype="float64")
    layer.build((None, 5))
    layer.set_weights([w, b])
    ours = getattr(ops, activation)(ops.dense_forward(x, w, b)[0])
    np.testing.assert_allclose(ours, keras.ops.convert_to_numpy(layer(x)), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("n,n_in,n_out", LAYER_SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_dense_backward_matches_finite_differences(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(n, n_in)), rng.normal(size=(n_in, n_out)), rng.normal(size=n_out)
    dout = rng.normal(size=(n, n_out))  # the loss is L = sum(out * dout), so dL/dout = dout
    _, cache = ops.dense_forward(x, w, b)
    dx, dw, db = ops.dense_backward(dout, cache)

    def loss(x_, w_, b_):
        return np.sum(ops.dense_forward(x_, w_, b_)[0] * dout)

    np.testing.assert_allclose(
        dx, centred_difference(lambda v: loss(v, w, b), x), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        dw, centred_difference(lambda v: loss(x, v, b), w), rtol=1e-6, atol=1e-8
    )
    np.testing.assert_allclose(
        db, centred_difference(lambda v: loss(x, w, v), b), rtol=1e-6, atol=1e-8
    )


@pytest.mark.parametrize("num_classes", [1, 3, 10])
@pytest.mark.parametrize("seed", SEEDS)
def test_one_hot_matches_keras_to_categorical(keras, num_classes, seed):
    labels = np.random.default_rng(seed).integers(0, num_classes, size=12)
    expected = keras.utils.to_categorical(labels, num_classes)
    np.testing.assert_array_equal(ops.one_hot(labels, num_classes), expected)
    np.testing.assert_array_equal(ops.one_hot(labels[:, None], num_classes), expected)


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: ops.sigmoid("z"), r"z: expected an array of numbers"),
        (lambda: ops.relu([np.inf]), r"z: contains NaN or infinity"),
        (lambda: ops.step([[1.0], [np.nan]]), r"z: contains NaN"),
        (
            lambda: ops.dense_forward(np.zeros(3), np.zeros((3, 2)), np.zeros(2)),
            r"x: expected 2 dimensions",
        ),
        (
            lambda: ops.dense_forward(np.zeros((4, 3)), np.zeros((2, 3)), np.zeros(3)),
            r"w: expected shape \(3, n_out\)",
        ),
        (
            lambda: ops.dense_forward(np.zeros((4, 3)), np.zeros((3, 2)), np.zeros(3)),
            r"b: expected shape \(2,\)",
        ),
        (
            lambda: ops.dense_forward(np.zeros((4, 3)), np.zeros((3, 2)), np.zeros((1, 2))),
            r"b: expected 1 dimensions",
        ),
        (
            lambda: ops.dense_backward(np.zeros((4, 3)), (np.zeros((4, 3)), np.zeros((3, 2)))),
            r"dout: expected shape \(4, 2\)",
        ),
        (
            lambda: ops.dense_backward(np.zeros((4, 2)), np.zeros((3, 2))),
            r"cache: expected the \(x, w\) tuple",
        ),
        (lambda: ops.one_hot([0, 3], 3), r"labels: class indices must lie in \[0, 2\]"),
        (lambda: ops.one_hot([[0, 1], [1, 0]], 2), r"labels: expected shape \(N,\) or \(N, 1\)"),
        (lambda: ops.one_hot([0, 1], 0), r"num_classes: expected an integer >= 1"),
        (lambda: ops.one_hot([0.5, 1], 2), r"labels: expected integer class indices"),
    ],
)
def test_bad_input_names_the_argument_and_the_expected_shape(call, match):
    with pytest.raises(ValueError, match=match):
        call()
