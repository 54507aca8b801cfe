"""Convolution against TensorFlow/Keras (forward) and centred finite differences (backward)."""

import numpy as np
import pytest

from deepvision import ops
from tests.gradcheck import centred_difference


def _cases(count, seed):
    """A seeded sweep of (N, H, W, C_in, C_out, kernel, stride, padding); every third stride is
    a pair (S_h, S_w), as Keras accepts."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        kh, kw = int(rng.integers(1, 6)), int(rng.integers(1, 6))
        h, w = int(rng.integers(max(kh, 1), 12)), int(rng.integers(max(kw, 1), 12))
        cases.append(
            (
                int(rng.integers(1, 4)),
                h,
                w,
                int(rng.integers(1, 5)),
                int(rng.integers(1, 5)),
                (kh, kw),
                (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
                if len(cases) % 3 == 2
                else int(rng.integers(1, 4)),
                ("valid", "same")[len(cases) % 2],
            )
        )
    return cases


def _data(case, dtype=np.float64):
    n, h, w, c_in, c_out, (kh, kw), _, _ = case
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    return (
        rng.normal(size=(n, h, w, c_in)).astype(dtype),
        rng.normal(size=(kh, kw, c_in, c_out)).astype(dtype),
        rng.normal(size=c_out).astype(dtype),
    )


@pytest.mark.parametrize("case", _cases(40, seed=6))
def test_conv2d_matches_tf_nn_conv2d(tf, case):
    x, w, b = _data(case)
    stride, padding = case[6], case[7]
    expected = tf.nn.conv2d(x, w, stride, padding.upper()).numpy() + b
    np.testing.assert_allclose(
        ops.conv2d(x, w, b, stride, padding), expected, rtol=1e-10, atol=1e-10
    )


@pytest.mark.parametrize("case", _cases(16, seed=7))
def test_conv2d_naive_matches_keras_conv2d_layer(keras, case):
    x, w, b = _data(case, np.float32)
    stride, padding = case[6], case[7]
    layer = keras.layers.Conv2D(w.shape[3], w.shape[:2], strides=stride, padding=padding)
    layer.build(x.shape)
    layer.set_weights([w, b])
    expected = np.asarray(layer(x))
    np.testing.assert_allclose(
        ops.conv2d_naive(x, w, b, stride, padding), expected, rtol=1e-4, atol=1e-4
    )


@pytest.mark.parametrize("case", _cases(24, seed=8))
def test_naive_and_vectorized_agree(case):
    x, w, b = _data(case)
    stride, padding = case[6], case[7]
    np.testing.assert_allclose(
        ops.conv2d_naive(x, w, None, stride, padding),
        ops.conv2d(x, w, None, stride, padding),
        rtol=1e-12,
        atol=1e-12,
    )


def test_float32_stays_float32_and_ints_become_float64():
    x = np.ones((1, 4, 4, 1), np.float32)
    w = np.ones((2, 2, 1, 1), np.float32)
    assert ops.conv2d(x, w).dtype == np.float32
    assert ops.conv2d(x.astype(np.uint8), w.astype(int)).dtype == np.float64


@pytest.mark.parametrize("case", _cases(10, seed=9))
def test_conv2d_backward_matches_finite_differences(case):
    x, w, b = _data(case)
    stride, padding = case[6], case[7]
    out, cache = ops.conv2d_forward(x, w, b, stride, padding)
    dout = np.random.default_rng(1).normal(size=out.shape)
    dx, dw, db = ops.conv2d_backward(dout, cache)

    def loss(x, w, b):
        return float(np.sum(ops.conv2d(x, w, b, stride, padding) * dout))

    numeric = (
        centred_difference(lambda v: loss(v, w, b), x),
        centred_difference(lambda v: loss(x, v, b), w),
        centred_difference(lambda v: loss(x, w, v), b),
    )
    for analytic, expected in zip((dx, dw, db), numeric, strict=True):
        np.testing.assert_allclose(analytic, expected, rtol=1e-5, atol=1e-6)


def test_conv2d_backward_without_bias_returns_none():
    x, w = np.ones((1, 3, 3, 1)), np.ones((2, 2, 1, 1))
    out, cache = ops.conv2d_forward(x, w)
    assert ops.conv2d_backward(np.ones_like(out), cache)[2] is None


@pytest.mark.parametrize("m, n", [(5, 1), (5, 3), (8, 8), (10, 4)])
def test_conv1d_is_a_sliding_dot_product_without_flip(m, n):
    rng = np.random.default_rng(m * 10 + n)
    sequence, weights = rng.normal(size=m), rng.normal(size=n)
    got = ops.conv1d(sequence, weights)
    np.testing.assert_allclose(got, np.correlate(sequence, weights, mode="valid"), rtol=1e-12)
    # the same as a 2-D convolution on a 1-pixel-high image
    np.testing.assert_allclose(
        got, ops.conv2d(sequence[None, None, :, None], weights[None, :, None, None])[0, 0, :, 0]
    )


def test_worked_examples():
    a, b = np.array([[2.0, 3.0], [1.0, 4.0]]), np.array([[5.0, 1.0], [6.0, 0.0]])
    # the book prints 22; 2*5 + 3*1 + 1*6 + 4*0 is 19 (an erratum in the chapter)
    assert ops.conv2d(a[None, :, :, None], b[:, :, None, None]).item() == 19.0
    detector = np.array([[1.5, 1.5], [-1.5, -1.5]])[:, :, None, None]
    line = np.array([[200.0, 200.0], [0.0, 0.0]])[None, :, :, None]
    square = np.full((1, 2, 2, 1), 200.0)
    assert ops.conv2d(line, detector).item() == 600.0
    assert ops.conv2d(square, detector).item() == 0.0
    s = np.array(
        [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    )
    w = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])
    np.testing.assert_array_equal(
        ops.conv2d(s[None, :, :, None], w[:, :, None, None])[0, :, :, 0],
        [[4, 3, 4], [2, 4, 3], [2, 3, 4]],
    )


X, W = np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 2))


@pytest.mark.parametrize("function", [ops.conv2d, ops.conv2d_naive])
@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(x=X, w=np.ones((6, 6, 3, 2))), r"w: kernel 6x6 .* larger than the padded input 5x5"),
        (dict(x=X, w=np.ones((3, 3, 4, 2))), r"w: has 4 input channels .* x has 3"),
        (dict(x=X, w=W, stride=0), r"stride: expected an integer >= 1 or a pair of them, got 0"),
        (dict(x=X, w=W, stride=-2), r"stride: expected an integer >= 1 or a pair of them, got -2"),
        (dict(x=X, w=W, padding="full"), r"padding: expected 'valid' or 'same', got 'full'"),
        (dict(x=X[0], w=W), r"x: expected shape \(N, H, W, C\), got shape \(5, 5, 3\)"),
        (dict(x=X, w=W[..., 0]), r"w: expected shape \(kh, kw, c_in, c_out\)"),
        (dict(x=X, w=W, b=np.ones(3)), r"b: expected shape \(2,\)"),
        (dict(x=X * np.nan, w=W), r"x: contains NaN"),
    ],
)
def test_bad_input_raises_value_error_naming_the_argument(function, kwargs, match):
    with pytest.raises(ValueError, match=match):
        function(**kwargs)


def test_conv1d_bad_input():
    with pytest.raises(ValueError, match=r"weights: expected 1 <= length <= len\(sequence\) = 3"):
        ops.conv1d(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match=r"sequence: expected shape \(m,\)"):
        ops.conv1d(np.ones((3, 3)), np.ones(2))
