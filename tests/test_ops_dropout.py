"""Inverted dropout against Keras' Dropout (its scaling and its expectation) and finite
differences for the backward pass."""

import numpy as np
import pytest

from deepvision import ops
from tests.gradcheck import centred_difference


@pytest.mark.parametrize("rate", [0.1, 0.25, 0.5, 0.8])
def test_survivors_are_scaled_by_one_over_keep_probability(rate):
    x = np.random.default_rng(1).uniform(0.5, 2.0, size=(40, 50))
    out, cache = ops.dropout_forward(x, rate, training=True, rng=3)
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] / (1 - rate), rtol=1e-12)
    # the fraction dropped is the rate (2000 Bernoulli draws: within 4 standard deviations)
    spread = 4 * np.sqrt(rate * (1 - rate) / x.size)
    assert abs((~kept).mean() - rate) < spread
    np.testing.assert_allclose(cache["scaled_mask"], kept / (1 - rate))


@pytest.mark.parametrize("rate", [0.25, 0.5])
def test_matches_keras_scaling_and_expectation(keras, rate):
    x = np.random.default_rng(2).uniform(0.5, 2.0, size=(200, 100)).astype("float32")
    keras_out = np.asarray(keras.layers.Dropout(rate, seed=0)(x, training=True))
    mine = ops.dropout(x, rate, training=True, rng=0)
    for out in (keras_out, mine):
        kept = out != 0
        np.testing.assert_allclose(out[kept], x[kept] / (1 - rate), rtol=1e-6)
        # the mean activation is kept (expectation): 20,000 draws
        assert out.mean() == pytest.approx(x.mean(), rel=0.03)
    np.testing.assert_array_equal(np.asarray(keras.layers.Dropout(rate)(x, training=False)), x)


def test_inference_is_the_identity_and_rate_zero_keeps_everything():
    x = np.random.default_rng(4).normal(size=(3, 4, 5, 2))
    np.testing.assert_array_equal(ops.dropout(x, 0.5, training=False, rng=1), x)
    np.testing.assert_array_equal(ops.dropout(x, 0.0, training=True, rng=1), x)


def test_same_seed_same_mask_and_generator_accepted():
    x = np.ones((10, 10))
    np.testing.assert_array_equal(ops.dropout(x, 0.5, rng=7), ops.dropout(x, 0.5, rng=7))
    assert not np.array_equal(ops.dropout(x, 0.5, rng=7), ops.dropout(x, 0.5, rng=8))
    ops.dropout(x, 0.5, rng=np.random.default_rng(0))


@pytest.mark.parametrize("shape", [(5, 7), (2, 3, 4, 3)])
@pytest.mark.parametrize("training", [True, False])
def test_backward_matches_finite_differences(shape, training):
    rng = np.random.default_rng(sum(shape))
    x, dout = rng.normal(size=shape), rng.normal(size=shape)
    _, cache = ops.dropout_forward(x, 0.4, training=training, rng=5)
    dx = ops.dropout_backward(dout, cache)

    def loss(values):
        return np.sum(ops.dropout(values, 0.4, training=training, rng=5) * dout)

    np.testing.assert_allclose(dx, centred_difference(loss, x), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, float("nan"), "0.5", True])
def test_bad_rates_are_refused(rate):
    with pytest.raises(ValueError, match=r"rate: expected a number in \[0, 1\)"):
        ops.dropout_forward(np.ones(3), rate)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="rng: expected a seed"):
        ops.dropout(np.ones(3), 0.5, rng="seed")
    _, cache = ops.dropout_forward(np.ones((2, 3)), 0.5, rng=0)
    with pytest.raises(ValueError, match=r"dout: expected shape \(2, 3\)"):
        ops.dropout_backward(np.ones(3), cache)
