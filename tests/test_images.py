"""Chapter 02 image utilities against TensorFlow's image ops and Keras' Rescaling layer."""

import numpy as np
import pytest

from deepvision.ops import images

SEEDS = range(3)
RGB_SHAPES = [(1, 1, 3), (4, 5, 3), (7, 3, 3), (2, 6, 4, 3)]


def _pixels(shape, seed):
    return np.random.default_rng(seed).integers(0, 256, size=shape, dtype=np.uint8)


@pytest.mark.parametrize("shape", RGB_SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_to_grayscale_matches_tensorflow(tf, shape, seed):
    rgb = _pixels(shape, seed).astype(np.float32)
    expected = tf.image.rgb_to_grayscale(rgb).numpy()[..., 0]
    # TensorFlow rounds the red weight to 0.2989; with its weights the results agree to float32,
    # and the standard BT.601 default differs by at most 0.0001 * 255.
    got = images.to_grayscale(rgb, weights=(0.2989, 0.587, 0.114))
    assert got.shape == shape[:-1]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-3)
    np.testing.assert_allclose(images.to_grayscale(rgb), expected, rtol=0, atol=0.0255 + 1e-3)


def test_to_grayscale_keeps_white_white_and_weighs_green_most():
    white = np.full((2, 2, 3), 255, dtype=np.uint8)
    np.testing.assert_allclose(images.to_grayscale(white), 255.0)
    pure = np.eye(3, dtype=np.uint8).reshape(1, 3, 3) * 255  # one red, one green, one blue pixel
    gray = images.to_grayscale(pure)[0]
    assert gray[1] > gray[0] > gray[2]


@pytest.mark.parametrize("shape", [(28, 28), (5, 4, 3), (2, 3, 3, 3), ()])
@pytest.mark.parametrize("seed", SEEDS)
def test_normalize_matches_keras_rescaling(keras, shape, seed):
    x = _pixels(shape, seed)
    unit = keras.layers.Rescaling(1 / 255)(x.astype(np.float32))
    symmetric = keras.layers.Rescaling(1 / 127.5, offset=-1.0)(x.astype(np.float32))
    got_unit = images.normalize(x, (0, 1))
    got_symmetric = images.normalize(x, (-1, 1))
    assert got_unit.dtype == np.float32 and got_symmetric.dtype == np.float32
    np.testing.assert_allclose(got_unit, keras.ops.convert_to_numpy(unit), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(
        got_symmetric, keras.ops.convert_to_numpy(symmetric), rtol=1e-6, atol=1e-6
    )


def test_normalize_endpoints_and_the_books_precedence_bug():
    x = np.array([0, 127, 128, 255], dtype=np.uint8)
    np.testing.assert_allclose(images.normalize(x, (0, 1)), [0, 127 / 255, 128 / 255, 1], atol=1e-7)
    np.testing.assert_allclose(images.normalize(x, (-1, 1)), [-1, -1 / 255, 1 / 255, 1], atol=1e-6)
    buggy = x.astype("float32") - 127.5 / 127.5  # the book's listing: subtracts 1
    np.testing.assert_allclose(buggy, [-1, 126, 127, 254])
    assert not np.allclose(buggy, images.normalize(x, (-1, 1)))


@pytest.mark.parametrize("value_range", [(0, 1), (-1, 1)])
@pytest.mark.parametrize("seed", SEEDS)
def test_denormalize_inverts_normalize_exactly(value_range, seed):
    x = _pixels((6, 5, 3), seed)
    back = images.denormalize(images.normalize(x, value_range), value_range)
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, x)


def test_denormalize_rounds_and_clips():
    np.testing.assert_array_equal(images.denormalize([0.999, -0.2, 1.3], (0, 1)), [255, 0, 255])
    np.testing.assert_array_equal(images.denormalize([-1.0, 0.0, 1.0], (-1, 1)), [0, 128, 255])


@pytest.mark.parametrize("seed", SEEDS)
def test_split_and_stack_channels_are_inverses(seed):
    rgb = _pixels((4, 6, 3), seed)
    red, green, blue = images.split_channels(rgb)
    np.testing.assert_array_equal(red, rgb[:, :, 0])
    np.testing.assert_array_equal(blue, rgb[:, :, 2])
    np.testing.assert_array_equal(images.stack_channels([red, green, blue]), rgb)
    swapped = images.stack_channels([blue, green, red])
    np.testing.assert_array_equal(swapped, rgb[..., ::-1])


@pytest.mark.parametrize(
    "shape,box", [((8, 9, 3), (1, 2, 4, 5)), ((10, 10), (0, 0, 10, 10)), ((6, 7, 1), (5, 6, 1, 1))]
)
def test_crop_matches_tensorflow(tf, shape, box):
    x = _pixels(shape, 0)
    image = x if x.ndim == 3 else x[..., None]
    expected = tf.image.crop_to_bounding_box(image, *box).numpy()
    got = images.crop(x, *box)
    np.testing.assert_array_equal(got if got.ndim == 3 else got[..., None], expected)


@pytest.mark.parametrize("shape,size", [((9, 8, 3), (3, 4)), ((10, 10), (4, 4)), ((5, 5), (5, 5))])
def test_center_crop_matches_tensorflow_crop_to_the_same_box(tf, shape, size):
    x = _pixels(shape, 1)
    top, left = (shape[0] - size[0]) // 2, (shape[1] - size[1]) // 2
    image = x if x.ndim == 3 else x[..., None]
    expected = tf.image.crop_to_bounding_box(image, top, left, *size).numpy()
    got = images.center_crop(x, *size)
    np.testing.assert_array_equal(got if got.ndim == 3 else got[..., None], expected)


@pytest.mark.parametrize("shape", [(4, 5, 3), (3, 7, 1), (6, 2, 3)])
def test_flip_matches_tensorflow(tf, shape):
    x = _pixels(shape, 2)
    np.testing.assert_array_equal(images.flip(x, "horizontal"), tf.image.flip_left_right(x).numpy())
    np.testing.assert_array_equal(images.flip(x, "vertical"), tf.image.flip_up_down(x).numpy())
    np.testing.assert_array_equal(images.flip(images.flip(x)), x)


def test_to_batch_adds_the_channel_axis_for_grayscale_and_keeps_rgb():
    digits = [_pixels((28, 28), seed) for seed in SEEDS]
    batch = images.to_batch(digits)
    assert batch.shape == (3, 28, 28, 1) and batch.dtype == np.uint8
    np.testing.assert_array_equal(batch[1, :, :, 0], digits[1])
    frames = [_pixels((4, 5, 3), seed) for seed in range(5)]
    video = images.to_batch(frames)
    assert video.shape == (5, 4, 5, 3)
    np.testing.assert_array_equal(video[4], frames[4])


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda: images.to_grayscale(np.zeros((4, 4))), r"image: expected shape \(H, W, C\)"),
        (
            lambda: images.to_grayscale(np.zeros((4, 4, 4))),
            r"image: expected 3 channels.*\(4, 4, 4\)",
        ),
        (lambda: images.to_grayscale(np.zeros((4, 4, 3)), weights=(1, 1)), r"weights: .*\(3,\)"),
        (
            lambda: images.normalize(np.array([0.0, 1.5, 300.0])),
            r"image: expected pixel values in \[0, 255\]",
        ),
        (
            lambda: images.normalize(np.zeros(3), (0, 255)),
            r"value_range: expected \(0, 1\) or \(-1, 1\)",
        ),
        (lambda: images.denormalize(np.zeros(3), (-1, 0)), r"value_range"),
        (lambda: images.normalize(np.array([np.nan])), r"image: contains NaN"),
        (lambda: images.normalize(np.array(["a"])), r"image: expected an array of numbers"),
        (
            lambda: images.split_channels(np.zeros((4, 4))),
            r"image: expected shape \(H, W, C\), got shape \(4, 4\)",
        ),
        (lambda: images.stack_channels(np.zeros((3, 4, 4))), r"channels: expected a list"),
        (
            lambda: images.stack_channels([np.zeros((4, 4)), np.zeros((4, 5))]),
            r"channels\[1\]: expected shape \(4, 4\)",
        ),
        (lambda: images.stack_channels([]), r"channels: expected at least one"),
        (
            lambda: images.crop(np.zeros((4, 4)), 2, 0, 3, 2),
            r"top: expected an integer in \[0, 1\]",
        ),
        (
            lambda: images.crop(np.zeros((4, 4)), 0, 0, 5, 2),
            r"height: expected an integer in \[1, 4\]",
        ),
        (
            lambda: images.crop(np.zeros((2, 4, 4, 3)), 0, 0, 1, 1),
            r"image: expected shape \(H, W\) or \(H, W, C\)",
        ),
        (
            lambda: images.center_crop(np.zeros((4, 4)), 2, 0),
            r"width: expected an integer in \[1, 4\]",
        ),
        (
            lambda: images.flip(np.zeros((4, 4)), "diagonal"),
            r"direction: expected 'horizontal' or 'vertical'",
        ),
        (
            lambda: images.flip(np.zeros(4)),
            r"image: expected shape \(H, W\) or \(H, W, C\), got shape \(4,\)",
        ),
        (
            lambda: images.to_batch([np.zeros((4, 4)), np.zeros((4, 5))]),
            r"images\[1\]: expected shape \(4, 4\)",
        ),
        (lambda: images.to_batch([]), r"images: expected a non-empty list"),
    ],
)
def test_bad_input_names_the_argument_and_the_expected_shape(call, match):
    with pytest.raises(ValueError, match=match):
        call()
