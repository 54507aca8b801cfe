"""Batch normalization against Keras' BatchNormalization (training and inference, Keras'
defaults), finite differences for its backward pass; standardisation with training statistics."""

import numpy as np
import pytest

from deepvision import ops
from deepvision.ops import normalization
from tests.gradcheck import centred_difference

SHAPES = [(8, 3), (4, 5, 6, 2), (2, 3, 3, 4), (16, 1)]


def _parameters(channels, seed):
    rng = np.random.default_rng(seed)
    return (
        rng.uniform(0.5, 2.0, channels),
        rng.normal(size=channels),
        rng.normal(size=channels),
        rng.uniform(0.5, 3.0, channels),
    )


@pytest.mark.parametrize("shape", SHAPES)
def test_training_mode_matches_keras(keras, shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[-1])
    x = (rng.normal(size=shape) * 3 + 1).astype("float32")
    gamma, beta, mean, var = _parameters(shape[-1], 1)
    layer = keras.layers.BatchNormalization()
    layer.build(shape)
    layer.set_weights([gamma, beta, mean, var])
    keras_out = np.asarray(layer(x, training=True))
    out, cache = ops.batch_norm_forward(x, gamma, beta, mean, var, training=True)
    np.testing.assert_allclose(out, keras_out, rtol=1e-4, atol=1e-4)
    # the running statistics move as Keras' do (momentum 0.99)
    np.testing.assert_allclose(cache["running_mean"], layer.moving_mean.numpy(), rtol=1e-5)
    np.testing.assert_allclose(cache["running_var"], layer.moving_variance.numpy(), rtol=1e-5)
    assert layer.epsilon == normalization.KERAS_EPSILON
    assert layer.momentum == normalization.KERAS_MOMENTUM


@pytest.mark.parametrize("shape", SHAPES)
def test_inference_mode_matches_keras(keras, shape):
    x = np.random.default_rng(shape[0]).normal(size=shape).astype("float32")
    gamma, beta, mean, var = _parameters(shape[-1], 2)
    layer = keras.layers.BatchNormalization()
    layer.build(shape)
    layer.set_weights([gamma, beta, mean, var])
    keras_out = np.asarray(layer(x, training=False))
    np.testing.assert_allclose(
        ops.batch_norm_inference(x, gamma, beta, mean, var), keras_out, rtol=1e-4, atol=1e-5
    )
    out, cache = ops.batch_norm_forward(x, gamma, beta, mean, var, training=False)
    np.testing.assert_allclose(out, keras_out, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(cache["running_mean"], mean)


def test_statistics_are_per_channel_over_batch_and_space():
    x = np.random.default_rng(3).normal(size=(5, 4, 4, 3)) * [1.0, 10.0, 0.1] + [0.0, 5.0, -2.0]
    out = ops.batch_norm(x)
    np.testing.assert_allclose(out.mean(axis=(0, 1, 2)), 0, atol=1e-10)
    # unit variance up to epsilon: var / (var + epsilon)
    var = x.var(axis=(0, 1, 2))
    np.testing.assert_allclose(out.var(axis=(0, 1, 2)), var / (var + 1e-3), rtol=1e-10)


def test_epsilon_is_added_not_subtracted():
    x = np.array([[0.0], [0.02]])  # variance 1e-4, below the default epsilon 1e-3
    out = ops.batch_norm(x)
    np.testing.assert_allclose(out[:, 0], [-0.01, 0.01] / np.sqrt(1e-4 + 1e-3))
    assert np.all(np.isfinite(out))


@pytest.mark.parametrize("shape", [(6, 3), (3, 4, 5, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_backward_matches_finite_differences(shape, training):
    rng = np.random.default_rng(sum(shape))
    x, dout = rng.normal(size=shape), rng.normal(size=shape)
    gamma, beta, mean, var = _parameters(shape[-1], 4)
    _, cache = ops.batch_norm_forward(x, gamma, beta, mean, var, training=training)
    dx, dgamma, dbeta = ops.batch_norm_backward(dout, cache)

    def loss(x_=x, gamma_=gamma, beta_=beta):
        out, _ = ops.batch_norm_forward(x_, gamma_, beta_, mean, var, training=training)
        return np.sum(out * dout)

    np.testing.assert_allclose(
        dx, centred_difference(lambda v: loss(x_=v), x), rtol=1e-5, atol=1e-7
    )
    np.testing.assert_allclose(
        dgamma, centred_difference(lambda v: loss(gamma_=v), gamma), rtol=1e-5, atol=1e-7
    )
    np.testing.assert_allclose(
        dbeta, centred_difference(lambda v: loss(beta_=v), beta), rtol=1e-5, atol=1e-7
    )


@pytest.mark.parametrize("channels", [1, 3, 64, 256])
def test_parameter_count_matches_keras(keras, channels):
    layer = keras.layers.BatchNormalization()
    layer.build((None, 8, 8, channels))
    trainable, non_trainable = ops.batch_norm_parameter_count(channels)
    assert trainable == sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    assert non_trainable == sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights)
    assert trainable + non_trainable == layer.count_params()


def test_standardization_uses_training_statistics_only():
    rng = np.random.default_rng(5)
    x_train = rng.integers(0, 256, size=(50, 4, 4, 3)).astype(np.uint8)
    x_test = (rng.integers(0, 128, size=(20, 4, 4, 3))).astype(np.uint8)
    mean, std = ops.fit_standardization(x_train)
    assert mean.shape == std.shape == (3,)
    train = ops.standardize(x_train, mean, std)
    np.testing.assert_allclose(train.mean(axis=(0, 1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(train.std(axis=(0, 1, 2)), 1, rtol=1e-5)
    test = ops.standardize(x_test, mean, std)
    np.testing.assert_allclose(test, (x_test - mean) / std, rtol=1e-5)
    # the test set is darker: with the training statistics its mean stays below zero
    assert np.all(test.mean(axis=(0, 1, 2)) < -0.5)
    assert test.dtype == np.float32


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ops.batch_norm(np.ones((2, 3)), epsilon=0), "epsilon: expected a number > 0"),
        (lambda: ops.batch_norm(np.ones((2, 3)), epsilon=-1e-3), "epsilon: expected a number > 0"),
        (
            lambda: ops.batch_norm(np.ones((2, 3)), gamma=np.ones(2)),
            r"gamma: expected shape \(3,\)",
        ),
        (lambda: ops.batch_norm(np.ones((2, 3)), beta=np.ones(4)), r"beta: expected shape \(3,\)"),
        (
            lambda: ops.batch_norm(np.ones((2, 3, 4))),
            r"x: expected shape \(N, C\) or \(N, H, W, C\)",
        ),
        (
            lambda: ops.batch_norm_forward(np.ones((2, 3)), momentum=1.5),
            r"momentum: expected a number in \[0, 1\]",
        ),
        (
            lambda: ops.batch_norm_inference(np.ones((2, 3)), None, None, np.zeros(3), -np.ones(3)),
            "running_var: expected variances >= 0",
        ),
        (
            lambda: ops.fit_standardization(np.ones((4, 4, 3))),
            r"x_train: expected shape \(N, H, W, C\)",
        ),
        (lambda: ops.fit_standardization(np.ones((2, 4, 4, 3))), "a channel is constant"),
        (lambda: ops.standardize(np.ones((2, 4, 4, 3)), np.zeros(3), np.zeros(3)), "std: expected"),
        (
            lambda: ops.standardize(np.ones((2, 4, 4, 3)), np.zeros(2), np.ones(3)),
            r"mean: expected shape \(3,\)",
        ),
        (lambda: ops.batch_norm_parameter_count(0), "channels: expected an integer >= 1"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
