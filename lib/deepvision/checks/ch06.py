"""The exercises of chapter 06, "Convolutional neural networks", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.ops`) and the wrong answers learners
give, with the hint each earns: a flipped kernel (true convolution instead of Keras'
cross-correlation), a stride applied along one axis only, "same" padding put on one side or with
the odd zero on the wrong side, pooling windows that overlap, |Gx| + |Gy| for the edge strength,
forgotten biases. ``tests/test_exercises.py`` turns the same declarations into the checkers'
tests. See :mod:`deepvision.checks._exercise` for the pattern.

Keras is imported only inside the functions that build models, so that importing this module
(and checking the numpy exercises) never starts TensorFlow.
"""

from __future__ import annotations

import math
import random

import numpy as np

from deepvision import models, ops
from deepvision.checks._core import CaseFailed, as_array, call, close
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.ops import arithmetic, filters

# -- conv1d ---------------------------------------------------------------------------------

_RNG = np.random.default_rng(60)

CONV1D = Exercise(
    "conv1d",
    chapter="ch06",
    answers=("conv1d",),
    reference=ops.conv1d,
    cases=[
        Case(
            np.array([1.0, 2.0, 4.0, 7.0, 11.0]),
            np.array([1.0, 0.0, -1.0]),
            label="s = [1, 2, 4, 7, 11] and w = [1, 0, -1]",
        ),
        Case(
            _RNG.normal(size=12),
            _RNG.normal(size=4),
            label="a random sequence of 12 and weights of 4",
            message="wrong values on a random sequence of 12 with weights of 4",
        ),
    ],
    mistakes=[
        Mistake(
            "you flipped the weights (np.convolve does): slide them as they are, "
            "c[k] = sum_t s[k + t] * w[t], as Keras does",
            lambda s, w: np.convolve(s, w, mode="valid"),
        ),
        Mistake(
            "one output too few: there are m - n + 1 positions (k = 0 ... m - n), "
            "use range(len(sequence) - len(weights) + 1)",
            lambda s, w: ops.conv1d(s, w)[:-1],
        ),
        Mistake(
            "you returned more than m - n + 1 outputs: this convolution has no padding, so the "
            "weights only visit the positions where they fit entirely inside the sequence",
            lambda s, w: np.correlate(s, w, mode="same"),
            when=lambda trial: (
                np.ndim(trial.value) == 1 and trial.value.shape[0] > trial.expected.shape[0]
            ),
        ),
    ],
    hints=[
        "At position k, multiply sequence[k:k + n] by the weights element-wise and add up.",
        "With no padding the weights fit at m - n + 1 positions: k = 0, ..., m - n.",
        "Do not flip the weights: Keras and this course compute a cross-correlation, unlike "
        "np.convolve.",
    ],
    success="sliding dot product, m - n + 1 outputs, weights not flipped",
)

# -- conv2d_single --------------------------------------------------------------------------


def _single(image, kernel, stride=1):
    """One channel, one filter, no padding: the reference, through :func:`ops.conv2d`."""
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    return ops.conv2d(image[None, :, :, None], kernel[:, :, None, None], stride=stride)[0, :, :, 0]


def _stride_rows_only(image, kernel, stride=1):
    return _single(image, kernel)[::stride, :]


def _stride_columns_only(image, kernel, stride=1):
    return _single(image, kernel)[:, ::stride]


_RNG = np.random.default_rng(61)
_LINE = np.array([[200.0, 200.0], [0.0, 0.0]])

CONV2D_SINGLE = Exercise(
    "conv2d_single",
    chapter="ch06",
    answers=("conv2d_single",),
    reference=_single,
    cases=[
        Case(
            _LINE,
            filters.BOOK_LINE_DETECTOR,
            label="the book's line [[200, 200], [0, 0]]",
            message="the line detector on the book's line [[200, 200], [0, 0]] should give "
            "[[600]], got {got}",
        ),
        Case(
            np.full((2, 2), 200.0),
            filters.BOOK_LINE_DETECTOR,
            label="a flat square of 200s",
            message="the line detector on a flat square should give [[0]], got {got}",
        ),
        Case(
            _RNG.integers(0, 10, size=(6, 7)).astype(float),
            np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]]),
            label="a 6x7 image and a 2x3 kernel (output H - kh + 1 by W - kw + 1)",
            message="wrong values for a 6x7 image and a 2x3 kernel, stride 1",
        ),
        Case(
            _RNG.normal(size=(9, 8)),
            _RNG.normal(size=(3, 3)),
            2,
            label="a 9x8 image, a 3x3 kernel and stride 2 (output (H - kh) // S + 1 by "
            "(W - kw) // S + 1)",
            message="wrong values with stride 2: window (i, j) covers rows i*S to i*S + kh - 1 "
            "and columns j*S to j*S + kw - 1",
        ),
        Case(
            _RNG.normal(size=(10, 11)),
            _RNG.normal(size=(2, 3)),
            3,
            label="a 10x11 image, a 2x3 kernel and stride 3",
            message="wrong values with stride 3 on a 10x11 image and a 2x3 kernel",
        ),
    ],
    mistakes=[
        Mistake(
            "you flipped the kernel (a true convolution); Keras and this course slide it as it "
            "is (cross-correlation)",
            lambda image, kernel, stride=1: _single(image, np.asarray(kernel)[::-1, ::-1], stride),
        ),
        Mistake(
            "one window too few along each axis: a kernel of kh rows fits H - kh + 1 times down "
            "an image of H rows (the last window ends on the last row)",
            lambda image, kernel, stride=1: _single(image, kernel, stride)[:-1, :-1],
        ),
        Mistake(
            "with stride 2 you stepped 2 along the rows only; the stride applies to both axes "
            "(window (i, j) starts at row i*S and column j*S)",
            _stride_rows_only,
        ),
        Mistake(
            "with stride 2 you stepped 2 along the columns only; the stride applies to both "
            "axes (window (i, j) starts at row i*S and column j*S)",
            _stride_columns_only,
        ),
        Mistake(
            "with stride 2 the output is smaller: you ignored the stride",
            lambda image, kernel, stride=1: _single(image, kernel),
        ),
        Rejected(
            lambda image, kernel, stride=1: np.zeros_like(_single(image, kernel, stride)),
            says="should give [[600]]",
        ),
    ],
    hints=[
        "The output has (H - kh) // stride + 1 rows and (W - kw) // stride + 1 columns.",
        "Window (i, j) starts at row i * stride and column j * stride, and has the kernel's shape.",
        "Multiply the window by the kernel element-wise and sum; do not flip the kernel.",
    ],
    success="600 on the line, 0 on the square, strides on both axes, kernel not flipped",
)

# -- output_size ----------------------------------------------------------------------------


def _output_size_with(padding_kind, rule):
    """The reference, except ``rule(size, kernel_size, stride, padding)`` for one padding kind
    ("int", "same" or "valid")."""

    def wrong(size, kernel_size, stride, padding):
        kind = padding if isinstance(padding, str) else "int"
        if kind == padding_kind:
            return rule(size, kernel_size, stride, padding)
        return arithmetic.output_size(size, kernel_size, stride, padding)

    return wrong


def _ignoring_stride(size, kernel_size, stride, padding):
    return arithmetic.output_size(size, kernel_size, 1, padding)


def _not_whole(trial):
    value = float(trial.value)
    return not value.is_integer()


def _output_size_case(size, kernel_size, stride, padding):
    return Case(
        size,
        kernel_size,
        stride,
        padding,
        label=f"output_size({size}, {kernel_size}, {stride}, {padding!r})",
    )


_EXPLICIT = [(4, 2, 1, 0), (4, 2, 2, 0), (4, 3, 1, 1), (32, 8, 2, 1), (6, 3, 2, 0)]
_KERAS = [(32, 8, 2), (7, 3, 2), (28, 3, 1), (5, 2, 3), (10, 4, 4), (6, 2, 1)]

OUTPUT_SIZE = Exercise(
    "output_size",
    chapter="ch06",
    answers=("output_size",),
    reference=arithmetic.output_size,
    cases=[_output_size_case(*args) for args in _EXPLICIT]
    + [
        _output_size_case(size, kernel_size, stride, padding)
        for size, kernel_size, stride in _KERAS
        for padding in ("same", "valid")
    ],
    mistakes=[
        Mistake(
            "padding P adds P zeros on each side: use W + 2P - K, not W + P - K",
            _output_size_with("int", lambda w, k, s, p: (w + p - k) // s + 1),
        ),
        Mistake(
            "'same' keeps the size only when the stride is 1: with stride S the output is "
            "ceil(W / S), not W",
            _output_size_with("same", lambda w, k, s, p: w),
        ),
        Mistake(
            "you ignored the stride: the window jumps S pixels at a time, so divide the "
            "distance it travels by S",
            _ignoring_stride,
        ),
        Mistake(
            "'same' rounds up: ceil(W / S), not W // S (a last, partial window still gives an "
            "output)",
            _output_size_with("same", lambda w, k, s, p: w // s),
        ),
        Mistake(
            "'same' is not (K - 1) // 2 zeros on each side: with an even kernel that is one "
            "zero short; 'same' pads whatever makes the output ceil(W / S), whatever K is",
            _output_size_with("same", lambda w, k, s, p: (w + 2 * ((k - 1) // 2) - k) // s + 1),
        ),
        Mistake(
            "'valid' is ceil((W - K + 1) / S): you forgot the + 1",
            _output_size_with("valid", lambda w, k, s, p: math.ceil((w - k) / s)),
        ),
        Mistake(
            "a size is a whole number of window positions: divide with // (or round as the "
            "rule says), not /",
            _output_size_with("int", lambda w, k, s, p: (w + 2 * p - k) / s + 1),
            when=_not_whole,
        ),
    ],
    hints=[
        "Handle the three kinds of padding separately: an int P (zeros on each side), 'valid' "
        "and 'same'.",
        "With P zeros on each side the padded input is W + 2P wide: count how many steps of S a "
        "window of K takes to cross it, plus the first position.",
        "'same' never depends on K: the output is W / S rounded up. 'valid' is the P = 0 case.",
    ],
    success="explicit padding, 'same' = ceil(W/S), 'valid' = ceil((W-K+1)/S)",
)

# -- conv2d ---------------------------------------------------------------------------------


def _padded(x, w, stride, padding, rule):
    """``x`` padded by ``rule(size, kernel_size, stride) -> (before, after)`` for 'same'."""
    if padding != "same":
        return x
    kh, kw = np.shape(w)[:2]
    rows = rule(x.shape[1], kh, stride)
    cols = rule(x.shape[2], kw, stride)
    return np.pad(x, ((0, 0), rows, cols, (0, 0)))


def _conv2d_padding(rule):
    """conv2d with 'same' padded by ``rule`` instead of Keras' rule."""

    def wrong(x, w, b=None, stride=1, padding="valid"):
        x = np.asarray(x, dtype=np.float64)
        return ops.conv2d(_padded(x, w, stride, padding, rule), w, b, stride, "valid")

    return wrong


def _after(size, kernel_size, stride):
    return 0, sum(arithmetic.same_padding(size, kernel_size, stride))


def _before(size, kernel_size, stride):
    return sum(arithmetic.same_padding(size, kernel_size, stride)), 0


def _swapped(size, kernel_size, stride):
    before, after = arithmetic.same_padding(size, kernel_size, stride)
    return after, before


def _symmetric(size, kernel_size, stride):
    return (kernel_size - 1) // 2, (kernel_size - 1) // 2


def _conv2d_bias_times(times):
    """conv2d adding the bias ``times(x, w)`` times (inside a loop over channels or taps)."""

    def wrong(x, w, b=None, stride=1, padding="valid"):
        out = ops.conv2d(x, w, None, stride, padding)
        return out if b is None else out + times(np.shape(x), np.shape(w)) * np.asarray(b)

    return wrong


def _conv2d_stride(step_rows, step_columns):
    """conv2d at stride 1, then stepping only along the axes asked."""

    def wrong(x, w, b=None, stride=1, padding="valid"):
        full = ops.conv2d(x, w, b, 1, padding)
        return full[:, :: stride if step_rows else 1, :: stride if step_columns else 1]

    return wrong


def _conv2d_first_channel(x, w, b=None, stride=1, padding="valid"):
    return ops.conv2d(np.asarray(x)[..., :1], np.asarray(w)[:, :, :1], b, stride, padding)


def _conv2d_bias_none_crashes(x, w, b=None, stride=1, padding="valid"):
    return ops.conv2d(x, w, None, stride, padding) + b


_RNG = np.random.default_rng(62)

CONV2D = Exercise(
    "conv2d",
    chapter="ch06",
    answers=("conv2d",),
    reference=ops.conv2d,
    cases=[
        Case(
            _RNG.normal(size=(2, 5, 6, 3)),
            _RNG.normal(size=(3, 2, 3, 4)),
            _RNG.normal(size=4),
            label="x (2, 5, 6, 3) and w (3, 2, 3, 4), 'valid' (output (N, H - kh + 1, "
            "W - kw + 1, C_out))",
            message="wrong values with 3 input channels and 4 filters: each output sums over "
            "kh, kw and every input channel, out[n, i, j, f] = b[f] + sum w[..., f] * patch",
        ),
        Case(
            _RNG.normal(size=(1, 6, 5, 2)),
            _RNG.normal(size=(3, 3, 2, 2)),
            None,
            1,
            "same",
            label="x (1, 6, 5, 2), a 3x3 kernel, padding='same' and stride 1 (which keeps the "
            "height and width)",
            message="wrong values with padding='same', a 3x3 kernel and stride 1",
        ),
        Case(
            _RNG.normal(size=(1, 9, 10, 1)),
            _RNG.normal(size=(3, 3, 1, 2)),
            None,
            3,
            "valid",
            label="x (1, 9, 10, 1), a 3x3 kernel, stride 3 and 'valid' (output (H - kh) // S + 1 "
            "by (W - kw) // S + 1)",
            message="wrong result with stride 3 and 'valid' padding on a 9x10 image",
        ),
        Case(
            _RNG.normal(size=(2, 7, 7, 3)),
            _RNG.normal(size=(4, 2, 3, 5)),
            _RNG.normal(size=5),
            2,
            "same",
            label="x (2, 7, 7, 3), a 4x2 kernel, padding='same' and stride 2 (output "
            "ceil(H / S) by ceil(W / S))",
            message="wrong values with padding='same', a 4x2 kernel and stride 2",
        ),
    ],
    mistakes=[
        Mistake(
            "you flipped the kernel; slide it as it is (cross-correlation)",
            lambda x, w, b=None, stride=1, padding="valid": ops.conv2d(
                x, np.asarray(w)[::-1, ::-1], b, stride, padding
            ),
        ),
        Mistake(
            "you forgot the bias: add b[f] to every value of feature map f",
            lambda x, w, b=None, stride=1, padding="valid": ops.conv2d(x, w, None, stride, padding),
        ),
        Mistake(
            "you added the bias once per input channel; add it once per output value, after "
            "summing over the channels",
            _conv2d_bias_times(lambda x_shape, w_shape: w_shape[2]),
        ),
        Mistake(
            "you added the bias at every kernel position; add it once per output value, after "
            "summing over the window",
            _conv2d_bias_times(lambda x_shape, w_shape: w_shape[0] * w_shape[1]),
        ),
        Mistake(
            "with a stride you stepped along the rows only; the stride applies to both axes "
            "(window (i, j) starts at row i*S and column j*S)",
            _conv2d_stride(True, False),
        ),
        Mistake(
            "with a stride you stepped along the columns only; the stride applies to both axes "
            "(window (i, j) starts at row i*S and column j*S)",
            _conv2d_stride(False, True),
        ),
        Mistake(
            "you ignored the stride: window (i, j) starts at row i*S and column j*S, and there "
            "are (H - kh) // S + 1 rows of them",
            lambda x, w, b=None, stride=1, padding="valid": ops.conv2d(x, w, b, 1, padding),
        ),
        Mistake(
            "an odd number of padding zeros: Keras puts the extra zero after (bottom and right), "
            "not before",
            _conv2d_padding(_swapped),
        ),
        Mistake(
            "you put all the 'same' padding after the image (one side only); split it: "
            "total // 2 zeros before, the rest after",
            _conv2d_padding(_after),
        ),
        Mistake(
            "you put all the 'same' padding before the image (one side only); split it: "
            "total // 2 zeros before, the rest after",
            _conv2d_padding(_before),
        ),
        Mistake(
            "you padded (kh - 1) // 2 zeros on each side, which is 'same' only for an odd kernel "
            "and stride 1: pad what arithmetic.same_padding(size, kernel_size, stride) says, so "
            "the output is ceil(H / S) by ceil(W / S)",
            _conv2d_padding(_symmetric),
        ),
        Rejected(_conv2d_first_channel, says="sums over kh, kw and every input channel"),
        Rejected(_conv2d_bias_none_crashes, says="raised TypeError"),
    ],
    hints=[
        "For 'same', pad first with the zeros arithmetic.same_padding gives (the odd zero goes "
        "bottom and right), then compute a 'valid' convolution of the padded input.",
        "The (padded) input gives (H - kh) // stride + 1 rows of windows; window (i, j) starts "
        "at row i * stride and column j * stride.",
        "Each output value out[n, i, j, f] sums patch * w[..., f] over kh, kw and every input "
        "channel; then add b[f] once, when b is given.",
    ],
    success="channels summed, filters stacked, bias added, 'same' padded as Keras pads it",
)

# -- conv_parameter_count -------------------------------------------------------------------


def _positions(output_size):
    return 1 if output_size is None else output_size * output_size


def _not_an_int(trial):
    return isinstance(trial.got, bool) or not isinstance(trial.got, (int, np.integer))


def _parameter_case(*args, label):
    return Case(
        *args,
        label=label,
        message=f"{label}: expected {arithmetic.conv_parameter_count(*args):,}, got {{got}}",
    )


CONV_PARAMETER_COUNT = Exercise(
    "conv_parameter_count",
    chapter="ch06",
    answers=("conv_parameter_count",),
    reference=arithmetic.conv_parameter_count,
    cases=[
        _parameter_case(
            8, 3, 20, label="the quiz with sharing (8x8 kernels, 3 channels, 20 filters)"
        ),
        _parameter_case(
            8, 3, 20, 14, label="the quiz without sharing (every one of 14 * 14 * 20 neurons)"
        ),
        _parameter_case(3, 64, 128, label="conv_parameter_count(3, 64, 128)"),
        _parameter_case(1, 16, 8, label="conv_parameter_count(1, 16, 8)"),
        _parameter_case(5, 1, 6, 28, label="conv_parameter_count(5, 1, 6, 28)"),
    ],
    mistakes=[
        Mistake(
            "a filter spans every input channel: 8 * 8 * 3 weights, not 8 * 8",
            lambda k, c, f, out=None: (k * k + 1) * f * _positions(out),
        ),
        Mistake(
            "without sharing you forgot the biases: (8*8*3 + 1) parameters per output neuron",
            lambda k, c, f, out=None: (
                arithmetic.conv_parameter_count(k, c, f) if out is None else k * k * c * f * out**2
            ),
        ),
        Mistake(
            "without sharing each output neuron also has its own bias, not one per filter",
            lambda k, c, f, out=None: (
                arithmetic.conv_parameter_count(k, c, f)
                if out is None
                else k * k * c * f * out**2 + f
            ),
        ),
        Mistake(
            "with sharing you got 3,840: add one bias per filter",
            lambda k, c, f, out=None: k * k * c * f * _positions(out),
        ),
        Mistake(
            "output_size is the side of the square output: without sharing there are "
            "output_size * output_size positions per filter, not output_size",
            lambda k, c, f, out=None: (k * k * c + 1) * f * (1 if out is None else out),
        ),
        Mistake(
            "return an int: a number of parameters is a whole count (use // or int(...), not /)",
            lambda k, c, f, out=None: float(arithmetic.conv_parameter_count(k, c, f, out)),
            when=_not_an_int,
        ),
    ],
    hints=[
        "Count one filter first: it spans kernel_size x kernel_size pixels of every input "
        "channel, plus one bias.",
        "With sharing, every position reuses the same filters: multiply by the number of filters "
        "only.",
        "Without sharing, every output neuron (output_size x output_size positions, for every "
        "filter) has its own weights and its own bias.",
    ],
    success="3,860 with sharing, 756,560 without",
)

# -- max_pool2d -----------------------------------------------------------------------------


def _max_pool(x, pool_size=2, stride=None):
    return ops.max_pool2d(x, pool_size, stride)


def _pool_partial_windows(x, pool_size=2, stride=None):
    """Windows starting at range(0, H, stride): the partial ones at the border kept."""
    x = np.asarray(x, dtype=np.float64)
    stride = pool_size if stride is None else stride
    rows, cols = range(0, x.shape[1], stride), range(0, x.shape[2], stride)
    out = np.zeros((x.shape[0], len(rows), len(cols), x.shape[3]))
    for i, top in enumerate(rows):
        for j, left in enumerate(cols):
            out[:, i, j] = x[:, top : top + pool_size, left : left + pool_size].max(axis=(1, 2))
    return out


def _pool_across_channels(x, pool_size=2, stride=None):
    pooled = ops.max_pool2d(x, pool_size, stride)
    return np.broadcast_to(pooled.max(axis=3, keepdims=True), pooled.shape)


_RNG = np.random.default_rng(63)
_MAPS = _RNG.normal(size=(2, 7, 6, 3))

MAX_POOL2D = Exercise(
    "max_pool2d",
    chapter="ch06",
    answers=("max_pool2d",),
    reference=_max_pool,
    cases=[
        Case(
            np.arange(16.0).reshape(1, 4, 4, 1),
            label="0..15 in a 4x4 map, a 2x2 pool",
            message=lambda got, expected: (
                "for 0..15 in a 4x4 map expected [[5, 7], [13, 15]], "
                f"got {np.round(got[0, :, :, 0], 4).tolist()}"
            ),
        ),
        Case(
            _MAPS,
            3,
            label="x (2, 7, 6, 3) and pool_size=3 (output (H - 3) // 3 + 1, channels kept)",
            message="wrong values for a 3x3 pool on (2, 7, 6, 3) maps",
        ),
        Case(
            _MAPS,
            2,
            1,
            label="x (2, 7, 6, 3), pool_size=2 and stride=1",
            message="wrong values with pool_size=2 and stride=1: the windows overlap, step 1",
        ),
    ],
    mistakes=[
        Mistake(
            "your windows overlap: with stride=None the stride is the pool size, so the windows "
            "sit side by side",
            lambda x, pool_size=2, stride=None: ops.max_pool2d(x, pool_size, stride or 1),
        ),
        Mistake(
            "you averaged each window; max pooling keeps its largest value",
            lambda x, pool_size=2, stride=None: ops.avg_pool2d(x, pool_size, stride),
        ),
        Mistake(
            "you ignored pool_size: each window is pool_size x pool_size",
            lambda x, pool_size=2, stride=None: ops.max_pool2d(x, 2, stride),
        ),
        Mistake(
            "pool each channel on its own: take the max over the window's rows and columns only",
            _pool_across_channels,
        ),
        Mistake(
            "you kept the partial windows at the border: a window that does not fit inside the "
            "map is dropped, so there are (H - pool_size) // stride + 1 rows of windows",
            _pool_partial_windows,
        ),
        Mistake(
            "you ignored the stride argument: with stride=1 the windows step by 1 (and overlap)",
            lambda x, pool_size=2, stride=None: ops.max_pool2d(x, pool_size),
        ),
    ],
    hints=[
        "When stride is None, use stride = pool_size: the windows sit side by side.",
        "There are (H - pool_size) // stride + 1 rows of windows, and as many columns by the "
        "same rule; a window that does not fit is dropped.",
        "Take the max of each window over its rows and columns only, so that every channel is "
        "pooled on its own.",
    ],
    success="non-overlapping windows by default, channels pooled separately",
)

# -- sobel_magnitude ------------------------------------------------------------------------


def _gradients(image):
    image = np.asarray(image, dtype=np.float64)
    return filters.sobel_x(image), filters.sobel_y(image)


def _same_shape_as_image(trial):
    return np.shape(trial.value) == np.shape(trial.original[0])


def _one_filter_only(trial):
    gx, gy = _gradients(trial.original[0])
    return not close(trial.value, trial.expected, rtol=1e-5, atol=1e-6) and any(
        close(trial.value, candidate, rtol=1e-5, atol=1e-6)
        for candidate in (np.abs(gx), np.abs(gy), gx, gy)
    )


def _rescaled(trial):
    value, expected = np.ravel(trial.value), np.ravel(trial.expected)
    if value.shape != expected.shape or close(value, expected, rtol=1e-5, atol=1e-6):
        return False
    if np.ptp(value) == 0 or np.ptp(expected) == 0:
        return False
    return np.corrcoef(value, expected)[0, 1] > 1 - 1e-9


def _sobel_wrapping(image):
    """Sobel filters computed in the image's own dtype: uint8 arithmetic wraps around."""
    image = np.asarray(image)
    height, width = image.shape

    def gradient(kernel):
        total = np.zeros((height - 2, width - 2), dtype=image.dtype)
        for (u, v), weight in np.ndenumerate(kernel):
            term = image[u : u + height - 2, v : v + width - 2] * image.dtype.type(abs(weight))
            total = total + term if weight > 0 else total - term if weight < 0 else total
        return total.astype(np.float64)

    with np.errstate(over="ignore"):
        return np.hypot(gradient(filters.SOBEL_X), gradient(filters.SOBEL_Y))


SOBEL_MISTAKES = [
    Mistake(
        "you added |Gx| + |Gy|; the magnitude is sqrt(Gx² + Gy²)",
        lambda image: np.abs(_gradients(image)[0]) + np.abs(_gradients(image)[1]),
    ),
    Mistake(
        "take the square root of Gx² + Gy²",
        lambda image: _gradients(image)[0] ** 2 + _gradients(image)[1] ** 2,
    ),
    Mistake(
        "the output has the image's shape: use no padding ('valid'), so a 3x3 filter gives "
        "(H - 2, W - 2)",
        lambda image: np.hypot(
            filters.filter2d(image, filters.SOBEL_X, "same"),
            filters.filter2d(image, filters.SOBEL_Y, "same"),
        ),
        when=_same_shape_as_image,
    ),
    Mistake(
        "use both Sobel filters, x and y, and combine them",
        lambda image: np.abs(_gradients(image)[1]),
        when=_one_filter_only,
    ),
    Mistake(
        "your magnitude is rescaled (divided by its maximum or by 8, or stretched to 0-255): "
        "return the raw sqrt(Gx² + Gy²)",
        lambda image: (
            255 * filters.gradient_magnitude(image) / filters.gradient_magnitude(image).max()
        ),
        when=_rescaled,
    ),
    Rejected(_sobel_wrapping, says="wraps around"),
]


def _sobel_cases(image):
    """The same image as floats, then as given (a uint8 photo): the second catches uint8
    arithmetic, which wraps around."""
    image = np.asarray(image)
    shape = "x".join(map(str, image.shape))
    cases = [
        Case(
            image.astype(np.float64),
            label=f"a {shape} image (as floats)",
            rtol=1e-5,
            atol=1e-6,
            message="wrong values: Gx and Gy are the Sobel x and y filters slid over the image "
            "with no padding",
        )
    ]
    if image.dtype.kind != "f":
        cases.append(
            Case(
                image,
                label=f"the same {shape} image as {image.dtype}",
                rtol=1e-5,
                atol=1e-6,
                message=f"right on floats, wrong on the same image as {image.dtype}: "
                f"{image.dtype} arithmetic wraps around (250 + 10 gives 4); convert the image "
                "to float first",
            )
        )
    return cases


def sobel_exercise(image=None):
    """The sobel_magnitude exercise on ``image`` (default: a random 12x15 uint8 image).

    Taught in: chapter 06, "Edges on a real photo".
    """
    if image is None:
        image = np.random.default_rng(64).integers(0, 256, size=(12, 15)).astype(np.uint8)
    return Exercise(
        "sobel_magnitude",
        chapter="ch06",
        answers=("sobel_magnitude",),
        reference=filters.gradient_magnitude,
        cases=_sobel_cases(image),
        mistakes=SOBEL_MISTAKES,
        hints=[
            "Slide filters.SOBEL_X and filters.SOBEL_Y over the image with no padding (your "
            "conv2d_single does that).",
            "Convert the image to float first: uint8 arithmetic wraps around.",
            "Combine the two gradients as the length of a vector (Gx, Gy).",
        ],
        success="sqrt(Gx² + Gy²) with 'valid' Sobel filters",
    )


SOBEL_MAGNITUDE = sobel_exercise()


def check_sobel_magnitude(sobel_magnitude, image=None):
    """Check ``sobel_magnitude(image)``: sqrt(Gx² + Gy²) with 'valid' Sobel filters.

    Args:
        sobel_magnitude: The learner's function.
        image: A grayscale photo (H, W) to check it on; default a random uint8 image.

    Returns:
        CheckResult: truthy when correct, with a hint when not.
    """
    exercise = SOBEL_MAGNITUDE if image is None else sobel_exercise(image)
    return exercise.check(sobel_magnitude)


check_sobel_magnitude.exercise = SOBEL_MAGNITUDE

# -- build_mnist_cnn ------------------------------------------------------------------------


def _book_cnn(
    input_shape=(28, 28, 1),
    filters_per_conv=(64, 64, 128, 128),
    kernel_size=3,
    padding="same",
    conv_activation="relu",
    pool=True,
    flatten=True,
    hidden_units=None,
    output_activation="softmax",
    compiled=False,
):
    """The book's MNIST CNN with one thing changed, as a learner might build it (Sequential)."""
    import keras
    from keras import layers

    stack = [keras.Input(shape=input_shape)]
    for index, filters_ in enumerate(filters_per_conv):
        if index == 2 and pool:
            stack.append(layers.MaxPooling2D(2))
        stack.append(
            layers.Conv2D(filters_, kernel_size, padding=padding, activation=conv_activation)
        )
    if flatten:
        stack.append(layers.Flatten())
    if hidden_units:
        stack.append(layers.Dense(hidden_units, activation="relu"))
    stack.append(layers.Dense(10, activation=output_activation))
    model = keras.Sequential(stack)
    if compiled:
        model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _verify_mnist_cnn(answers):
    from deepvision.checks.architecture import check_builder

    # Keras draws a seed from Python's random module for every layer it builds without one:
    # building the two models must not move the learner's random stream.
    state = random.getstate()
    try:
        return check_builder(answers["build_mnist_cnn"], models.mnist_cnn, "build_mnist_cnn")
    finally:
        random.setstate(state)


BUILD_MNIST_CNN = Exercise(
    "build_mnist_cnn",
    chapter="ch06",
    answers=("build_mnist_cnn",),
    reference=models.mnist_cnn,
    verify=_verify_mnist_cnn,
    mistakes=[
        Mistake("your model has no MaxPooling2D layer; expected 1", lambda: _book_cnn(pool=False)),
        Mistake(
            "the 1st Conv2D has padding='valid'; expected padding='same'",
            lambda: _book_cnn(padding="valid"),
        ),
        Mistake(
            "the 4th Conv2D has filters=64; expected filters=128",
            lambda: _book_cnn(filters_per_conv=(64, 64, 128, 64)),
        ),
        Mistake(
            "the 1st Conv2D has kernel_size=(5, 5); expected kernel_size=(3, 3)",
            lambda: _book_cnn(kernel_size=5),
        ),
        Mistake(
            "your model has 3 Conv2D layers; expected 4",
            lambda: _book_cnn(filters_per_conv=(64, 64, 128)),
        ),
        Mistake("your model has no Flatten layer; expected 1", lambda: _book_cnn(flatten=False)),
        Mistake("your model has 2 Dense layers; expected 1", lambda: _book_cnn(hidden_units=128)),
        Mistake(
            "the 1st Conv2D (3x3, 64 filters) has no activation; expected ReLU",
            lambda: _book_cnn(conv_activation=None),
        ),
        Mistake(
            "the 1st Dense (10 units) is followed by ReLU; expected softmax",
            lambda: _book_cnn(output_activation="relu"),
        ),
        Mistake(
            "the 1st Dense (10 units) has no activation; expected softmax",
            lambda: _book_cnn(output_activation=None),
        ),
        Mistake(
            "input shape is (28, 28, 3); expected (28, 28, 1)",
            lambda: _book_cnn(input_shape=(28, 28, 3)),
        ),
    ],
    hints=[
        "Start from keras.Input(shape=(28, 28, 1)); a Sequential model or the functional API "
        "both work.",
        "Two 64-filter convolutions, a 2x2 max-pool, then two 128-filter convolutions: 3x3 "
        "kernels, padding='same', ReLU.",
        "Flatten the feature maps before the last layer: Dense with 10 units and softmax.",
    ],
    success="the book's CNN: 7 layers and 509,898 parameters",
    keras=True,
)

# -- max_pool2d_backward (capstone) ---------------------------------------------------------


def _pool_backward(dout, x, pool_size=2):
    _, cache = ops.max_pool2d_forward(x, pool_size)
    return ops.max_pool2d_backward(dout, cache)


def _pool_backward_everywhere(dout, x, pool_size=2):
    """Every cell of a window gets the window's gradient (an upsampling, not a max's gradient)."""
    x = np.asarray(x, dtype=np.float64)
    spread = np.repeat(np.repeat(np.asarray(dout, float), pool_size, 1), pool_size, 2)
    dx = np.zeros_like(x)
    dx[:, : spread.shape[1], : spread.shape[2]] = spread
    return dx


def _pool_backward_average(dout, x, pool_size=2):
    return _pool_backward_everywhere(dout, x, pool_size) / pool_size**2


def _pool_backward_values(dout, x, pool_size=2):
    """The gradient routed to the maxima, times the maximum (x * dout): the forward's value."""
    return _pool_backward(dout, x, pool_size) * np.asarray(x, dtype=np.float64)


def _pool_backward_across_channels(dout, x, pool_size=2):
    """Each window's gradient to the largest cell over all channels (channels mixed)."""
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    dx = np.zeros_like(x)
    n, out_h, out_w, c = dout.shape
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, i * pool_size : (i + 1) * pool_size, j * pool_size : (j + 1) * pool_size]
            flat = window.reshape(n, -1)
            for image in range(n):
                u, v, channel = np.unravel_index(flat[image].argmax(), window.shape[1:])
                dx[image, i * pool_size + u, j * pool_size + v, channel] += dout[image, i, j].sum()
    return dx


_RNG = np.random.default_rng(64)
_POOL_X = _RNG.normal(size=(2, 7, 6, 3))

MAX_POOL2D_BACKWARD = Exercise(
    "max_pool2d_backward",
    chapter="ch06",
    answers=("max_pool2d_backward",),
    reference=_pool_backward,
    cases=[
        Case(
            np.ones((1, 2, 2, 1)),
            np.arange(16.0).reshape(1, 4, 4, 1),
            label="dout of ones on 0..15 in a 4x4 map, a 2x2 pool",
            message=lambda got, expected: (
                "for 0..15 in a 4x4 map only the maxima 5, 7, 13 and 15 get a gradient (1 each), "
                f"got {np.round(np.asarray(got)[0, :, :, 0], 3).tolist()}"
            ),
        ),
        Case(
            _RNG.normal(size=(2, 3, 3, 3)),
            _POOL_X[:, :6],
            label="x (2, 6, 6, 3), a random dout (2, 3, 3, 3)",
            message="wrong gradient for x (2, 6, 6, 3) and a random dout",
        ),
        Case(
            _RNG.normal(size=(2, 2, 2, 3)),
            _POOL_X,
            3,
            label="x (2, 7, 6, 3) and pool_size=3 (row 6 is in no window)",
            message="wrong gradient for a 3x3 pool on (2, 7, 6, 3) maps: the cells no window "
            "covers get 0",
        ),
    ],
    mistakes=[
        Mistake(
            "you gave every cell of a window the window's gradient: only the cell that held the "
            "maximum changes the output, so only it gets dout; the others get 0",
            _pool_backward_everywhere,
        ),
        Mistake(
            "you divided the gradient among the window's cells: that is average pooling's "
            "backward pass; max pooling sends all of it to the maximum",
            _pool_backward_average,
        ),
        Mistake(
            "you multiplied by x: the maximum passes its input through unchanged (slope 1), so "
            "the maximum's cell gets dout itself",
            _pool_backward_values,
        ),
        Mistake(
            "pool each channel on its own: look for the maximum of each channel's window, and "
            "give it that channel's gradient",
            _pool_backward_across_channels,
        ),
    ],
    hints=[
        "dx has the shape of x and starts at zero.",
        "For each window (and each image and channel), find where its maximum is, for example "
        "with np.unravel_index(np.argmax(window), window.shape).",
        "Add dout[n, i, j, c] at that cell of dx: the max is the identity on its winner and "
        "ignores the other cells.",
    ],
    success="each window's gradient goes to its maximum, channel by channel",
)

# -- learn_kernel (capstone) ----------------------------------------------------------------


def _learn_kernel(x, y, steps=300, lr=0.5):
    """Gradient descent on L(k) = mean((conv(x, k) - y)^2) / 2, with conv2d_forward/backward."""
    x = np.asarray(x, dtype=np.float64)[..., None]
    y = np.asarray(y, dtype=np.float64)[..., None]
    kernel = np.zeros((3, 3, 1, 1))
    for _ in range(steps):
        out, cache = ops.conv2d_forward(x, kernel)
        _, dw, _ = ops.conv2d_backward((out - y) / y.size, cache)
        kernel -= lr * dw
    return kernel[:, :, 0, 0]


def _kernel_case(seed, hidden, label, count=8, size=10):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(count, size, size))
    y = ops.conv2d(x[..., None], np.asarray(hidden, float)[:, :, None, None])[..., 0]
    return Case(
        x,
        y,
        label=label,
        compare=lambda got, expected: (
            np.shape(got) == (3, 3) and np.allclose(np.asarray(got, float), expected, atol=0.02)
        ),
        numeric=True,
        message=lambda got, expected: (
            f"for {label} your kernel is {np.round(np.asarray(got, float), 2).tolist()}; the "
            f"hidden one is {np.round(expected, 2).tolist()} (each weight within 0.02)"
        ),
    )


def _blown_up(trial):
    value = np.asarray(trial.value, dtype=np.float64)
    if value.shape != (3, 3):
        return False
    return (
        not np.all(np.isfinite(value)) or np.abs(value).max() > 100 * np.abs(trial.expected).max()
    )


def _barely_trained(trial):
    value = np.asarray(trial.value, dtype=np.float64)
    if value.shape != (3, 3) or not np.all(np.isfinite(value)):
        return False
    error, scale = np.abs(value - trial.expected).max(), np.abs(trial.expected).max()
    return 0.02 < error and np.abs(value).max() < 0.9 * scale


LEARN_KERNEL = Exercise(
    "learn_kernel",
    chapter="ch06",
    answers=("learn_kernel",),
    reference=_learn_kernel,
    cases=[
        _kernel_case(65, filters.SOBEL_X, "images filtered by a hidden vertical-edge filter"),
        _kernel_case(
            66,
            np.array([[0.5, -1.0, 0.0], [2.0, 0.25, -0.5], [0.0, 1.0, -2.0]]),
            "images filtered by a hidden random-looking filter",
        ),
    ],
    mistakes=[
        Mistake(
            "your kernel is the hidden one flipped: you computed a true convolution; Keras and "
            "this course slide the kernel unflipped (cross-correlation), so use ops.conv2d",
            lambda x, y, steps=300, lr=0.5: _learn_kernel(x, y, steps, lr)[::-1, ::-1],
        ),
        Mistake(
            "your weights grew without bound (NaN or infinity): step *against* the gradient, "
            "kernel -= lr * dw, with a learning rate small enough (about 0.1 to 1 here)",
            lambda x, y, steps=300, lr=0.5: _learn_kernel(x, y, 60, -lr),
            when=_blown_up,
        ),
        Mistake(
            "your kernel moved towards the hidden one but stopped far from it: take more steps "
            "or a larger learning rate (the loss should fall to about 0)",
            lambda x, y, steps=300, lr=0.5: _learn_kernel(x, y, 3, 0.05),
            when=_barely_trained,
        ),
    ],
    hints=[
        "Start from a kernel of zeros, shape (3, 3, 1, 1), and add a channel axis to x and y.",
        "Each step: out, cache = ops.conv2d_forward(x, kernel); the loss's gradient with respect "
        "to out is (out - y) / y.size; ops.conv2d_backward gives dw.",
        "kernel -= lr * dw, a few hundred times; then return kernel[:, :, 0, 0].",
    ],
    success="the hidden filter recovered to within 0.02 from input/output pairs",
)

# -- diagonal_filter (designed, graded by outcome) ------------------------------------------


def diagonal_test_images(size=9):
    """The images the diagonal-filter exercise measures a filter on: thin lines and a flat one.

    Returns:
        dict name -> (size, size) array: ``"diagonal \\"`` (top-left to bottom-right),
        ``"diagonal /"``, ``"vertical"``, ``"horizontal"`` (lines one pixel wide, value 1 on 0)
        and ``"flat"`` (all ones).
    """
    eye = np.eye(size)
    vertical = np.zeros((size, size))
    vertical[:, size // 2] = 1.0
    return {
        "diagonal \\": eye,
        "diagonal /": eye[:, ::-1].copy(),
        "vertical": vertical,
        "horizontal": vertical.T.copy(),
        "flat": np.ones((size, size)),
    }


DIAGONAL_RATIO = 2.0
_FLAT = "your filter responds to a flat image: make its weights add up to 0"
_WEAK = "your filter does not respond strongly (positively) to the \\ diagonal line"
_OTHER_DIAGONAL = (
    "your filter detects the other diagonal, /, from bottom-left to top-right: the \\ line "
    "runs from the top-left corner to the bottom-right one"
)
_OTHERS = "your filter responds to another line almost as strongly as to the \\ diagonal"


def _verify_diagonal_filter(answers):
    kernel = call("diagonal_filter", answers["diagonal_filter"])
    kernel = np.asarray(as_array("diagonal_filter", kernel), dtype=np.float64)
    if kernel.shape != (3, 3):
        raise CaseFailed(f"diagonal_filter returned shape {kernel.shape}; expected (3, 3)")
    responses = {
        name: filters.filter2d(image, kernel, "valid")
        for name, image in diagonal_test_images().items()
    }
    scale = max(np.abs(kernel).sum(), 1e-12)
    if np.abs(responses["flat"]).max() > 1e-6 * scale:
        raise CaseFailed(f"{_FLAT} (they add up to {kernel.sum():g})")
    target = responses["diagonal \\"].max()
    if responses["diagonal /"].max() > max(target, 1e-6 * scale):
        raise CaseFailed(_OTHER_DIAGONAL)
    if target <= 1e-6 * scale:
        raise CaseFailed(f"{_WEAK} (its largest response there is {target:g})")
    others = {
        name: float(np.abs(values).max())
        for name, values in responses.items()
        if name not in ("diagonal \\", "flat")
    }
    worst = max(others, key=others.get)
    if others[worst] * DIAGONAL_RATIO > target:
        raise CaseFailed(
            f"{_OTHERS}: {others[worst]:g} on the {worst} line against {target:g}; the diagonal "
            f"must win by {DIAGONAL_RATIO:g} times at least"
        )
    ratio = "infinitely" if max(others.values()) == 0 else f"{target / max(others.values()):.1f}x"
    return f"\\ line {target:g}, other lines at most {max(others.values()):g} ({ratio} stronger)"


DIAGONAL_FILTER = Exercise(
    "diagonal_filter",
    chapter="ch06",
    answers=("diagonal_filter",),
    reference=lambda: np.array([[2.0, -1.0, -1.0], [-1.0, 2.0, -1.0], [-1.0, -1.0, 2.0]]),
    verify=_verify_diagonal_filter,
    mistakes=[
        Mistake(_FLAT, lambda: np.eye(3)),
        Mistake(_OTHERS, lambda: filters.SOBEL_X),
        Mistake(
            _OTHER_DIAGONAL,
            lambda: np.array([[-1.0, -1.0, 2.0], [-1.0, 2.0, -1.0], [2.0, -1.0, -1.0]]),
        ),
        Mistake(_WEAK, lambda: np.zeros((3, 3))),
        Rejected(lambda: np.ones(4), says="expected (3, 3)"),
    ],
    hints=[
        "The book's horizontal line detector (section 2) gives weights 2 along its line and -1 "
        "elsewhere: a positive response on the line, 0 on a flat patch.",
        "Put the positive weights where a \\ line crosses a 3x3 window, the negative ones "
        "elsewhere, so that all nine add up to 0.",
        "Check your filter on the lines of checks.ch06.diagonal_test_images() with "
        "filters.filter2d.",
    ],
    success="a \\ line detector",
)

EXERCISES = [
    CONV1D,
    CONV2D_SINGLE,
    OUTPUT_SIZE,
    CONV2D,
    CONV_PARAMETER_COUNT,
    MAX_POOL2D,
    MAX_POOL2D_BACKWARD,
    SOBEL_MAGNITUDE,
    DIAGONAL_FILTER,
    BUILD_MNIST_CNN,
    LEARN_KERNEL,
]

check_conv1d = CONV1D.checker("check_conv1d")
check_conv2d_single = CONV2D_SINGLE.checker("check_conv2d_single")
check_output_size = OUTPUT_SIZE.checker("check_output_size")
check_conv2d = CONV2D.checker("check_conv2d")
check_conv_parameter_count = CONV_PARAMETER_COUNT.checker("check_conv_parameter_count")
check_max_pool2d = MAX_POOL2D.checker("check_max_pool2d")
check_mnist_cnn = BUILD_MNIST_CNN.checker("check_mnist_cnn")
check_max_pool2d_backward = MAX_POOL2D_BACKWARD.checker("check_max_pool2d_backward")
check_learn_kernel = LEARN_KERNEL.checker("check_learn_kernel")
check_diagonal_filter = DIAGONAL_FILTER.checker("check_diagonal_filter")
