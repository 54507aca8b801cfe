"""Depthwise and separable convolutions against Keras' DepthwiseConv2D and SeparableConv2D, and
against the standard convolution of chapter 06 they decompose."""

import numpy as np
import pytest

from deepvision import ops


def _cases(count, seed):
    """A seeded sweep of (N, H, W, C_in, M, C_out, kernel, stride, padding)."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        kh, kw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        cases.append(
            (
                int(rng.integers(1, 3)),
                int(rng.integers(kh, 11)),
                int(rng.integers(kw, 11)),
                int(rng.integers(1, 5)),
                int(rng.integers(1, 4)),
                int(rng.integers(1, 5)),
                (kh, kw),
                int(rng.integers(1, 4)),  # TensorFlow's depthwise kernel wants S_h = S_w
                ("valid", "same")[len(cases) % 2],
            )
        )
    return cases


def _data(case):
    n, h, w, c_in, multiplier, c_out, (kh, kw), _, _ = case
    rng = np.random.default_rng(abs(hash(case)) % 2**32)
    return (
        rng.normal(size=(n, h, w, c_in)).astype(np.float32),
        rng.normal(size=(kh, kw, c_in, multiplier)).astype(np.float32),
        rng.normal(size=(1, 1, c_in * multiplier, c_out)).astype(np.float32),
        rng.normal(size=c_in * multiplier).astype(np.float32),
        rng.normal(size=c_out).astype(np.float32),
    )


@pytest.mark.parametrize("case", _cases(24, seed=11))
def test_depthwise_conv2d_matches_keras_depthwise_conv2d(keras, case):
    x, w, _, b, _ = _data(case)
    stride, padding = case[7], case[8]
    layer = keras.layers.DepthwiseConv2D(
        w.shape[:2], strides=stride, padding=padding, depth_multiplier=w.shape[3]
    )
    layer.build(x.shape)
    layer.set_weights([w, b])
    expected = keras.ops.convert_to_numpy(layer(x))
    out = ops.depthwise_conv2d(x, w, b, stride, padding)
    assert out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("case", _cases(24, seed=12))
def test_separable_conv2d_matches_keras_separable_conv2d(keras, case):
    x, w, pointwise, _, b = _data(case)
    stride, padding = case[7], case[8]
    layer = keras.layers.SeparableConv2D(
        pointwise.shape[3], w.shape[:2], strides=stride, padding=padding,
        depth_multiplier=w.shape[3],
    )  # fmt: skip
    layer.build(x.shape)
    layer.set_weights([w, pointwise, b])
    expected = keras.ops.convert_to_numpy(layer(x))
    out = ops.separable_conv2d(x, w, pointwise, b, stride, padding)
    assert out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("stride", [1, 2, (1, 2), (3, 1)])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_depthwise_is_one_standard_convolution_per_channel(stride, padding):
    """Channel c times kernel m is ops.conv2d of that channel alone (any stride pair, which
    TensorFlow's depthwise kernel refuses), and the separable result is ops.conv2d with the 1x1
    kernels on it."""
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 9, 8, 3))
    w = rng.normal(size=(3, 2, 3, 2))
    pointwise = rng.normal(size=(1, 1, 6, 4))
    b = rng.normal(size=6)
    out = ops.depthwise_conv2d(x, w, b, stride, padding)
    for c in range(3):
        for m in range(2):
            alone = ops.conv2d(
                x[..., c : c + 1], w[:, :, c : c + 1, m : m + 1], None, stride, padding
            )
            np.testing.assert_allclose(
                out[..., c * 2 + m], alone[..., 0] + b[c * 2 + m], atol=1e-12
            )
    separable = ops.separable_conv2d(x, w, pointwise, None, stride, padding)
    depthwise = ops.depthwise_conv2d(x, w, None, stride, padding)
    np.testing.assert_allclose(separable, ops.conv2d(depthwise, pointwise), atol=1e-12)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((np.zeros((5, 5, 3)), np.zeros((3, 3, 3, 1))), r"x: expected shape \(N, H, W, C\)"),
        ((np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3))), r"w: expected shape \(kh, kw, C_in, M\)"),
        ((np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 1))), r"w: has 2 input channels"),
        ((np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 0))), r"expected no empty axis"),
        ((np.zeros((1, 2, 5, 3)), np.zeros((3, 3, 3, 1))), r"w: kernel \(3, 3\) does not fit"),
        (
            (np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 2)), np.zeros(3)),
            r"b: expected shape \(6,\)",
        ),
        ((np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 1)), None, 0), r"stride: expected"),
        ((np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 1)), None, 1, "full"), r"padding: expected"),
    ],
)
def test_depthwise_bad_input_is_named(args, words):
    with pytest.raises(ValueError, match=words):
        ops.depthwise_conv2d(*args)


@pytest.mark.parametrize(
    ("pointwise", "b", "words"),
    [
        (np.zeros((1, 1, 3, 4)), None, r"pointwise_w: expected shape \(1, 1, 6, C_out\)"),
        (np.zeros((3, 3, 6, 4)), None, r"pointwise_w: expected shape \(1, 1, 6, C_out\)"),
        (np.zeros((1, 1, 6)), None, r"pointwise_w: expected shape \(1, 1, C_in \* M, C_out\)"),
        (np.zeros((1, 1, 6, 4)), np.zeros(6), r"b: expected shape \(4,\)"),
    ],
)
def test_separable_bad_input_is_named(pointwise, b, words):
    x, w = np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 3, 2))
    with pytest.raises(ValueError, match=words):
        ops.separable_conv2d(x, w, pointwise, b)
