"""The rectifiers of chapter 08 against Keras (forward) and centred differences (derivatives).

Oracles: Keras 3's own layers and activations (LeakyReLU(negative_slope), PReLU with
shared_axes, ELU, ReLU(threshold), gelu exact and approximate, silu) for every forward pass;
TensorFlow's gradients of the same layers; centred finite differences for every derivative and
for PReLU's backward pass; and a real dead unit for the dead-unit measure.
"""

import numpy as np
import pytest

from deepvision import ops
from tests.gradcheck import centred_difference

SEEDS = [0, 1, 2]
SHAPES = [(7,), (3, 5), (2, 4, 4, 3)]


def _away_from_kinks(shape, seed, kinks=(0.0,), gap=1e-3, scale=2.0):
    """Random inputs at least ``gap`` away from every kink (where a derivative jumps)."""
    z = np.random.default_rng(seed).normal(scale=scale, size=shape)
    for kink in kinks:
        near = np.abs(z - kink) < gap
        z[near] = kink + np.where(z[near] >= kink, 2 * gap, -2 * gap)
    return z


# name -> (numpy function, numpy derivative, keyword arguments, keras layer or activation, kinks)
RECTIFIERS = {
    "leaky_relu 0.3": (
        ops.leaky_relu,
        ops.leaky_relu_derivative,
        {"alpha": 0.3},
        lambda keras: keras.layers.LeakyReLU(negative_slope=0.3),
        (0.0,),
    ),
    "leaky_relu 0.01": (
        ops.leaky_relu,
        ops.leaky_relu_derivative,
        {"alpha": 0.01},
        lambda keras: keras.layers.LeakyReLU(negative_slope=0.01),
        (0.0,),
    ),
    "elu 1": (
        ops.elu,
        ops.elu_derivative,
        {"alpha": 1.0},
        lambda keras: keras.layers.ELU(alpha=1.0),
        (0.0,),
    ),
    "elu 0.5": (
        ops.elu,
        ops.elu_derivative,
        {"alpha": 0.5},
        lambda keras: keras.layers.ELU(alpha=0.5),
        (0.0,),
    ),
    "thresholded 1": (
        ops.thresholded_relu,
        ops.thresholded_relu_derivative,
        {"theta": 1.0},
        lambda keras: keras.layers.ReLU(threshold=1.0),
        (1.0,),
    ),
    "thresholded 0.4": (
        ops.thresholded_relu,
        ops.thresholded_relu_derivative,
        {"theta": 0.4},
        lambda keras: keras.layers.ReLU(threshold=0.4),
        (0.4,),
    ),
    "gelu": (
        ops.gelu,
        ops.gelu_derivative,
        {},
        lambda keras: keras.layers.Activation("gelu"),
        (),
    ),
    "gelu tanh": (
        ops.gelu,
        ops.gelu_derivative,
        {"approximate": True},
        lambda keras: lambda x: keras.activations.gelu(x, approximate=True),
        (),
    ),
    "silu": (
        ops.silu,
        ops.silu_derivative,
        {},
        lambda keras: keras.layers.Activation("silu"),
        (),
    ),
}


@pytest.mark.parametrize("name", list(RECTIFIERS))
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_forward_matches_keras(keras, name, shape, seed):
    function, _, kwargs, layer, kinks = RECTIFIERS[name]
    z = _away_from_kinks(shape, seed, kinks)
    expected = keras.ops.convert_to_numpy(layer(keras)(z.astype("float32")))
    np.testing.assert_allclose(function(z, **kwargs), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(RECTIFIERS))
@pytest.mark.parametrize("seed", SEEDS)
def test_derivative_matches_centred_differences(name, seed):
    function, derivative, kwargs, _, kinks = RECTIFIERS[name]
    z = _away_from_kinks((4, 5), seed, kinks)
    weights = np.random.default_rng(seed + 100).normal(size=z.shape)
    numerical = centred_difference(lambda v: float(np.sum(weights * function(v, **kwargs))), z)
    np.testing.assert_allclose(weights * derivative(z, **kwargs), numerical, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", list(RECTIFIERS))
def test_derivative_matches_tensorflow_gradients(tf, keras, name):
    function, derivative, kwargs, layer, kinks = RECTIFIERS[name]
    z = _away_from_kinks((50,), 3, kinks)
    variable = tf.Variable(z.astype("float32"))
    with tf.GradientTape() as tape:
        out = tf.reduce_sum(layer(keras)(variable))
    expected = tape.gradient(out, variable).numpy()
    np.testing.assert_allclose(derivative(z, **kwargs), expected, rtol=1e-5, atol=1e-5)  # float32


def test_kinks_take_the_left_value_as_tensorflow_does_for_relu():
    zero = np.array([0.0])
    assert ops.leaky_relu(zero, 0.2)[0] == 0.0
    assert ops.leaky_relu_derivative(zero, 0.2)[0] == 0.2
    assert ops.elu_derivative(zero, 0.5)[0] == 0.5
    assert ops.thresholded_relu(np.array([1.0]), 1.0)[0] == 0.0
    assert ops.thresholded_relu_derivative(np.array([1.0]), 1.0)[0] == 0.0
    assert ops.gelu_derivative(zero)[0] == pytest.approx(0.5)
    assert ops.silu_derivative(zero)[0] == pytest.approx(0.5)


def test_thresholded_relu_equals_keras_relu_threshold_at_theta_itself(keras):
    z = np.array([-1.0, 0.0, 0.5, 1.0, 1.0 + 1e-6, 3.0], dtype="float32")
    expected = keras.ops.convert_to_numpy(keras.layers.ReLU(threshold=1.0)(z))
    np.testing.assert_allclose(ops.thresholded_relu(z, 1.0), expected)
    assert not hasattr(keras.layers, "ThresholdedReLU")


def test_special_cases():
    z = np.linspace(-4, 4, 81)
    np.testing.assert_allclose(ops.leaky_relu(z, 0.0), ops.relu(z))
    np.testing.assert_allclose(ops.thresholded_relu(z, 0.0), ops.relu(z))
    np.testing.assert_allclose(ops.leaky_relu(z, 1.0), z)
    np.testing.assert_allclose(ops.prelu(z, 0.25), ops.leaky_relu(z, 0.25))
    assert ops.elu(np.array([-50.0]), 1.5)[0] == pytest.approx(-1.5)  # saturates at -alpha
    np.testing.assert_allclose(ops.silu(z), z * ops.sigmoid(z))
    np.testing.assert_allclose(ops.gelu(z, approximate=True), ops.gelu(z), atol=1e-3)
    assert np.all(np.isfinite(ops.silu(np.array([-1000.0, 1000.0]))))


@pytest.mark.parametrize(
    "alpha_shape, shared_axes", [((3,), [1, 2]), ((1, 1, 3), [1, 2]), ((4, 4, 3), None)]
)
@pytest.mark.parametrize("seed", SEEDS)
def test_prelu_matches_keras_prelu_and_its_gradients(tf, keras, alpha_shape, shared_axes, seed):
    rng = np.random.default_rng(seed)
    z = _away_from_kinks((2, 4, 4, 3), seed)
    alpha = rng.uniform(0.05, 0.5, size=alpha_shape)
    layer = keras.layers.PReLU(shared_axes=shared_axes)
    layer.build((None, 4, 4, 3))
    layer.alpha.assign(alpha.reshape(layer.alpha.shape).astype("float32"))
    dout = rng.normal(size=z.shape)
    variable = tf.Variable(z.astype("float32"))
    with tf.GradientTape() as tape:
        out = layer(variable)
        loss = tf.reduce_sum(out * dout.astype("float32"))
    dz_keras, dalpha_keras = tape.gradient(loss, [variable, layer.alpha])
    np.testing.assert_allclose(ops.prelu(z, alpha), out.numpy(), rtol=1e-5, atol=1e-6)
    dz, dalpha = ops.prelu_backward(dout, z, alpha)
    np.testing.assert_allclose(dz, dz_keras.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(
        dalpha.reshape(-1), dalpha_keras.numpy().reshape(-1), rtol=1e-4, atol=1e-5
    )
    assert dalpha.shape == alpha.shape


@pytest.mark.parametrize("alpha_shape", [(), (3,), (1, 1, 3), (4, 4, 3), (2, 4, 4, 3)])
def test_prelu_backward_matches_centred_differences(alpha_shape):
    rng = np.random.default_rng(len(alpha_shape))
    z = _away_from_kinks((2, 4, 4, 3), 7)
    alpha = rng.uniform(0.05, 0.5, size=alpha_shape)
    dout = rng.normal(size=z.shape)
    dz, dalpha = ops.prelu_backward(dout, z, alpha)
    np.testing.assert_allclose(
        dz, centred_difference(lambda v: float(np.sum(dout * ops.prelu(v, alpha))), z), atol=1e-7
    )
    numerical = centred_difference(
        lambda a: float(np.sum(dout * ops.prelu(z, a))), np.asarray(alpha, float)
    )
    np.testing.assert_allclose(dalpha, numerical, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(
        ops.prelu_derivative(z, alpha), np.where(z > 0, 1.0, np.broadcast_to(alpha, z.shape))
    )


def test_dead_units_of_a_real_dead_unit():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(16, 5, 5, 4))
    z[..., 1] = -np.abs(z[..., 1]) - 0.1  # channel 1 never fires
    z[3, 2, 2, 2] = 5.0
    z[..., 2] = np.minimum(z[..., 2], 0.0)
    z[0, 0, 0, 2] = 0.5  # channel 2 fires at exactly one position of one image: alive
    z[..., 3] = 0.5  # below a threshold of 1: dead behind ReLU(threshold=1), alive behind ReLU
    assert ops.dead_units(z).tolist() == [False, True, False, False]
    assert ops.dead_unit_fraction(z) == 0.25
    assert ops.dead_units(z, threshold=1.0).tolist()[3]
    assert ops.dead_unit_fraction(np.zeros((3, 6))) == 1.0  # a 0 pre-activation gives no gradient


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ops.leaky_relu([1.0], alpha="0.3"), "alpha: expected a finite number"),
        (lambda: ops.leaky_relu([1.0], alpha=np.nan), "alpha: expected a finite number"),
        (lambda: ops.elu([1.0], alpha=0.0), r"alpha: expected a number > 0"),
        (lambda: ops.elu_derivative([1.0], alpha=-1.0), r"alpha: expected a number > 0"),
        (lambda: ops.thresholded_relu([1.0], theta=-0.5), r"theta: expected a number >= 0"),
        (lambda: ops.prelu(np.ones((2, 3)), np.ones(4)), r"alpha: expected a shape that broad"),
        (lambda: ops.prelu_backward(np.ones((2, 2)), np.ones((2, 3)), 0.1), r"dout: expected z"),
        (lambda: ops.gelu("x"), "z: expected an array of numbers"),
        (lambda: ops.silu([np.inf]), "z: contains NaN"),
        (lambda: ops.dead_units(np.ones(5)), "pre_activations: expected at least 2 dimensions"),
    ],
)
def test_bad_input_reads_as_a_sentence(call, match):
    with pytest.raises(ValueError, match=match):
        call()
