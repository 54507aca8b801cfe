"""Pooling against Keras' MaxPooling2D and AveragePooling2D over a seeded sweep."""

import numpy as np
import pytest

from deepvision import ops


def _cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        # every fourth case gives pool_size and stride as pairs (ph, pw), as Keras accepts
        pair = len(cases) % 4 == 3
        ph, pw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        pool = (ph, pw) if pair else ph
        stride = None if len(cases) % 3 == 0 else int(rng.integers(1, 5))
        if pair and stride is not None:
            stride = (stride, int(rng.integers(1, 5)))
        h, w = int(rng.integers(ph, 13)), int(rng.integers(pw if pair else ph, 13))
        cases.append(
            (
                int(rng.integers(1, 3)),
                h,
                w,
                int(rng.integers(1, 4)),
                pool,
                stride,
                ("valid", "same")[len(cases) % 2],
            )
        )
    return cases


@pytest.mark.parametrize("case", _cases(30, seed=11))
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_matches_keras(keras, case, kind):
    n, h, w, c, pool, stride, padding = case
    x = np.random.default_rng(h * 100 + w).normal(size=(n, h, w, c)).astype(np.float32)
    layer = (keras.layers.MaxPooling2D if kind == "max" else keras.layers.AveragePooling2D)(
        pool_size=pool, strides=stride, padding=padding
    )
    function = ops.max_pool2d if kind == "max" else ops.avg_pool2d
    np.testing.assert_allclose(
        function(x, pool, stride, padding), np.asarray(layer(x)), rtol=1e-5, atol=1e-6
    )


def test_default_windows_do_not_overlap():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    np.testing.assert_array_equal(ops.max_pool2d(x)[0, :, :, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(ops.avg_pool2d(x)[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_channels_are_pooled_separately():
    x = np.zeros((1, 2, 2, 2))
    x[0, 0, 0, 0], x[0, 1, 1, 1] = 9.0, -1.0
    np.testing.assert_array_equal(ops.max_pool2d(x)[0, 0, 0], [9.0, 0.0])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(x=np.ones((1, 3, 3, 1)), pool_size=4), r"pool_size: 4 is larger than the input"),
        (dict(x=np.ones((1, 3, 3, 1)), pool_size=0), r"pool_size: expected an integer >= 1 or a"),
        (dict(x=np.ones((1, 4, 4, 1)), stride=0), r"stride: expected an integer >= 1 or a pair of"),
        (dict(x=np.ones((1, 4, 4, 1)), stride=(2, 0)), r"stride: expected .* got \(2, 0\)"),
        (dict(x=np.ones((4, 4, 1))), r"x: expected shape \(N, H, W, C\)"),
        (dict(x=np.ones((1, 4, 4, 1)), padding="full"), r"padding: expected 'valid' or 'same'"),
    ],
)
@pytest.mark.parametrize("function", [ops.max_pool2d, ops.avg_pool2d])
def test_bad_input(function, kwargs, match):
    with pytest.raises(ValueError, match=match):
        function(**kwargs)


@pytest.mark.parametrize(
    "shape, pool, stride",
    [((1, 4, 4, 1), 2, None), ((2, 7, 6, 3), 3, None), ((2, 7, 6, 2), 2, 1), ((1, 9, 8, 2), 3, 2)],
)
def test_max_pool_backward_matches_centred_differences(shape, pool, stride):
    from tests.gradcheck import centred_difference

    rng = np.random.default_rng(sum(shape))
    x = rng.normal(size=shape)
    out, cache = ops.max_pool2d_forward(x, pool, stride)
    np.testing.assert_allclose(out, ops.max_pool2d(x, pool, stride))
    dout = rng.normal(size=out.shape)
    dx = ops.max_pool2d_backward(dout, cache)
    numeric = centred_difference(lambda v: float(np.sum(ops.max_pool2d(v, pool, stride) * dout)), x)
    np.testing.assert_allclose(dx, numeric, rtol=1e-6, atol=1e-6)


def test_max_pool_backward_matches_tensorflow(keras):
    import tensorflow as tf

    x = np.random.default_rng(5).normal(size=(2, 6, 6, 3)).astype(np.float32)
    out, cache = ops.max_pool2d_forward(x, 2)
    dout = np.random.default_rng(6).normal(size=out.shape).astype(np.float32)
    tensor = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tensor)
        loss = tf.reduce_sum(tf.nn.max_pool2d(tensor, 2, 2, "VALID") * dout)
    np.testing.assert_allclose(
        ops.max_pool2d_backward(dout, cache), tape.gradient(loss, tensor), rtol=1e-6
    )


def test_max_pool_backward_routes_each_gradient_to_the_window_maximum():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    _, cache = ops.max_pool2d_forward(x, 2)
    dx = ops.max_pool2d_backward(np.ones((1, 2, 2, 1)), cache)[0, :, :, 0]
    assert dx.sum() == 4
    assert [tuple(cell) for cell in np.argwhere(dx)] == [(1, 1), (1, 3), (3, 1), (3, 3)]
    with pytest.raises(ValueError, match="dout: expected shape"):
        ops.max_pool2d_backward(np.ones((1, 3, 3, 1)), cache)
