"""Grouped convolutions against Keras' Conv2D(groups=g) over a seeded sweep, against the
standard convolution when g = 1, and their parameter count against Keras'."""

import numpy as np
import pytest

from deepvision import ops


def _cases(count, seed):
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        groups = int(rng.integers(1, 5))
        kernel = int(rng.integers(1, 4))
        cases.append(
            (
                int(rng.integers(1, 3)),
                int(rng.integers(kernel, 9)),
                groups * int(rng.integers(1, 4)),
                groups * int(rng.integers(1, 4)),
                groups,
                kernel,
                int(rng.integers(1, 3)),
                ("valid", "same")[len(cases) % 2],
            )
        )
    return cases


@pytest.mark.parametrize("case", _cases(8, 90))
def test_grouped_conv2d_matches_keras(keras, case):
    n, size, c_in, filters, groups, kernel, stride, padding = case
    rng = np.random.default_rng(sum(case[:6]))
    x = rng.normal(size=(n, size, size, c_in)).astype("float32")
    layer = keras.layers.Conv2D(filters, kernel, strides=stride, padding=padding, groups=groups)
    expected = np.asarray(layer(x))
    w, b = layer.get_weights()
    assert w.shape == (kernel, kernel, c_in // groups, filters)
    got = ops.grouped_conv2d(x, w, b, groups=groups, stride=stride, padding=padding)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    assert layer.count_params() == ops.grouped_conv2d_parameters(c_in, filters, kernel, groups)


def test_one_group_is_the_standard_convolution():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 6, 6, 4)), rng.normal(size=(3, 3, 4, 6))
    np.testing.assert_allclose(ops.grouped_conv2d(x, w, groups=1), ops.conv2d(x, w), rtol=1e-12)


def test_each_group_sees_only_its_channels():
    rng = np.random.default_rng(4)
    x, w = rng.normal(size=(1, 5, 5, 4)), rng.normal(size=(3, 3, 2, 6))
    changed = x.copy()
    changed[..., 2:] += 1.0  # group 1's channels only
    before, after = ops.grouped_conv2d(x, w, groups=2), ops.grouped_conv2d(changed, w, groups=2)
    np.testing.assert_allclose(before[..., :3], after[..., :3])
    assert not np.allclose(before[..., 3:], after[..., 3:])


def test_resnext_counts():
    # 32 groups of 4 channels against one 3x3 convolution over 128: 32 times fewer weights
    grouped = ops.grouped_conv2d_parameters(128, 128, 3, groups=32, use_bias=False)
    assert grouped == 3 * 3 * 4 * 128 == 4608
    assert ops.grouped_conv2d_parameters(128, 128, 3, use_bias=False) == 32 * grouped


def test_indivisible_groups_are_named():
    x = np.zeros((1, 5, 5, 6))
    with pytest.raises(ValueError, match="groups.*6 channels"):
        ops.grouped_conv2d(x, np.zeros((3, 3, 1, 4)), groups=4)
    with pytest.raises(ValueError, match="groups.*5 filters"):
        ops.grouped_conv2d(x, np.zeros((3, 3, 3, 5)), groups=2)
    with pytest.raises(ValueError, match="w: expected kernels"):
        ops.grouped_conv2d(x, np.zeros((3, 3, 6, 4)), groups=2)
    with pytest.raises(ValueError, match="groups: filters = 10"):
        ops.grouped_conv2d_parameters(12, 10, 3, groups=4)
