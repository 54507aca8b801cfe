"""The centred finite difference against derivatives known in closed form."""

import numpy as np
import pytest

from deepvision import ops


@pytest.mark.parametrize("shape", [(3,), (2, 4), (2, 3, 2)])
def test_centred_differences_match_analytic_gradients(shape):
    x = np.random.default_rng(len(shape)).normal(size=shape)
    np.testing.assert_allclose(
        ops.numerical_gradient(lambda v: np.sum(v**3), x), 3 * x**2, rtol=1e-7, atol=1e-8
    )
    np.testing.assert_allclose(
        ops.numerical_gradient(lambda v: np.sum(np.sin(v)), x), np.cos(x), rtol=1e-7, atol=1e-8
    )


def test_the_point_is_left_unchanged_and_errors_are_relative():
    x = np.array([[0.5, -1.0], [2.0, 0.0]])
    before = x.copy()
    ops.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert np.array_equal(x, before)
    assert ops.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert ops.relative_error([1.0], [1.1]) == pytest.approx(0.1 / 2.1)


def test_the_centred_difference_is_more_accurate_than_the_forward_one():
    x, h = np.array([1.3]), 1e-4
    centred = ops.numerical_gradient(lambda v: np.sum(np.exp(v)), x, h)
    forward = (np.exp(x + h) - np.exp(x)) / h
    exact = np.exp(x)
    assert abs(centred - exact)[0] < abs(forward - exact)[0] / 100


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: ops.numerical_gradient("f", np.ones(2)), "f: expected a function"),
        (lambda: ops.numerical_gradient(np.sum, np.ones(2), h=0), "h: expected a number > 0"),
        (lambda: ops.relative_error(np.ones(2), np.ones(3)), "a and b: shapes must match"),
    ],
)
def test_bad_input_is_named(call, words):
    with pytest.raises(ValueError, match=words):
        call()
