"""Augmentation ops: their properties (flip twice is the identity, zero shift is the identity,
shapes and labels kept, deterministic for a seed), and agreement with Keras' preprocessing
layers where both are deterministic (a fixed shift, a fixed angle)."""

import numpy as np
import pytest

from deepvision import ops

IMAGES = np.random.default_rng(0).uniform(0, 1, size=(3, 9, 11, 3)).astype("float32")


def test_flip_twice_is_the_identity_and_mirrors_columns():
    flipped = ops.flip_horizontal(IMAGES)
    np.testing.assert_array_equal(flipped[:, :, 0], IMAGES[:, :, -1])
    np.testing.assert_array_equal(ops.flip_horizontal(flipped), IMAGES)


def test_flip_matches_keras(keras):
    np.testing.assert_array_equal(
        ops.flip_horizontal(IMAGES), np.asarray(keras.ops.flip(IMAGES, axis=2))
    )


def test_zero_shift_and_zero_angle_are_the_identity():
    np.testing.assert_array_equal(ops.translate(IMAGES, 0, 0), IMAGES)
    np.testing.assert_allclose(ops.rotate(IMAGES, 0.0), IMAGES, atol=1e-12)
    np.testing.assert_allclose(ops.rotate(IMAGES, 360.0), IMAGES, atol=1e-6)


def test_shift_moves_content_and_fills_the_border():
    image = np.arange(16.0).reshape(1, 4, 4, 1)
    out = ops.translate(image, 1, -2, fill=-1)
    np.testing.assert_array_equal(out[0, 1:, :2, 0], image[0, :3, 2:, 0])
    assert np.all(out[0, 0] == -1) and np.all(out[0, :, 2:] == -1)
    assert np.all(ops.translate(image, 4, 0) == 0)
    np.testing.assert_array_equal(
        ops.translate(ops.translate(image, 2, 1), -2, -1)[0, :2, :3], image[0, :2, :3]
    )


def test_rotate_quarter_turn_of_a_square_is_rot90():
    image = np.random.default_rng(1).normal(size=(2, 5, 5, 2))
    np.testing.assert_allclose(ops.rotate(image, 90), np.rot90(image, 1, axes=(1, 2)), atol=1e-9)


@pytest.mark.parametrize("dy, dx", [(2, -3), (-1, 4), (0, 5), (-4, 0)])
def test_translate_matches_keras_random_translation_with_a_fixed_shift(keras, dy, dx):
    height, width = IMAGES.shape[1:3]
    layer = keras.layers.RandomTranslation(
        (dy / height, dy / height),
        (dx / width, dx / width),
        fill_mode="constant",
        interpolation="nearest",
    )
    expected = np.asarray(layer(IMAGES, training=True))
    np.testing.assert_allclose(ops.translate(IMAGES, dy, dx), expected, atol=1e-6)


@pytest.mark.parametrize("angle", [10.0, -25.0, 7.5, 90.0, 180.0])
def test_rotate_matches_keras_random_rotation_with_a_fixed_angle(keras, angle):
    layer = keras.layers.RandomRotation(
        (angle / 360, angle / 360), fill_mode="constant", interpolation="bilinear"
    )
    expected = np.asarray(layer(IMAGES, training=True))
    np.testing.assert_allclose(ops.rotate(IMAGES, angle), expected, atol=1e-5)


def test_random_augment_keeps_shapes_and_labels_and_is_seeded():
    labels = np.array([3, 1, 7])
    out, kept = ops.random_augment(IMAGES, labels, seed=4)
    assert out.shape == IMAGES.shape
    np.testing.assert_array_equal(kept, labels)
    again, _ = ops.random_augment(IMAGES, labels, seed=4)
    np.testing.assert_array_equal(out, again)
    other, _ = ops.random_augment(IMAGES, labels, seed=5)
    assert not np.array_equal(out, other)
    assert not np.allclose(out, IMAGES)


def test_random_augment_with_nothing_to_do_is_the_identity():
    out, _ = ops.random_augment(
        IMAGES, np.zeros(3), seed=0, flip=False, max_shift=0, max_rotation=0
    )
    np.testing.assert_array_equal(out, IMAGES)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: ops.flip_horizontal(np.ones((9, 11, 3))), r"x: expected shape \(N, H, W, C\)"),
        (lambda: ops.translate(np.ones((9, 11)), 1, 1), r"x: expected shape \(N, H, W, C\)"),
        (lambda: ops.translate(IMAGES, 1.5, 0), "dy: expected an integer"),
        (lambda: ops.rotate(IMAGES, "ten"), "angle: expected a finite number"),
        (lambda: ops.random_augment(IMAGES, np.zeros(2), seed=0), "labels: expected one label"),
        (lambda: ops.random_augment(IMAGES, np.zeros(3), seed=0, max_shift=-1), "max_shift"),
        (lambda: ops.random_augment(IMAGES, np.zeros(3), seed=-1), "seed: expected an integer"),
    ],
)
def test_bad_input_is_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
