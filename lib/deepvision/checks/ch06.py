"""Checkers for chapter 06, "Convolutional neural networks".

Each checker runs the learner's function on cases whose answers come from the reference
implementations in :mod:`deepvision.ops` and names the usual mistake behind a wrong answer: a
flipped kernel (true convolution instead of Keras' cross-correlation), a stride applied along one
axis only, "same" padding put on one side, pooling windows that overlap.

Taught in: chapter 06 (the exercises).
"""

from __future__ import annotations

import math

import numpy as np

from deepvision import ops
from deepvision.checks._core import CaseFailed, as_array, call, close, run
from deepvision.ops import arithmetic, filters


def _flip(kernel):
    """Rotate a kernel by 180 degrees in its two spatial axes (true convolution)."""
    return kernel[::-1, ::-1, ...]


def check_conv1d(conv1d):
    """Check ``conv1d(sequence, weights)``: the sliding dot product, m - n + 1 outputs, no flip."""
    name = "conv1d"

    def cases():
        sequence, weights = np.array([1.0, 2.0, 4.0, 7.0, 11.0]), np.array([1.0, 0.0, -1.0])
        got = as_array(name, call(name, conv1d, sequence.copy(), weights.copy()))
        expected = ops.conv1d(sequence, weights)  # [-3, -5, -7]
        if got.shape != expected.shape:
            if got.shape == (len(sequence) - len(weights),):
                raise CaseFailed(
                    "one output too few: there are m - n + 1 positions (k = 0 ... m - n), "
                    "use range(len(sequence) - len(weights) + 1)"
                )
            raise CaseFailed(
                f"for a sequence of 5 and weights of 3 expected {expected.shape[0]} outputs "
                f"(m - n + 1, no padding), got shape {got.shape}"
            )
        if close(got, np.convolve(sequence, weights, mode="valid")):
            raise CaseFailed(
                "you flipped the weights (np.convolve does): slide them as they are, "
                "c[k] = sum_t s[k + t] * w[t], as Keras does"
            )
        if not close(got, expected):
            raise CaseFailed(f"for s={sequence}, w={weights} expected {expected}, got {got}")
        rng = np.random.default_rng(60)
        sequence, weights = rng.normal(size=12), rng.normal(size=4)
        got = as_array(name, call(name, conv1d, sequence.copy(), weights.copy()), (9,))
        if not close(got, ops.conv1d(sequence, weights)):
            raise CaseFailed("wrong on a random sequence of 12 with weights of 4")
        return "sliding dot product, m - n + 1 outputs, weights not flipped"

    return run(name, cases)


def _single(image, kernel, stride_rows, stride_cols):
    full = ops.conv2d(image[None, :, :, None], kernel[:, :, None, None])[0, :, :, 0]
    return full[::stride_rows, ::stride_cols]


def check_conv2d_single(conv2d_single):
    """Check ``conv2d_single(image, kernel, stride=1)``: one channel, one filter, no padding."""
    name = "conv2d_single"

    def cases():
        line, square = np.array([[200.0, 200.0], [0.0, 0.0]]), np.full((2, 2), 200.0)
        detector = filters.BOOK_LINE_DETECTOR
        got = as_array(name, call(name, conv2d_single, line.copy(), detector.copy()), (1, 1))
        if not close(got, [[600.0]]):
            raise CaseFailed(f"the line detector on the book's line should give 600, got {got}")
        got = as_array(name, call(name, conv2d_single, square.copy(), detector.copy()), (1, 1))
        if not close(got, [[0.0]]):
            raise CaseFailed(f"the line detector on a flat square should give 0, got {got}")
        rng = np.random.default_rng(61)
        image = rng.integers(0, 10, size=(6, 7)).astype(float)
        kernel = np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]])
        expected = _single(image, kernel, 1, 1)
        got = as_array(name, call(name, conv2d_single, image.copy(), kernel.copy()))
        if got.shape != expected.shape:
            raise CaseFailed(
                f"a 6x7 image and a 2x3 kernel give a {expected.shape[0]}x{expected.shape[1]} "
                f"output (H - kh + 1, W - kw + 1), got shape {got.shape}"
            )
        if close(got, _single(image, _flip(kernel), 1, 1)):
            raise CaseFailed(
                "you flipped the kernel (a true convolution); Keras and this course slide it "
                "as it is (cross-correlation)"
            )
        if not close(got, expected):
            raise CaseFailed("wrong values for a 6x7 image and a 2x3 kernel, stride 1")
        image = rng.normal(size=(9, 8))
        kernel = rng.normal(size=(3, 3))
        expected = _single(image, kernel, 2, 2)
        got = as_array(name, call(name, conv2d_single, image.copy(), kernel.copy(), 2))
        for rows, cols, what in ((2, 1, "rows"), (1, 2, "columns")):
            if close(got, _single(image, kernel, rows, cols)):
                raise CaseFailed(
                    f"with stride 2 you stepped 2 along the {what} only; the stride applies "
                    "to both axes (window (i, j) starts at row i*S and column j*S)"
                )
        if got.shape == (7, 6):
            raise CaseFailed("with stride 2 the output is smaller: you ignored the stride")
        if got.shape != expected.shape:
            raise CaseFailed(
                f"a 9x8 image, 3x3 kernel, stride 2: expected shape {expected.shape} "
                f"((H - kh) // S + 1), got {got.shape}"
            )
        if not close(got, expected):
            raise CaseFailed(
                "wrong values with stride 2: window (i, j) covers rows i*S to i*S + kh - 1 and "
                "columns j*S to j*S + kw - 1"
            )
        return "600 on the line, 0 on the square, strides on both axes, kernel not flipped"

    return run(name, cases)


def _one_sided(x, w, b, stride, where):
    kh, kw = w.shape[:2]
    top, bottom = arithmetic.same_padding(x.shape[1], kh, stride)
    left, right = arithmetic.same_padding(x.shape[2], kw, stride)
    if where == "after":
        pads = ((0, top + bottom), (0, left + right))
    elif where == "before":
        pads = ((top + bottom, 0), (left + right, 0))
    else:  # the odd zero on top/left instead of bottom/right
        pads = ((bottom, top), (right, left))
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    return ops.conv2d(xp, w, b, stride, "valid")


def check_conv2d(conv2d):
    """Check ``conv2d(x, w, b, stride=1, padding="valid")`` on batches (N, H, W, C_in)."""
    name = "conv2d"

    def cases():
        rng = np.random.default_rng(62)
        x = rng.normal(size=(2, 5, 6, 3))
        w = rng.normal(size=(3, 2, 3, 4))
        b = rng.normal(size=4)
        expected = ops.conv2d(x, w, b)
        got = as_array(name, call(name, conv2d, x.copy(), w.copy(), b.copy()))
        if got.shape != expected.shape:
            raise CaseFailed(
                f"x (2, 5, 6, 3) and w (3, 2, 3, 4) with 'valid' padding give shape "
                f"{expected.shape}: (N, H - kh + 1, W - kw + 1, C_out); got {got.shape}"
            )
        if close(got, ops.conv2d(x, _flip(w), b)):
            raise CaseFailed("you flipped the kernel; slide it as it is (cross-correlation)")
        if close(got, ops.conv2d(x, w)):
            raise CaseFailed("you forgot the bias: add b[f] to every value of feature map f")
        if close(got, ops.conv2d(x, w, 3 * b)) or close(got, ops.conv2d(x, w, b * 6)):
            raise CaseFailed("add the bias once per output value, after summing over channels")
        if not close(got, expected):
            raise CaseFailed(
                "wrong values with 3 input channels and 4 filters: each output sums over "
                "kh, kw and every input channel, out[n, i, j, f] = b[f] + sum w[..., f] * patch"
            )
        x = rng.normal(size=(1, 6, 5, 2))
        w = rng.normal(size=(3, 3, 2, 2))
        expected = ops.conv2d(x, w, None, 1, "same")
        got = as_array(name, call(name, conv2d, x.copy(), w.copy(), None, 1, "same"))
        if got.shape != expected.shape:
            raise CaseFailed(
                f"'same' with stride 1 keeps height and width: expected {expected.shape}, "
                f"got {got.shape}"
            )
        for where in ("after", "before"):
            if close(got, _one_sided(x, w, None, 1, where)):
                raise CaseFailed(
                    f"you put all the 'same' padding {where} the image (one side only); "
                    "split it: total // 2 zeros before, the rest after"
                )
        if not close(got, expected):
            raise CaseFailed("wrong values with padding='same', a 3x3 kernel and stride 1")
        x = rng.normal(size=(2, 7, 8, 3))
        w = rng.normal(size=(2, 2, 3, 5))
        b = rng.normal(size=5)
        expected = ops.conv2d(x, w, b, 2, "same")
        got = as_array(name, call(name, conv2d, x.copy(), w.copy(), b.copy(), 2, "same"))
        if got.shape != expected.shape:
            raise CaseFailed(
                f"'same' with stride 2 on 7x8 gives ceil(7/2) x ceil(8/2) = 4x4: expected "
                f"{expected.shape}, got {got.shape}"
            )
        if close(got, _one_sided(x, w, b, 2, "swapped")):
            raise CaseFailed(
                "an odd number of padding zeros: Keras puts the extra zero after (bottom and "
                "right), not before"
            )
        if not close(got, expected):
            raise CaseFailed("wrong values with padding='same', a 2x2 kernel and stride 2")
        x = rng.normal(size=(1, 9, 9, 1))
        w = rng.normal(size=(3, 3, 1, 2))
        expected = ops.conv2d(x, w, None, 3, "valid")
        got = as_array(name, call(name, conv2d, x.copy(), w.copy(), None, 3, "valid"))
        if not close(got, expected):
            raise CaseFailed("wrong result with stride 3 and 'valid' padding on a 9x9 image")
        return "channels summed, filters stacked, bias added, 'same' padded as Keras pads it"

    return run(name, cases)


def check_output_size(output_size):
    """Check ``output_size(size, kernel_size, stride, padding)`` for "valid", "same" and ints."""
    name = "output_size"

    def expect(size, kernel_size, stride, padding):
        got = call(name, output_size, size, kernel_size, stride, padding)
        if isinstance(got, float) and not float(got).is_integer():
            raise CaseFailed(
                f"output_size({size}, {kernel_size}, {stride}, {padding!r}) returned {got}: a "
                "size is a whole number of window positions; round as the rule says"
            )
        if isinstance(got, bool) or not isinstance(got, (int, np.integer, float, np.floating)):
            raise CaseFailed(f"return an int, got {type(got).__name__}")
        return int(got)

    def cases():
        book = [
            (4, 2, 1, 0, 3),
            (4, 2, 2, 0, 2),
            (4, 3, 1, 1, 4),
            (32, 8, 2, 1, 14),
            (6, 3, 2, 0, 2),
        ]
        for size, k, s, p, want in book:
            got = expect(size, k, s, p)
            if got != want:
                if got == (size + p - k) // s + 1:
                    raise CaseFailed(
                        f"padding P={p} adds zeros on both sides: use W + 2P - K, not W + P - K"
                    )
                raise CaseFailed(
                    f"W={size}, K={k}, S={s}, P={p}: expected (W + 2P - K) // S + 1 = {want}, "
                    f"got {got}"
                )
        for size, k, s in [(32, 8, 2), (7, 3, 2), (28, 3, 1), (5, 2, 3), (10, 4, 4)]:
            same, valid = math.ceil(size / s), math.ceil((size - k + 1) / s)
            got = expect(size, k, s, "same")
            if got != same:
                if got == size:
                    raise CaseFailed(
                        f"'same' with stride {s}: the output is ceil(W / S) = {same}, not W; "
                        "'same' keeps the size only when the stride is 1"
                    )
                if got == size // s:
                    raise CaseFailed(f"'same' rounds up: ceil({size} / {s}) = {same}, not {got}")
                raise CaseFailed(f"W={size}, K={k}, S={s}, 'same': expected {same}, got {got}")
            got = expect(size, k, s, "valid")
            if got != valid:
                if got == math.ceil((size - k) / s):
                    raise CaseFailed(
                        f"'valid': ceil((W - K + 1) / S) = {valid}; you forgot the + 1"
                    )
                raise CaseFailed(f"W={size}, K={k}, S={s}, 'valid': expected {valid}, got {got}")
        return "explicit padding, 'same' = ceil(W/S), 'valid' = ceil((W-K+1)/S)"

    return run(name, cases)


def check_max_pool2d(max_pool2d):
    """Check ``max_pool2d(x, pool_size=2, stride=None)``: stride defaults to pool_size."""
    name = "max_pool2d"

    def cases():
        x = np.arange(16.0).reshape(1, 4, 4, 1)
        got = as_array(name, call(name, max_pool2d, x.copy()))
        if got.shape == (1, 3, 3, 1):
            raise CaseFailed(
                "on a 4x4 map a 2x2 pool gave 3x3: your windows overlap. With stride=None "
                "the stride is the pool size, so the windows sit side by side"
            )
        if got.shape != (1, 2, 2, 1):
            raise CaseFailed(f"a 2x2 pool on a 4x4 map gives (1, 2, 2, 1), got {got.shape}")
        if close(got, ops.avg_pool2d(x)):
            raise CaseFailed("you averaged each window; max pooling keeps its largest value")
        if not close(got, ops.max_pool2d(x)):
            raise CaseFailed(
                f"for 0..15 in a 4x4 map expected [[5, 7], [13, 15]], got {got[0, :, :, 0]}"
            )
        rng = np.random.default_rng(63)
        x = rng.normal(size=(2, 7, 6, 3))
        expected = ops.max_pool2d(x, 3)
        got = as_array(name, call(name, max_pool2d, x.copy(), 3))
        if got.shape == (2, 5, 4, 3):
            raise CaseFailed("pool_size=3 windows overlap in your answer: step by 3 by default")
        if got.shape != expected.shape:
            raise CaseFailed(
                f"x (2, 7, 6, 3), pool 3: expected {expected.shape} ((H - 3) // 3 + 1, channels "
                f"kept), got {got.shape}"
            )
        if close(got, np.broadcast_to(expected.max(axis=3, keepdims=True), expected.shape)):
            raise CaseFailed("pool each channel on its own: take the max over the window only")
        if not close(got, expected):
            raise CaseFailed("wrong values for a 3x3 pool on (2, 7, 6, 3) maps")
        expected = ops.max_pool2d(x, 2, 1)
        got = as_array(name, call(name, max_pool2d, x.copy(), 2, 1), expected.shape)
        if not close(got, expected):
            raise CaseFailed("with an explicit stride=1 the windows should overlap (step 1)")
        return "non-overlapping windows by default, channels pooled separately"

    return run(name, cases)


def check_sobel_magnitude(sobel_magnitude, image=None):
    """Check ``sobel_magnitude(image)``: sqrt(Gx² + Gy²) with 'valid' Sobel filters."""
    name = "sobel_magnitude"

    def cases():
        nonlocal image
        if image is None:
            image = np.random.default_rng(64).integers(0, 256, size=(12, 15)).astype(np.uint8)
        image_f = np.asarray(image, dtype=np.float64)
        expected = filters.gradient_magnitude(image_f)
        got = as_array(name, call(name, sobel_magnitude, np.array(image)))
        if got.shape == image_f.shape:
            raise CaseFailed(
                f"the output has the image's shape {image_f.shape}: use no padding ('valid'), "
                f"so a 3x3 filter gives {expected.shape}"
            )
        if got.shape != expected.shape:
            raise CaseFailed(f"expected shape {expected.shape}, got {got.shape}")
        gx, gy = filters.sobel_x(image_f), filters.sobel_y(image_f)
        if close(got, np.abs(gx) + np.abs(gy)):
            raise CaseFailed("you added |Gx| + |Gy|; the magnitude is sqrt(Gx² + Gy²)")
        if close(got, gx**2 + gy**2):
            raise CaseFailed("take the square root of Gx² + Gy²")
        if close(got, np.abs(gx)) or close(got, np.abs(gy)) or close(got, gx) or close(got, gy):
            raise CaseFailed("use both Sobel filters, x and y, and combine them")
        if expected.max() > 0 and close(got, expected * 255 / expected.max()):
            raise CaseFailed("do not rescale to 0-255: return the raw magnitude")
        if not close(got, expected, rtol=1e-5, atol=1e-6):
            raise CaseFailed(
                "wrong values: Gx and Gy are the Sobel x and y filters slid over the image"
            )
        return "sqrt(Gx² + Gy²) with 'valid' Sobel filters"

    return run(name, cases)


def check_conv_parameter_count(conv_parameter_count):
    """Check ``conv_parameter_count(kernel_size, in_channels, filters, output_size=None)``."""
    name = "conv_parameter_count"

    def cases():
        shared = call(name, conv_parameter_count, 8, 3, 20)
        unshared = call(name, conv_parameter_count, 8, 3, 20, 14)
        for got in (shared, unshared):
            if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
                raise CaseFailed(f"return an int, got {type(got).__name__} {got!r}")
        if shared == 8 * 8 * 3 * 20:
            raise CaseFailed("with sharing you got 3,840: add one bias per filter")
        if shared == (8 * 8 + 1) * 20:
            raise CaseFailed("a filter spans every input channel: 8 * 8 * 3 weights, not 8 * 8")
        if shared != arithmetic.conv_parameter_count(8, 3, 20):
            raise CaseFailed(f"the quiz with sharing: expected (8*8*3 + 1) * 20, got {shared:,}")
        if unshared == 8 * 8 * 3 * 14 * 14 * 20:
            raise CaseFailed("without sharing you forgot the biases: (8*8*3 + 1) per neuron")
        if unshared == 8 * 8 * 3 * 14 * 14 * 20 + 20:
            raise CaseFailed("without sharing each output neuron also has its own bias")
        if unshared != arithmetic.conv_parameter_count(8, 3, 20, 14):
            raise CaseFailed(
                f"the quiz without sharing: every one of the 14 * 14 * 20 output neurons has its "
                f"own 8*8*3 weights and bias; got {unshared:,}"
            )
        for args in [(3, 64, 128), (1, 16, 8), (5, 1, 6, 28)]:
            got = call(name, conv_parameter_count, *args)
            if got != arithmetic.conv_parameter_count(*args):
                raise CaseFailed(
                    f"conv_parameter_count{args}: expected "
                    f"{arithmetic.conv_parameter_count(*args):,}, got {got}"
                )
        return "3,860 with sharing, 756,560 without"

    return run(name, cases)


def check_mnist_cnn(build_mnist_cnn):
    """Check ``build_mnist_cnn()``: the book's CNN, layer by layer, via ``check_model``."""
    from deepvision.checks.architecture import check_model
    from deepvision.models.cnn import mnist_cnn

    name = "build_mnist_cnn"
    try:
        model = call(name, build_mnist_cnn)
    except CaseFailed as failure:
        message = str(failure)

        def cases():
            raise CaseFailed(message)

        return run(name, cases)
    return check_model(model, mnist_cnn(), name=name)
