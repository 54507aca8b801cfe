"""Sobel and friends on a real photo, against scipy-free references (Keras and numpy)."""

import numpy as np
import pytest

from deepvision import data
from deepvision.ops import filters


@pytest.fixture(scope="module")
def cat():
    return data.sample_image("chelsea", gray=True)


def test_sobel_matches_tf_on_the_cat(tf, cat):
    image = cat.astype(np.float32)[None, :, :, None]
    for mine, kernel in ((filters.sobel_x, filters.SOBEL_X), (filters.sobel_y, filters.SOBEL_Y)):
        expected = tf.nn.conv2d(image, kernel.astype(np.float32)[:, :, None, None], 1, "VALID")
        np.testing.assert_allclose(mine(cat), expected.numpy()[0, :, :, 0], rtol=1e-4, atol=1e-2)


def test_gradient_magnitude_is_the_hypotenuse(cat):
    magnitude = filters.gradient_magnitude(cat)
    assert magnitude.shape == (cat.shape[0] - 2, cat.shape[1] - 2)
    np.testing.assert_allclose(magnitude**2, filters.sobel_x(cat) ** 2 + filters.sobel_y(cat) ** 2)
    assert magnitude.min() >= 0


def test_sobel_x_sign_means_brighter_to_the_right():
    ramp = np.tile(np.arange(6.0), (5, 1))  # brightness grows to the right
    np.testing.assert_allclose(filters.sobel_x(ramp), 8.0)
    np.testing.assert_allclose(filters.sobel_y(ramp), 0.0)


def test_flat_image_has_no_edges_and_identity_changes_nothing():
    flat = np.full((6, 7), 42.0)
    assert np.all(filters.gradient_magnitude(flat) == 0)
    image = np.random.default_rng(0).normal(size=(6, 7))
    np.testing.assert_allclose(filters.filter2d(image, filters.KERNELS["identity"], "same"), image)
    np.testing.assert_allclose(filters.filter2d(flat, filters.KERNELS["blur"]), 42.0)


def test_book_line_detector():
    line, square = np.array([[200, 200], [0, 0]]), np.full((2, 2), 200)
    assert filters.filter2d(line, filters.BOOK_LINE_DETECTOR).item() == 600.0
    assert filters.filter2d(square, filters.BOOK_LINE_DETECTOR).item() == 0.0


def test_every_preset_is_3x3():
    assert all(k.shape == (3, 3) for k in filters.KERNELS.values())


def test_bad_input():
    with pytest.raises(ValueError, match=r"image: expected shape \(H, W\)"):
        filters.sobel_x(np.ones((4, 4, 3)))
    with pytest.raises(ValueError, match=r"kernel: expected shape \(kh, kw\)"):
        filters.filter2d(np.ones((4, 4)), np.ones(3))
