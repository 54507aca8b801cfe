"""Checkers for chapter 02, "The structure of images".

Each checker runs the learner's function on small images whose answers come from
:mod:`deepvision.ops.images`, and names the usual mistake behind a wrong answer (a plain mean
instead of luminance weights, the book's ``x - 127.5 / 127.5``, slicing the wrong axis...).

Taught in: chapter 02 (the exercises).
"""

from __future__ import annotations

import numpy as np

from deepvision.checks._core import CaseFailed, as_array, call, close, run
from deepvision.ops import images


def _pixels(shape, seed):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def _raw(name, value):
    """The learner's return value as an array, keeping its dtype."""
    array = np.asarray(value)
    if array.dtype.kind not in "uifb":
        raise CaseFailed(f"{name} should return an array of numbers, got {type(value).__name__}")
    return array


def check_to_grayscale(to_grayscale):
    """Check ``to_grayscale(image)``: (H, W, 3) -> (H, W) with weights 0.299, 0.587, 0.114."""
    name = "to_grayscale"

    def cases():
        image = _pixels((4, 5, 3), 0)
        got = as_array(name, call(name, to_grayscale, image.copy()))
        expected = images.to_grayscale(image)
        if got.shape == (4, 5, 1):
            raise CaseFailed("return shape (H, W), not (H, W, 1): drop the channel axis")
        if got.shape != (4, 5):
            raise CaseFailed(
                f"an image of shape (4, 5, 3) gave shape {got.shape}; expected (4, 5): combine "
                "the three channels along the last axis"
            )
        if close(got, image.astype(float).mean(axis=-1), atol=1e-6):
            raise CaseFailed(
                "you averaged the channels equally; weight each by how bright it looks: "
                "0.299 R + 0.587 G + 0.114 B"
            )
        if close(got, image.astype(float) @ np.array([0.114, 0.587, 0.299]), atol=1e-6):
            raise CaseFailed(
                "your weights are in B, G, R order; channel 0 is red: 0.299 R + 0.587 G + 0.114 B"
            )
        if close(got, image.astype(float).sum(axis=-1), atol=1e-6):
            raise CaseFailed("you summed the channels; use the weights 0.299, 0.587, 0.114")
        if close(got, image.astype(float) @ np.array([0.2125, 0.7154, 0.0721]), atol=1e-6):
            raise CaseFailed(
                "those are the BT.709 weights (scikit-image's); this course uses BT.601 like "
                "TensorFlow: 0.299, 0.587, 0.114"
            )
        if not close(got, expected, atol=1e-3):
            raise CaseFailed(
                f"pixel (0, 0) = {image[0, 0].tolist()} should become {expected[0, 0]:.3f}, got "
                f"{got[0, 0]:.3f}; convert to float before multiplying (uint8 sums wrap at 256)"
            )
        white = as_array(name, call(name, to_grayscale, np.full((2, 2, 3), 255, np.uint8)), (2, 2))
        if not close(white, np.full((2, 2), 255.0), atol=1e-3):
            raise CaseFailed("a white image (255, 255, 255) should stay 255")
        return "0.299 R + 0.587 G + 0.114 B, shape (H, W)"

    return run(name, cases)


def _check_range(name, forward, inverse, value_range):
    x = np.array([[0, 1, 127], [128, 254, 255]], dtype=np.uint8)
    got = _raw(name, call(name, forward, x.copy()))
    expected = images.normalize(x, value_range)
    low = value_range[0]
    if got.dtype.kind in "ui":
        raise CaseFailed(
            f"{name} returned integers ({got.dtype}); convert with .astype('float32') before "
            "dividing, or every pixel rounds to a whole number"
        )
    if got.dtype != np.float32:
        raise CaseFailed(f"{name} returned {got.dtype}; return float32, what Keras layers expect")
    if got.shape != x.shape:
        raise CaseFailed(f"{name} returned shape {got.shape}; keep the input's shape {x.shape}")
    got = got.astype(np.float64)
    if low == -1 and close(got, x.astype(float) - 127.5 / 127.5):
        raise CaseFailed(
            "you computed x - 127.5 / 127.5, which Python reads as x - (127.5 / 127.5) = x - 1 "
            "(the book's bug): write (x - 127.5) / 127.5"
        )
    if low == -1 and close(got, x / 255.0):
        raise CaseFailed("that is the [0, 1] scaling; for [-1, 1] use (x - 127.5) / 127.5")
    if low == -1 and close(got, x / 127.5):
        raise CaseFailed("x / 127.5 lies in [0, 2]; subtract 1 (or 127.5 before dividing)")
    if low == 0 and close(got, x / 256.0):
        raise CaseFailed("divide by 255, the largest pixel value, so that 255 maps to exactly 1")
    if low == 0 and close(got, x / 127.5 - 1):
        raise CaseFailed("that is the [-1, 1] scaling; for [0, 1] divide by 255")
    if not close(got, expected, rtol=1e-6, atol=1e-6):
        raise CaseFailed(
            f"pixels [0, 127, 255] should become {expected.ravel()[[0, 2, 5]].round(4)}, "
            f"got {got.ravel()[[0, 2, 5]].round(4)}"
        )
    inverse_name = getattr(inverse, "__name__", "the inverse")
    pixels = np.arange(1, 256, dtype=np.uint8).reshape(15, 17)
    # a hair below each pixel's exact value, as float error or a network's output gives
    scaled = images.normalize(pixels, value_range) - np.float32(0.3 * (value_range[1] - low) / 255)
    back = _raw(inverse_name, call(inverse_name, inverse, scaled))
    if back.shape != pixels.shape:
        raise CaseFailed(f"{inverse_name} returned shape {back.shape}; expected {pixels.shape}")
    if back.dtype != np.uint8:
        raise CaseFailed(f"{inverse_name} returned {back.dtype}; return uint8 (.astype('uint8'))")
    if not np.array_equal(back, pixels):
        off = np.abs(back.astype(int) - pixels.astype(int)).max()
        if off == 1:
            raise CaseFailed(
                f"{inverse_name} is off by one on some pixels: a value a hair below v (such as "
                "254.7) truncates to v - 1; round with np.round before .astype('uint8')"
            )
        raise CaseFailed(
            f"{inverse_name}({name}(x)) should give x back exactly; some pixels differ by {off}"
        )
    edge = np.array([value_range[0] - 0.1, value_range[1] + 0.1], dtype=np.float32)
    edge_back = _raw(inverse_name, call(inverse_name, inverse, edge))
    if not np.array_equal(edge_back.astype(int), [0, 255]):
        raise CaseFailed(
            f"{inverse_name}({edge.tolist()}) should clip to [0, 255] (a network's output can "
            f"leave the range by a little), got {edge_back.tolist()}: use np.clip before the cast"
        )


def check_unit_range(to_unit_range, from_unit_range):
    """Check ``to_unit_range(x)`` (uint8 -> float32 in [0, 1]) and its inverse."""
    name = "to_unit_range"

    def cases():
        _check_range(name, to_unit_range, from_unit_range, (0, 1))
        return "x / 255 as float32, and back to uint8 with rounding and clipping"

    return run(name, cases)


def check_symmetric_range(to_symmetric_range, from_symmetric_range):
    """Check ``to_symmetric_range(x)`` (uint8 -> float32 in [-1, 1]) and its inverse."""
    name = "to_symmetric_range"

    def cases():
        _check_range(name, to_symmetric_range, from_symmetric_range, (-1, 1))
        return "(x - 127.5) / 127.5 as float32, and back with rounding and clipping"

    return run(name, cases)


def check_keep_channel(keep_channel):
    """Check ``keep_channel(image, channel)``: an (H, W, 3) image with the other channels zeroed."""
    name = "keep_channel"

    def cases():
        image = _pixels((3, 3, 3), 1)  # square and 3 rows: the wrong axis has the right shape
        for channel in range(3):
            got = as_array(name, call(name, keep_channel, image.copy(), channel))
            expected = np.zeros_like(image)
            expected[..., channel] = image[..., channel]
            if got.shape == (3, 3):
                raise CaseFailed(
                    "you returned one channel (H, W); keep the shape (H, W, 3) and set the other "
                    "two channels to 0, so the result is still a colour image"
                )
            if got.shape != image.shape:
                raise CaseFailed(f"expected shape {image.shape}, got {got.shape}")
            wrong_axis = np.zeros_like(image)
            wrong_axis[channel] = image[channel]
            if close(got, wrong_axis):
                raise CaseFailed(
                    "you kept a row (image[channel]); channels are the LAST axis: image[..., c]"
                )
            if close(got, image):
                raise CaseFailed("the image came back unchanged; zero the other two channels")
            if not close(got, expected):
                raise CaseFailed(f"channel {channel}: keep image[..., {channel}], zero the rest")
        return "one channel kept, the others zero, shape (H, W, 3)"

    return run(name, cases)


def check_center_crop(center_crop):
    """Check ``center_crop(image, height, width)``: the central window, by slicing."""
    name = "center_crop"

    def cases():
        for shape, size in [((6, 8, 3), (2, 4)), ((7, 7), (3, 3)), ((5, 9), (5, 3))]:
            image = _pixels(shape, 2)
            got = as_array(name, call(name, center_crop, image.copy(), *size))
            expected = images.center_crop(image, *size)
            if got.shape == (size[1], size[0]) + shape[2:] and size[0] != size[1]:
                raise CaseFailed("height and width are swapped: rows (height) come first")
            if got.shape != expected.shape:
                raise CaseFailed(
                    f"an image {shape} cropped to {size} should have shape {expected.shape}, "
                    f"got {got.shape}"
                )
            if close(got, image[: size[0], : size[1]]) and not close(got, expected):
                raise CaseFailed("you took the top-left corner; start at ((H-h) // 2, (W-w) // 2)")
            if not close(got, expected):
                raise CaseFailed(
                    f"cropping {shape} to {size}: the window should start at row "
                    f"{(shape[0] - size[0]) // 2}, column {(shape[1] - size[1]) // 2}"
                )
        return "the central window, rows then columns"

    return run(name, cases)


def check_flip_horizontal(flip_horizontal):
    """Check ``flip_horizontal(image)``: a mirror image (left and right swapped)."""
    name = "flip_horizontal"

    def cases():
        for shape in [(4, 4, 3), (3, 5), (2, 6, 3)]:
            image = _pixels(shape, 3)
            got = as_array(name, call(name, flip_horizontal, image.copy()))
            expected = images.flip(image, "horizontal")
            if got.shape != image.shape:
                raise CaseFailed(f"flipping keeps the shape {image.shape}; got {got.shape}")
            if close(got, image[::-1]):
                raise CaseFailed("that flips upside down (rows); mirror the columns: x[:, ::-1]")
            if image.ndim == 3 and close(got, image[..., ::-1]):
                raise CaseFailed("you reversed the channels (RGB -> BGR); reverse the columns")
            if image.ndim == 3 and close(got, image[::-1, ::-1]):
                raise CaseFailed("you rotated by 180 degrees; reverse only the columns")
            if not close(got, expected):
                raise CaseFailed("the first column should become the last: image[:, ::-1]")
        return "columns reversed, rows and channels kept"

    return run(name, cases)


def check_make_batch(make_batch):
    """Check ``make_batch(digits)``: list of (28, 28) uint8 -> float32 (N, 28, 28, 1) in [0, 1]."""
    name = "make_batch"

    def cases():
        digits = [_pixels((28, 28), seed) for seed in range(5)]
        got = _raw(name, call(name, make_batch, [d.copy() for d in digits]))
        expected = images.normalize(images.to_batch(digits), (0, 1))
        if got.shape == (5, 28, 28):
            raise CaseFailed(
                "shape (5, 28, 28) has no channel axis; Keras convolutions want (N, H, W, C): "
                "add one with x[..., np.newaxis]"
            )
        if got.shape == (28, 28, 5):
            raise CaseFailed("the batch axis is last; it comes first: np.stack(images, axis=0)")
        if got.shape == (5, 1, 28, 28):
            raise CaseFailed("that is channels-first; Keras uses channels-last (N, H, W, C)")
        if got.shape != (5, 28, 28, 1):
            raise CaseFailed(f"5 digits of 28x28 should make shape (5, 28, 28, 1), got {got.shape}")
        if got.dtype.kind in "ui" or (got.size and got.max() > 1.0):
            raise CaseFailed("scale the pixels to [0, 1] as float32 (divide by 255)")
        if got.dtype != np.float32:
            raise CaseFailed(f"the batch is {got.dtype}; return float32, what Keras expects")
        if not close(got.astype(np.float64), expected, atol=1e-6):
            raise CaseFailed("images out of order or scaled wrongly: batch[i] is digits[i] / 255")
        return "(N, 28, 28, 1) float32 in [0, 1]"

    return run(name, cases)
