"""Chapter 08 checkers: what tests/test_exercises.py cannot say from the declarations alone.

The generated tests check every declared exercise of chapter 08 (the reference passes, each
declared wrong answer fails with its own hint). Here: other correct spellings of each answer pass
(np.maximum for leaky ReLU, loops, einsum, Keras 2's deprecated ``alpha=``), answers that are
right on easy inputs but wrong elsewhere fail, and the cases really contain what their labels say.
"""

import numpy as np
import pytest

from deepvision import checks, ops
from deepvision.checks import ch08


def test_the_notebooks_checkers_are_the_declared_exercises():
    assert [e.name for e in ch08.EXERCISES] == [
        "leaky_relu",
        "leaky_relu_derivative",
        "elu",
        "thresholded_relu",
        "prelu_slope_gradient",
        "dead_fraction",
        "keras_rectifier",
    ]
    checkers = [
        checks.check_leaky_relu,
        checks.check_leaky_relu_derivative,
        checks.check_elu,
        checks.check_thresholded_relu,
        checks.check_prelu_slope_gradient,
        checks.check_dead_fraction,
        checks.check_keras_rectifier,
    ]
    assert [c.exercise for c in checkers] == ch08.EXERCISES


def test_other_correct_spellings_pass():
    assert checks.check_leaky_relu(lambda z, alpha: np.maximum(z, alpha * np.asarray(z)))
    assert checks.check_leaky_relu(
        lambda z, alpha: np.asarray(z) * np.where(np.asarray(z) > 0, 1.0, alpha)
    )
    assert checks.check_leaky_relu_derivative(
        lambda z, alpha: alpha + (1 - alpha) * (np.asarray(z) > 0)
    )
    assert checks.check_elu(
        lambda z, alpha: np.where(np.asarray(z) > 0, z, alpha * (np.exp(z) - 1)),
        lambda z, alpha: np.where(np.asarray(z) > 0, 1.0, ops.elu(z, alpha) + alpha),
    )
    assert checks.check_thresholded_relu(lambda z, theta: np.asarray(z) * (np.asarray(z) > theta))

    def slope_gradient_by_loops(dout, z):
        dout, z = np.asarray(dout), np.asarray(z)
        total = np.zeros(z.shape[-1])
        for index in np.ndindex(z.shape):
            if z[index] <= 0:
                total[index[-1]] += dout[index] * z[index]
        return total

    assert checks.check_prelu_slope_gradient(slope_gradient_by_loops)
    assert checks.check_prelu_slope_gradient(
        lambda dout, z: np.einsum(
            "nc,nc->c", *(np.reshape(a, (-1, np.shape(z)[-1])) for a in (dout, np.minimum(z, 0.0)))
        )
    )
    assert checks.check_dead_fraction(
        lambda z: float(np.mean(np.max(np.asarray(z), axis=tuple(range(np.ndim(z) - 1))) <= 0))
    )


@pytest.mark.keras
def test_keras_rectifier_accepts_other_spellings(keras):
    def with_keras_2_alpha(kind, parameter):
        layers = keras.layers
        if kind == "leaky":
            return layers.LeakyReLU(alpha=parameter)  # deprecated, still the same layer
        if kind == "thresholded":
            return layers.ReLU(threshold=parameter)
        return layers.PReLU(
            alpha_initializer=keras.initializers.Constant(parameter), shared_axes=(1, 2)
        )

    with pytest.warns(UserWarning):
        assert checks.check_keras_rectifier(with_keras_2_alpha)

    def thresholded_as_activation(kind, parameter):
        if kind == "thresholded":
            return keras.layers.Activation(lambda x: keras.activations.relu(x, threshold=parameter))
        return ch08._keras_rectifier(kind, parameter)

    assert checks.check_keras_rectifier(thresholded_as_activation)


def test_right_on_easy_inputs_wrong_elsewhere_fails():
    only_alpha_one = checks.check_elu(
        lambda z, alpha: ops.elu(z, 1.0), lambda z, alpha: ops.elu_derivative(z, 1.0)
    )
    assert not only_alpha_one and "multiply exp(z) - 1 by alpha" in only_alpha_one.message
    dense_only = checks.check_dead_fraction(
        lambda z: float(np.mean(np.all(np.asarray(z) <= 0, axis=0)))
    )
    assert not dense_only and "shared by every position" in dense_only.message
    positive_scale = checks.check_leaky_relu(lambda z, alpha: ops.leaky_relu(z, 0.3))
    assert not positive_scale and "a random (4, 5) array and alpha = 0.01" in (
        positive_scale.message
    )


def test_the_cases_contain_what_their_labels_say():
    maps = ch08.DEAD_FRACTION.cases[0].args[0]
    assert ops.dead_units(maps).nonzero()[0].tolist() == [1, 4, 6]
    assert np.any(maps[..., 6] == 0.0)  # a zero pre-activation among the dead
    assert np.sum(maps[..., 2] > 0) == 1  # channel 2 fires once, so it is alive
    thresholded = ch08.THRESHOLDED_RELU.cases[1]
    assert thresholded.args[1] in thresholded.args[0]  # one input exactly at theta
    assert 0.0 in ch08.LEAKY_RELU_DERIVATIVE.cases[0].args[0]  # the kink itself
