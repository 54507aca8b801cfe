"""Convolution arithmetic against the shapes Keras/TensorFlow actually produce."""

import math

import numpy as np
import pytest

from deepvision.ops import arithmetic

SWEEP = [(size, k, s) for size in (1, 4, 5, 7, 8, 32) for k in (1, 2, 3, 5, 8) for s in (1, 2, 3)]


@pytest.mark.parametrize("size, kernel_size, stride", SWEEP)
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_output_size_matches_tf_conv2d(tf, size, kernel_size, stride, padding):
    if padding == "valid" and kernel_size > size:
        with pytest.raises(ValueError, match="kernel_size"):
            arithmetic.output_size(size, kernel_size, stride, padding)
        return
    x = np.zeros((1, size, size + 1, 1), np.float32)
    w = np.zeros((kernel_size, kernel_size, 1, 1), np.float32)
    shape = tf.nn.conv2d(x, w, stride, padding.upper()).shape
    assert shape[1] == arithmetic.output_size(size, kernel_size, stride, padding)
    assert shape[2] == arithmetic.output_size(size + 1, kernel_size, stride, padding)


@pytest.mark.parametrize("size, kernel_size, stride", [c for c in SWEEP if c[1] <= c[0]])
def test_valid_is_the_formula_with_zero_padding(size, kernel_size, stride):
    assert arithmetic.valid_output_size(size, kernel_size, stride) == arithmetic.conv_output_size(
        size, kernel_size, stride, 0
    )


@pytest.mark.parametrize("size, kernel_size, stride", SWEEP)
def test_same_padding_reproduces_tf_same(tf, size, kernel_size, stride):
    """Padding explicitly with same_padding() then convolving VALID equals TF's SAME."""
    rng = np.random.default_rng(size * 100 + kernel_size * 10 + stride)
    x = rng.normal(size=(1, size, size, 1)).astype(np.float32)
    w = rng.normal(size=(kernel_size, kernel_size, 1, 1)).astype(np.float32)
    before, after = arithmetic.same_padding(size, kernel_size, stride)
    assert after - before in (0, 1)  # the odd zero goes after (bottom/right)
    padded = np.pad(x, ((0, 0), (before, after), (before, after), (0, 0)))
    np.testing.assert_allclose(
        tf.nn.conv2d(padded, w, stride, "VALID").numpy(),
        tf.nn.conv2d(x, w, stride, "SAME").numpy(),
        rtol=1e-5,
        atol=1e-5,
    )
    assert arithmetic.same_output_size(size, stride) == math.ceil(size / stride)


def test_worked_examples_from_the_chapter():
    assert arithmetic.conv_output_size(4, 2, 1, 0) == 3  # the book's 4x4 image, 2x2 filter
    assert arithmetic.conv_output_size(4, 2, 2, 0) == 2  # stride 2
    assert arithmetic.conv_output_size(4, 3, 1, 1) == 4  # 3x3 filter, one zero of padding
    assert arithmetic.conv_output_size(32, 8, 2, 1) == 14  # the notes' quiz
    assert arithmetic.output_size(32, 8, 2, "same") == 16
    assert arithmetic.output_size(32, 8, 2, "valid") == 13
    assert arithmetic.same_padding(32, 8, 2) == (3, 3)
    assert arithmetic.same_padding(5, 2, 1) == (0, 1)


def test_parameter_count_quiz():
    assert (
        arithmetic.conv_parameter_count(8, 3, 20, output_size=14) == (8 * 8 * 3 + 1) * 14 * 14 * 20
    )
    assert arithmetic.conv_parameter_count(8, 3, 20) == (8 * 8 * 3 + 1) * 20


def test_parameter_count_matches_keras(keras):
    layer = keras.layers.Conv2D(20, 8, strides=2)
    layer.build((None, 32, 32, 3))
    assert layer.count_params() == arithmetic.conv_parameter_count(8, 3, 20)


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: arithmetic.conv_output_size(4, 7, 1, 1),
            r"kernel_size: 7 is larger than the padded input",
        ),
        (lambda: arithmetic.conv_output_size(4, 2, 0), r"stride: expected an integer >= 1, got 0"),
        (lambda: arithmetic.conv_output_size(4, 2, 1.5), r"stride: expected an integer"),
        (lambda: arithmetic.conv_output_size(4, 2, 1, -1), r"padding: expected an integer >= 0"),
        (lambda: arithmetic.output_size(4, 2, 1, "full"), r"padding: expected 'valid' or 'same'"),
        (lambda: arithmetic.same_output_size(0), r"size: expected an integer >= 1"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_pairs_give_one_answer_per_axis_as_keras_shapes_them(keras, padding):
    layer = keras.layers.Conv2D(1, (3, 5), strides=(2, 1), padding=padding)
    height, width = layer.compute_output_shape((None, 17, 12, 1))[1:3]
    assert arithmetic.output_size((17, 12), (3, 5), (2, 1), padding) == (height, width)
    assert arithmetic.output_size((17, 12), (3, 5), (2, 1), padding) == (
        arithmetic.output_size(17, 3, 2, padding),
        arithmetic.output_size(12, 5, 1, padding),
    )


def test_pairs_in_padding_and_parameter_counts(keras):
    assert arithmetic.same_padding((5, 32), 2, (1, 2)) == ((0, 1), (0, 0))
    assert arithmetic.conv_output_size((8, 6), (3, 1), 1, 1) == (8, 8)
    layer = keras.layers.Conv2D(7, (3, 5))
    layer.build((None, 16, 16, 4))
    assert arithmetic.conv_parameter_count((3, 5), 4, 7) == layer.count_params()
    assert arithmetic.conv_parameter_count((3, 5), 4, 7, (14, 12)) == (3 * 5 * 4 + 1) * 14 * 12 * 7
    with pytest.raises(ValueError, match=r"kernel_size: expected an integer >= 1 or a pair"):
        arithmetic.conv_parameter_count((3, 0), 4, 7)
