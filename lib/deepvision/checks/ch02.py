"""The exercises of chapter 02, "The structure of images", declared once.

Each exercise lists its cases (answers from :mod:`deepvision.ops.images`) and the wrong answers
learners give, with the hint each earns (a plain mean instead of luminance weights, the book's
``x - 127.5 / 127.5``, slicing the wrong axis...); ``tests/test_exercises.py`` turns the same
declarations into the checkers' tests. See :mod:`deepvision.checks._exercise` for the pattern.
"""

from __future__ import annotations

import functools

import numpy as np

from deepvision.checks._core import CaseFailed
from deepvision.checks._exercise import Case, Exercise, Mistake, Rejected
from deepvision.ops import images


def _pixels(shape, seed):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


def _dtype(value):
    return np.asarray(value).dtype


def _same_shape(trial):
    return np.shape(trial.got) == np.shape(trial.expected)


# -- to_grayscale ---------------------------------------------------------------------------

_RGB = _pixels((4, 5, 3), 0)


def _gray_message(got, expected):
    return (
        f"pixel (0, 0) = {_RGB[0, 0].tolist()} should become {expected[0, 0]:.3f}, got "
        f"{got[0, 0]:.3f}: gray = 0.299 R + 0.587 G + 0.114 B"
    )


def _gray_wrapped_mean(image):
    # uint8 + uint8 stays uint8: sums over 255 wrap around
    return (image[..., 0] + image[..., 1] + image[..., 2]) / 3


TO_GRAYSCALE = Exercise(
    "to_grayscale",
    chapter="ch02",
    answers=("to_grayscale",),
    reference=images.to_grayscale,
    cases=[
        Case(_RGB, label="an image of shape (4, 5, 3)", atol=1e-3, message=_gray_message),
        Case(
            np.full((2, 2, 3), 255, np.uint8),
            label="a white image",
            atol=1e-3,
            message="a white image (255, 255, 255) should stay 255, got {got}",
        ),
    ],
    mistakes=[
        Mistake(
            "return shape (H, W), not (H, W, 1): drop the channel axis",
            lambda x: images.to_grayscale(x)[..., np.newaxis],
            when=lambda trial: np.shape(trial.got) == np.shape(trial.expected) + (1,),
        ),
        Mistake(
            "an image of shape (H, W, 3) should give shape (H, W): combine the three channels, "
            "which are the last axis",
            lambda x: x.sum(axis=0),
            when=lambda trial: not _same_shape(trial),
        ),
        Mistake(
            "you averaged the channels equally; weight each by how bright it looks: "
            "0.299 R + 0.587 G + 0.114 B",
            lambda x: x.astype(np.float64).mean(axis=-1),
        ),
        Mistake(
            "your weights are in B, G, R order; channel 0 is red: 0.299 R + 0.587 G + 0.114 B",
            lambda x: x.astype(np.float64) @ np.array([0.114, 0.587, 0.299]),
        ),
        Mistake(
            "you summed the channels; use the weights 0.299, 0.587, 0.114",
            lambda x: x.astype(np.float64).sum(axis=-1),
        ),
        Mistake(
            "those are the BT.709 weights (scikit-image's); this course uses BT.601 like "
            "TensorFlow: 0.299, 0.587, 0.114",
            lambda x: x @ np.array([0.2125, 0.7154, 0.0721]),
        ),
        Mistake(
            "you added the uint8 channels as they are, so sums over 255 wrapped around, and "
            "weighted them equally: convert to float first, then use 0.299 R + 0.587 G + 0.114 B",
            _gray_wrapped_mean,
        ),
        Mistake(
            "your result is whole numbers (an integer dtype): convert the image to float before "
            "weighting it, or the fractions are dropped and uint8 sums wrap around at 256",
            lambda x: x[..., 0] // 3 + x[..., 1] // 2 + x[..., 2] // 8,
            when=lambda trial: _dtype(trial.got).kind in "ui",
        ),
    ],
    hints=[
        "Each gray pixel is a weighted sum of the pixel's three channels: 0.299 R + 0.587 G + "
        "0.114 B.",
        "Convert to float first: uint8 arithmetic wraps around at 256.",
        "A matrix product of the image (H, W, 3) with a vector of the three weights (3,) combines "
        "the last axis and gives (H, W).",
    ],
    success="0.299 R + 0.587 G + 0.114 B, shape (H, W)",
)

# -- keep_channel ---------------------------------------------------------------------------


def _keep_channel_reference(image, channel):
    channels = images.split_channels(image)
    return images.stack_channels(
        [c if i == channel else np.zeros_like(c) for i, c in enumerate(channels)]
    )


def _keep_row(image, channel):
    out = np.zeros_like(image)
    out[channel] = image[channel]
    return out


def _keep_channel_in_place(image, channel):
    for c in range(image.shape[-1]):
        if c != channel:
            image[..., c] = 0
    return image


_SQUARE = _pixels((3, 3, 3), 1)  # square with 3 rows: keeping a row has the right shape too

KEEP_CHANNEL = Exercise(
    "keep_channel",
    chapter="ch02",
    answers=("keep_channel",),
    reference=_keep_channel_reference,
    cases=[
        Case(
            _SQUARE,
            channel,
            label=f"channel {channel} of a (3, 3, 3) image",
            message=f"channel {channel}: keep image[..., {channel}] and set the other two to 0",
        )
        for channel in range(3)
    ],
    mistakes=[
        Mistake(
            "you returned one channel (H, W); keep the shape (H, W, 3) and set the other two "
            "channels to 0, so the result is still a colour image",
            lambda x, c: x[..., c],
            when=lambda trial: np.shape(trial.got) == np.shape(trial.expected)[:2],
        ),
        Mistake(
            "you kept a row (image[channel]); channels are the LAST axis: image[..., c]",
            _keep_row,
        ),
        Mistake("the image came back unchanged; zero the other two channels", lambda x, c: x),
        Mistake(
            "you zeroed the channels of the image you were given, so the caller's image changed "
            "too: build the result in a new array (np.zeros_like(image)) and leave the input as "
            "it was",
            _keep_channel_in_place,
            when=lambda trial: not np.array_equal(trial.args[0], trial.original[0]),
        ),
        Rejected(
            lambda x, c: _keep_channel_reference(x, 2 - c), says="channel 0: keep image[..., 0]"
        ),
    ],
    hints=[
        "Start from an array of zeros with the image's shape and dtype.",
        "Channels are the last axis: image[..., c] (or image[:, :, c]) is channel c, "
        "image[c] is row c.",
        "Copy only channel `channel` of the image into the zeros.",
    ],
    success="one channel kept, the others zero, shape (H, W, 3)",
)

# -- scaling to a value range and back --------------------------------------------------------

_PIXELS = np.array([[0, 1, 127], [128, 254, 255]], dtype=np.uint8)
_ALL_PIXELS = np.arange(1, 256, dtype=np.uint8).reshape(15, 17)


def _scaled_message(got, expected):
    return (
        f"pixels [0, 127, 255] should become {expected.ravel()[[0, 2, 5]].round(4)}, got "
        f"{np.asarray(got).ravel()[[0, 2, 5]].round(4)}"
    )


def _range_cases(forward, inverse, value_range):
    low, high = value_range
    # a hair below each pixel's exact value, as float error or a network's output gives
    below = images.normalize(_ALL_PIXELS, value_range) - np.float32(0.3 * (high - low) / 255)
    edge = np.array([low - 0.1, high + 0.1], dtype=np.float32)

    def round_trip_message(got, expected):
        off = int(np.abs(np.asarray(got) - np.asarray(expected, dtype=np.float64)).max())
        return f"{inverse}({forward}(x)) should give x back exactly; some pixels differ by {off}"

    return [
        Case(
            _PIXELS,
            label="pixels [[0, 1, 127], [128, 254, 255]]",
            atol=1e-6,
            message=_scaled_message,
        ),
        Case(
            below,
            function=inverse,
            label="the scaled pixels 1 to 255 (shape (15, 17))",
            message=round_trip_message,
        ),
        Case(
            edge,
            function=inverse,
            label=f"[{low - 0.1:g}, {high + 0.1:g}]",
            message=f"{inverse}([{low - 0.1:g}, {high + 0.1:g}]) should give [0, 255], got {{got}}",
        ),
    ]


def _forward_case(trial):
    return _dtype(trial.expected) == np.float32


def _inverse_case(trial):
    return _dtype(trial.expected) == np.uint8


def _truncated(value_range):
    low, high = value_range

    def from_range(y):  # astype truncates: no rounding, no clipping
        return ((np.asarray(y, np.float64) - low) * 255 / (high - low)).astype(np.uint8)

    return from_range


def _unclipped(value_range):
    low, high = value_range

    def from_range(y):
        return np.round((np.asarray(y, np.float64) - low) * 255 / (high - low)).astype(np.uint8)

    return from_range


def _range_mistakes(forward, inverse, value_range):
    """The mistakes both scalings share: dtypes, truncating instead of rounding, no clipping."""
    low, high = value_range

    def unclipped(trial):  # a wrong answer to an input outside the range
        y = np.asarray(trial.original[0], dtype=np.float64)
        outside = y.min() < low or y.max() > high
        return outside and _same_shape(trial) and not trial.case.same(trial.value, trial.expected)

    return [
        Mistake(
            f"{forward} returned integers; convert with .astype(np.float32) before dividing, or "
            "every pixel rounds to a whole number",
            lambda x: np.asarray(x, np.int64) // 128 + int(low),
            when=lambda trial: _forward_case(trial) and _dtype(trial.got).kind in "uib",
        ),
        Mistake(
            f"{forward} should return float32, what Keras layers expect: convert with "
            ".astype(np.float32) (a uint8 array divided by a number gives float64)",
            lambda x: images.normalize(x, value_range).astype(np.float64),
            when=lambda trial: _forward_case(trial) and _dtype(trial.got) != np.float32,
        ),
        Mistake(
            f"{inverse} is off by one on some pixels: a value a hair below v (such as 254.7) "
            "truncates to v - 1; round with np.round before .astype(np.uint8)",
            when=lambda trial: (
                _inverse_case(trial)
                and _same_shape(trial)
                and np.abs(trial.value - trial.expected).max() == 1
            ),
            **{inverse: _truncated(value_range)},
        ),
        Mistake(
            f"{inverse} should return uint8 pixels, as images are stored: cast with "
            ".astype(np.uint8) after rounding and clipping",
            when=lambda trial: _inverse_case(trial) and _dtype(trial.got) != np.uint8,
            **{inverse: lambda y: images.denormalize(y, value_range).astype(np.float64)},
        ),
        Mistake(
            f"{inverse}([{low - 0.1:g}, {high + 0.1:g}]) should give [0, 255]: a network's output "
            "can leave the range by a little, so clip to [0, 255] (np.clip) before the cast",
            when=lambda trial: _inverse_case(trial) and unclipped(trial),
            **{inverse: _unclipped(value_range)},
        ),
    ]


def _as_float32(x):
    return np.asarray(x).astype(np.float32)


UNIT_RANGE = Exercise(
    "unit_range",
    chapter="ch02",
    answers=("to_unit_range", "from_unit_range"),
    reference=(
        functools.partial(images.normalize, value_range=(0, 1)),
        functools.partial(images.denormalize, value_range=(0, 1)),
    ),
    cases=_range_cases("to_unit_range", "from_unit_range", (0, 1)),
    mistakes=[
        Mistake(
            "divide by 255, the largest pixel value, so that 255 maps to exactly 1",
            lambda x: _as_float32(x) / np.float32(256),
        ),
        Mistake(
            "you converted to float32 but kept the values 0-255: divide by 255",
            _as_float32,
        ),
        Mistake(
            "that is the [-1, 1] scaling; for [0, 1] divide by 255",
            lambda x: (_as_float32(x) - np.float32(127.5)) / np.float32(127.5),
        ),
        *_range_mistakes("to_unit_range", "from_unit_range", (0, 1)),
    ],
    hints=[
        "Convert to float32 first (.astype(np.float32)), then divide by 255.",
        "Back: multiply by 255 and round (np.round): astype alone truncates 254.9999 to 254.",
        "Clip to [0, 255] (np.clip) before the cast to uint8: a network's output can leave [0, 1] "
        "by a little.",
    ],
    success="x / 255 as float32, and back to uint8 with rounding and clipping",
)

SYMMETRIC_RANGE = Exercise(
    "symmetric_range",
    chapter="ch02",
    answers=("to_symmetric_range", "from_symmetric_range"),
    reference=(
        functools.partial(images.normalize, value_range=(-1, 1)),
        functools.partial(images.denormalize, value_range=(-1, 1)),
    ),
    cases=_range_cases("to_symmetric_range", "from_symmetric_range", (-1, 1)),
    mistakes=[
        Mistake(
            "you computed x - 127.5 / 127.5, which Python reads as x - (127.5 / 127.5) = x - 1 "
            "(the book's bug): put parentheses around x - 127.5",
            lambda x: _as_float32(x) - np.float32(127.5) / np.float32(127.5),
        ),
        Mistake(
            "that is the [0, 1] scaling; for [-1, 1] subtract 127.5, then divide by 127.5",
            lambda x: _as_float32(x) / np.float32(255),
        ),
        Mistake(
            "x / 127.5 lies in [0, 2]; subtract 1 (or 127.5 before dividing)",
            lambda x: _as_float32(x) / np.float32(127.5),
        ),
        Mistake(
            "you converted to float32 but kept the values 0-255: subtract 127.5, then divide "
            "by 127.5",
            _as_float32,
        ),
        *_range_mistakes("to_symmetric_range", "from_symmetric_range", (-1, 1)),
        Rejected(
            from_symmetric_range=functools.partial(images.denormalize, value_range=(0, 1)),
            says="should give x back exactly",
        ),
    ],
    hints=[
        "Convert to float32 first, then (x - 127.5) / 127.5: mind the parentheses.",
        "Back: undo each step in reverse order, 127.5 * (y + 1), then round (np.round).",
        "Clip to [0, 255] (np.clip) before the cast to uint8.",
    ],
    success="(x - 127.5) / 127.5 as float32, and back with rounding and clipping",
)

# -- center_crop ----------------------------------------------------------------------------


def _crop_case(shape, height, width):
    top, left = (shape[0] - height) // 2, (shape[1] - width) // 2
    return Case(
        _pixels(shape, 2),
        height,
        width,
        label=f"an image {shape} cropped to {height} x {width}",
        message=(
            f"cropping an image {shape} to {height} x {width}: the window should start at row "
            f"{top}, column {left}"
        ),
    )


def _crop_swapped(image, height, width):
    return images.center_crop(image, width, height)


def _crop_from_the_middle(image, height, width):
    top, left = image.shape[0] // 2 - height // 2, image.shape[1] // 2 - width // 2
    return image[top : top + height, left : left + width]


def _swapped_shape(trial):
    _, height, width = trial.original
    return height != width and np.shape(trial.got)[:2] == (width, height)


CENTER_CROP = Exercise(
    "center_crop",
    chapter="ch02",
    answers=("center_crop",),
    reference=images.center_crop,
    cases=[
        _crop_case((6, 8, 3), 2, 4),
        _crop_case((7, 7), 3, 3),
        _crop_case((5, 9), 5, 3),
        _crop_case((6, 5), 3, 3),  # odd margins: the extra pixel goes to the bottom and right
    ],
    mistakes=[
        Mistake(
            "height and width are swapped: rows (height) come first",
            _crop_swapped,
            when=_swapped_shape,
        ),
        Mistake(
            "you took the top-left corner; start at ((H - height) // 2, (W - width) // 2)",
            lambda x, h, w: x[:h, :w],
        ),
        Mistake(
            "your crop runs on to the image's edge: end the slices after height rows and width "
            "columns",
            lambda x, h, w: x[(x.shape[0] - h) // 2 :, (x.shape[1] - w) // 2 :],
        ),
        Mistake(
            "when a margin is odd the extra pixel stays at the bottom and right: start at row "
            "(H - height) // 2, which is not always H // 2 - height // 2",
            _crop_from_the_middle,
        ),
        Rejected(lambda x, h, w: x[1 : 1 + h, 1 : 1 + w], says="the window should start at row"),
    ],
    hints=[
        "A crop is a slice of the first two axes: rows, then columns.",
        "The window starts at row (H - height) // 2 and column (W - width) // 2.",
        "It is height rows and width columns long; any channels axis comes along untouched.",
    ],
    success="the central window, rows then columns",
)

# -- flip_horizontal ------------------------------------------------------------------------

FLIP_HORIZONTAL = Exercise(
    "flip_horizontal",
    chapter="ch02",
    answers=("flip_horizontal",),
    reference=functools.partial(images.flip, direction="horizontal"),
    cases=[
        Case(
            _pixels(shape, 3),
            label=f"an image {shape}",
            message="for {label} the first column should become the last; rows and channels "
            "stay where they are",
        )
        for shape in [(4, 4, 3), (3, 5), (2, 6, 3)]
    ],
    mistakes=[
        Mistake(
            "that flips upside down (it reverses the rows, axis 0); a horizontal flip reverses "
            "the columns, axis 1",
            lambda x: x[::-1],
        ),
        Mistake(
            "you reversed the channels (RGB -> BGR); reverse the columns", lambda x: x[..., ::-1]
        ),
        Mistake("you rotated by 180 degrees; reverse only the columns", lambda x: x[::-1, ::-1]),
        Rejected(
            lambda x: np.transpose(x, (1, 0, 2)) if x.ndim == 3 else x.T,
            says="the first column should become the last",
        ),
    ],
    hints=[
        "Mirroring left-right reverses one axis: which one holds the columns?",
        "A slice with a negative step, ::-1, reverses an axis.",
        "Leave the rows (axis 0) and the channels (the last axis) as they are.",
    ],
    success="columns reversed, rows and channels kept",
)

# -- make_batch -----------------------------------------------------------------------------


def _make_batch_reference(digits):
    return images.normalize(images.to_batch(digits), (0, 1))


def _batch_shape(trial):
    return np.shape(trial.expected)


MAKE_BATCH = Exercise(
    "make_batch",
    chapter="ch02",
    answers=("make_batch",),
    reference=_make_batch_reference,
    cases=[
        Case(
            [_pixels((28, 28), seed) for seed in range(5)],
            label="5 digits of 28x28",
            atol=1e-6,
            message="images out of order or scaled wrongly: batch[i] is digits[i] / 255",
        ),
    ],
    mistakes=[
        Mistake(
            "shape (N, 28, 28) has no channel axis; Keras convolutions want (N, H, W, C): "
            "add one with x[..., np.newaxis]",
            lambda d: (np.stack(d) / 255).astype(np.float32),
            when=lambda trial: np.shape(trial.got) == _batch_shape(trial)[:-1],
        ),
        Mistake(
            "the batch axis is last; it comes first: np.stack(images, axis=0)",
            lambda d: (np.dstack(d) / 255).astype(np.float32),
            when=lambda trial: (
                np.shape(trial.got) == _batch_shape(trial)[1:3] + _batch_shape(trial)[:1]
            ),
        ),
        Mistake(
            "that is channels-first (N, C, H, W); Keras uses channels-last (N, H, W, C)",
            lambda d: (np.stack(d)[:, np.newaxis] / 255).astype(np.float32),
            when=lambda trial: (
                np.shape(trial.got) == (_batch_shape(trial)[0], 1) + _batch_shape(trial)[1:3]
            ),
        ),
        Mistake(
            "scale the pixels to [0, 1] as float32 (divide by 255)",
            lambda d: np.stack(d)[..., np.newaxis],
            when=lambda trial: _dtype(trial.got).kind in "uib" or trial.value.max() > 1.0,
        ),
        Mistake(
            "the batch is float64; return float32, what Keras expects (.astype(np.float32))",
            lambda d: np.stack(d)[..., np.newaxis] / 255,
            when=lambda trial: _dtype(trial.got) != np.float32,
        ),
        Rejected(
            lambda d: (np.stack(d[::-1])[..., np.newaxis] / 255).astype(np.float32),
            says="batch[i] is digits[i] / 255",
        ),
    ],
    hints=[
        "np.stack(digits, axis=0) puts the N images along a new first axis: (N, 28, 28).",
        "Keras wants a channel axis last: x[..., np.newaxis] gives (N, 28, 28, 1).",
        "Convert to float32 and divide by 255.",
    ],
    success="(N, 28, 28, 1) float32 in [0, 1]",
)

# -- choose_gray_weights (a design exercise, graded by its outcome) ----------------------------

#: A ripe tomato and the leaves around it, as (R, G, B): 82 and 88 in BT.601 gray, 6 levels apart.
TOMATO, LEAF = (200, 30, 40), (40, 120, 50)
#: How many gray levels apart the two must come out.
GRAY_GAP = 100


def gray_gap(weights):
    """How far apart the tomato and the leaf land in gray under ``weights``, after checking them.

    Returns:
        ``(weights, gap)``: the weights as a float array (3,) and |gray(TOMATO) - gray(LEAF)|.

    Raises:
        CaseFailed: when ``weights`` are not three non-negative numbers that sum to 1.

    Taught in: chapter 02, "Design: a grayscale that keeps what matters".
    """
    if weights is None:
        raise CaseFailed("choose_gray_weights returned None: return three weights (w_r, w_g, w_b)")
    try:
        array = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise CaseFailed(
            f"return three numbers (w_r, w_g, w_b), got {type(weights).__name__}"
        ) from error
    if array.shape != (3,):
        raise CaseFailed(f"return three weights (w_r, w_g, w_b), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise CaseFailed(f"the weights must be finite numbers, got {array.tolist()}")
    if np.any(array < 0):
        raise CaseFailed(
            f"a negative weight ({array.tolist()}) can push a pixel below 0, off the gray scale: "
            "keep every weight >= 0"
        )
    if not np.isclose(array.sum(), 1.0, atol=1e-3):
        raise CaseFailed(
            f"the weights sum to {array.sum():.3f}; they must sum to 1, so that white "
            "(255, 255, 255) stays 255 and the image stays on the 0-255 scale"
        )
    gap = abs(float(np.dot(TOMATO, array) - np.dot(LEAF, array)))
    return array, gap


def _gap_message(got, _expected):
    return (
        f"with weights {np.round(got[0], 3).tolist()} the tomato and the leaf are {got[1]:.1f} "
        f"gray levels apart; make it at least {GRAY_GAP}"
    )


CHOOSE_GRAY_WEIGHTS = Exercise(
    "choose_gray_weights",
    chapter="ch02",
    answers=("choose_gray_weights",),
    reference=lambda: (1.0, 0.0, 0.0),
    cases=[
        Case(
            label="the tomato (200, 30, 40) and the leaf (40, 120, 50)",
            call=lambda function: gray_gap(function()),
            compare=lambda got, _expected: got[1] >= GRAY_GAP,
            message=_gap_message,
        )
    ],
    mistakes=[
        Mistake(
            "those are BT.601's weights: they model how bright colours look to us, and the "
            "tomato and the leaf look almost equally bright (82 and 88). Weigh the channel in "
            "which the two differ most",
            lambda: (0.299, 0.587, 0.114),
            when=lambda trial: np.allclose(trial.got[0], (0.299, 0.587, 0.114), atol=0.01),
        ),
        Mistake(
            "equal weights average the channels: the tomato's red and the leaf's green cancel "
            "out (90 and 70). Give most weight to the channel in which the two differ most",
            lambda: (1 / 3, 1 / 3, 1 / 3),
            when=lambda trial: np.allclose(trial.got[0], 1 / 3, atol=0.02),
        ),
        Rejected(lambda: (0.0, 1.0, 0.0), says="gray levels apart"),
        Rejected(lambda: (2.0, 0.0, 0.0), says="they must sum to 1"),
        Rejected(lambda: (1.5, 0.0, -0.5), says="keep every weight >= 0"),
        Rejected(lambda: (1.0, 0.0), says="return three weights"),
    ],
    hints=[
        "Try the channel mixer: which channel's slider makes the tomato stand out from green?",
        "The tomato and the leaf differ by (160, -90, -10) in (R, G, B): the gap is "
        "|160 w_r - 90 w_g - 10 w_b|.",
        "With weights that are >= 0 and sum to 1, the gap is largest when all the weight is on "
        "one channel.",
    ],
    success=f"the tomato and the leaf are at least {GRAY_GAP} gray levels apart",
)

EXERCISES = [
    TO_GRAYSCALE,
    KEEP_CHANNEL,
    UNIT_RANGE,
    SYMMETRIC_RANGE,
    CENTER_CROP,
    FLIP_HORIZONTAL,
    MAKE_BATCH,
    CHOOSE_GRAY_WEIGHTS,
]

check_to_grayscale = TO_GRAYSCALE.checker("check_to_grayscale")
check_keep_channel = KEEP_CHANNEL.checker("check_keep_channel")
check_unit_range = UNIT_RANGE.checker("check_unit_range")
check_symmetric_range = SYMMETRIC_RANGE.checker("check_symmetric_range")
check_center_crop = CENTER_CROP.checker("check_center_crop")
check_flip_horizontal = FLIP_HORIZONTAL.checker("check_flip_horizontal")
check_make_batch = MAKE_BATCH.checker("check_make_batch")
check_choose_gray_weights = CHOOSE_GRAY_WEIGHTS.checker("check_choose_gray_weights")
