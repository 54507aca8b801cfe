"""Chapter 06 checkers: the reference passes; plausible wrong answers fail with the right hint."""

import math

import numpy as np
import pytest

from deepvision import checks, ops
from deepvision.ops import arithmetic, filters


def _conv2d_single(image, kernel, stride=1):
    return ops.conv2d(
        np.asarray(image)[None, :, :, None], np.asarray(kernel)[:, :, None, None], stride=stride
    )[0, :, :, 0]


def _pad_one_side(x, w, b=None, stride=1, padding="valid"):
    if padding == "same":
        kh, kw = w.shape[:2]
        rows = sum(arithmetic.same_padding(x.shape[1], kh, stride))
        cols = sum(arithmetic.same_padding(x.shape[2], kw, stride))
        x = np.pad(x, ((0, 0), (0, rows), (0, cols), (0, 0)))
    return ops.conv2d(x, w, b, stride, "valid")


def _odd_zero_first(x, w, b=None, stride=1, padding="valid"):
    if padding == "same":
        kh, kw = w.shape[:2]
        top, bottom = arithmetic.same_padding(x.shape[1], kh, stride)
        left, right = arithmetic.same_padding(x.shape[2], kw, stride)
        x = np.pad(x, ((0, 0), (bottom, top), (right, left), (0, 0)))
    return ops.conv2d(x, w, b, stride, "valid")


def _not_implemented(*args, **kwargs):
    raise NotImplementedError()


CASES = {
    "conv1d": (
        checks.check_conv1d,
        ops.conv1d,
        [
            (lambda s, w: np.convolve(s, w, mode="valid"), "flipped the weights"),
            (lambda s, w: np.correlate(s, w, mode="same"), "expected 3 outputs"),
            (lambda s, w: ops.conv1d(s, w)[:-1], "one output too few"),
        ],
    ),
    "conv2d_single": (
        checks.check_conv2d_single,
        _conv2d_single,
        [
            (lambda i, k, stride=1: _conv2d_single(i, np.asarray(k)[::-1, ::-1], stride), "600"),
            (lambda i, k, stride=1: _conv2d_single(i, k)[::stride, :], "along the rows only"),
            (lambda i, k, stride=1: _conv2d_single(i, k)[:, ::stride], "along the columns only"),
            (lambda i, k, stride=1: _conv2d_single(i, k), "ignored the stride"),
        ],
    ),
    "conv2d": (
        checks.check_conv2d,
        ops.conv2d,
        [
            (
                lambda x, w, b=None, stride=1, padding="valid": ops.conv2d(
                    x, w[::-1, ::-1], b, stride, padding
                ),
                "flipped the kernel",
            ),
            (
                lambda x, w, b=None, stride=1, padding="valid": ops.conv2d(
                    x, w, None, stride, padding
                ),
                "forgot the bias",
            ),
            (_pad_one_side, "one side only"),
            (_odd_zero_first, "extra zero after"),
            (
                lambda x, w, b=None, stride=1, padding="valid": ops.conv2d(x, w, b, 1, padding)[
                    :, ::stride
                ],
                "ceil(7/2) x ceil(8/2)",
            ),
        ],
    ),
    "output_size": (
        checks.check_output_size,
        arithmetic.output_size,
        [
            (
                lambda size, k, s, p: (
                    (size + p - k) // s + 1
                    if isinstance(p, int)
                    else arithmetic.output_size(size, k, s, p)
                ),
                "both sides",
            ),
            (
                lambda size, k, s, p: (
                    size if p == "same" else arithmetic.output_size(size, k, s, p)
                ),
                "not W",
            ),
            (
                lambda size, k, s, p: (
                    size // s if p == "same" else arithmetic.output_size(size, k, s, p)
                ),
                "rounds up",
            ),
            (
                lambda size, k, s, p: (
                    math.ceil((size - k) / s)
                    if p == "valid"
                    else arithmetic.output_size(size, k, s, p)
                ),
                "forgot the + 1",
            ),
            (
                lambda size, k, s, p: (
                    (size + 2 * p - k) / s + 1
                    if isinstance(p, int)
                    else arithmetic.output_size(size, k, s, p)
                ),
                "whole number",
            ),
        ],
    ),
    "max_pool2d": (
        checks.check_max_pool2d,
        lambda x, pool_size=2, stride=None: ops.max_pool2d(x, pool_size, stride),
        [
            (
                lambda x, pool_size=2, stride=None: ops.max_pool2d(x, pool_size, stride or 1),
                "windows overlap",
            ),
            (lambda x, pool_size=2, stride=None: ops.avg_pool2d(x, pool_size, stride), "averaged"),
            (
                lambda x, pool_size=2, stride=None: np.broadcast_to(
                    ops.max_pool2d(x, pool_size, stride).max(axis=3, keepdims=True),
                    ops.max_pool2d(x, pool_size, stride).shape,
                ),
                "each channel on its own",
            ),
        ],
    ),
    "sobel_magnitude": (
        checks.check_sobel_magnitude,
        filters.gradient_magnitude,
        [
            (lambda im: np.abs(filters.sobel_x(im)) + np.abs(filters.sobel_y(im)), "|Gx| + |Gy|"),
            (lambda im: filters.sobel_x(im) ** 2 + filters.sobel_y(im) ** 2, "square root"),
            (lambda im: np.abs(filters.sobel_x(im)), "both Sobel filters"),
            (
                lambda im: np.hypot(
                    filters.filter2d(im, filters.SOBEL_X, "same"),
                    filters.filter2d(im, filters.SOBEL_Y, "same"),
                ),
                "'valid'",
            ),
            (
                lambda im: (
                    filters.gradient_magnitude(im) * 255 / filters.gradient_magnitude(im).max()
                ),
                "rescale",
            ),
        ],
    ),
    "conv_parameter_count": (
        checks.check_conv_parameter_count,
        arithmetic.conv_parameter_count,
        [
            (
                lambda k, c, f, out=None: k * k * c * f * (out * out if out else 1),
                "one bias per filter",
            ),
            (
                lambda k, c, f, out=None: (k * k + 1) * f * (out * out if out else 1),
                "every input channel",
            ),
            (
                lambda k, c, f, out=None: (
                    arithmetic.conv_parameter_count(k, c, f)
                    if out is None
                    else k * k * c * f * out * out + f
                ),
                "its own bias",
            ),
            (
                lambda k, c, f, out=None: float(arithmetic.conv_parameter_count(k, c, f, out)),
                "return an int",
            ),
        ],
    ),
}


@pytest.mark.parametrize("key", sorted(CASES))
def test_reference_passes(key):
    checker, reference, _ = CASES[key]
    result = checker(reference)
    assert result, result.message


@pytest.mark.parametrize(
    "key, index", [(key, i) for key in sorted(CASES) for i in range(len(CASES[key][2]))]
)
def test_wrong_answer_fails_with_hint(key, index):
    checker, _, wrong = CASES[key]
    function, hint = wrong[index]
    result = checker(function)
    assert not result
    assert hint in result.message, result.message


@pytest.mark.parametrize("key", sorted(CASES))
def test_untouched_exercise_raises_not_implemented(key):
    with pytest.raises(NotImplementedError):
        CASES[key][0](_not_implemented)


def test_sobel_checker_on_the_cat():
    from deepvision import data

    cat = data.sample_image("chelsea", gray=True)[:60, :80]
    assert checks.check_sobel_magnitude(filters.gradient_magnitude, image=cat)
    assert not checks.check_sobel_magnitude(lambda im: np.abs(filters.sobel_y(im)), image=cat)


keras = pytest.importorskip("keras")


def _book_cnn(filters_last=128, pool=True, dense_activation="softmax"):
    layers = keras.layers
    stack = [
        keras.Input((28, 28, 1)),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
    ]
    if pool:
        stack.append(layers.MaxPooling2D(2))
    stack += [
        layers.Conv2D(128, 3, padding="same", activation="relu"),
        layers.Conv2D(filters_last, 3, padding="same", activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation=dense_activation),
    ]
    return keras.Sequential(stack)


def test_mnist_cnn_checker():
    from deepvision.models import mnist_cnn

    assert checks.check_mnist_cnn(mnist_cnn)
    assert checks.check_mnist_cnn(_book_cnn)
    missing_pool = checks.check_mnist_cnn(lambda: _book_cnn(pool=False))
    assert not missing_pool and "layers; expected 7" in missing_pool.message
    wrong_filters = checks.check_mnist_cnn(lambda: _book_cnn(filters_last=64))
    assert not wrong_filters and "filters=64" in wrong_filters.message
    no_softmax = checks.check_mnist_cnn(lambda: _book_cnn(dense_activation="linear"))
    assert not no_softmax and "activation" in no_softmax.message
    crash = checks.check_mnist_cnn(lambda: 1 / 0)
    assert not crash and "ZeroDivisionError" in crash.message
    with pytest.raises(NotImplementedError):
        checks.check_mnist_cnn(_not_implemented)
