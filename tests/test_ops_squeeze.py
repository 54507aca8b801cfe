"""Squeeze-and-excitation in numpy against the Keras block (models.se_block) with its weights."""

import numpy as np
import pytest

from deepvision import models, ops


@pytest.mark.parametrize("channels, ratio, size", [(16, 4, 5), (32, 16, 3), (8, 8, 4)])
def test_se_forward_matches_the_keras_block(keras, channels, ratio, size):
    inputs = keras.Input((size, size, channels))
    model = keras.Model(inputs, models.se_block(inputs, ratio, name="se"))
    rng = np.random.default_rng(channels)
    for layer in (model.get_layer("se_reduce"), model.get_layer("se_expand")):
        layer.set_weights([rng.normal(size=w.shape) for w in layer.get_weights()])
    x = rng.normal(size=(3, size, size, channels)).astype("float32")
    w1, b1 = model.get_layer("se_reduce").get_weights()
    w2, b2 = model.get_layer("se_expand").get_weights()
    out, gates = ops.se_forward(x, w1, b1, w2, b2, return_gates=True)
    np.testing.assert_allclose(out, np.asarray(model(x)), rtol=1e-4, atol=1e-5)
    assert gates.shape == (3, channels) and np.all((gates > 0) & (gates < 1))


def test_a_channel_is_scaled_not_mixed():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 4, 4, 8))
    w1, b1, w2, b2 = (
        rng.normal(size=(8, 2)),
        rng.normal(size=2),
        rng.normal(size=(2, 8)),
        0 * rng.normal(size=8),
    )
    out, gates = ops.se_forward(x, w1, b1, w2, b2, return_gates=True)
    np.testing.assert_allclose(out / x, np.broadcast_to(gates[:, None, None, :], x.shape))


def test_bad_shapes_are_named():
    x = np.zeros((1, 4, 4, 8))
    with pytest.raises(ValueError, match="w1, w2"):
        ops.se_forward(x, np.zeros((4, 2)), np.zeros(2), np.zeros((2, 8)), np.zeros(8))
    with pytest.raises(ValueError, match="b1, b2"):
        ops.se_forward(x, np.zeros((8, 2)), np.zeros(3), np.zeros((2, 8)), np.zeros(8))
    with pytest.raises(ValueError, match="x"):
        ops.se_forward(x[0], np.zeros((8, 2)), np.zeros(2), np.zeros((2, 8)), np.zeros(8))
