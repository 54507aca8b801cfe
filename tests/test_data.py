"""Data loaders on the real datasets, quick-mode subsets, offline errors, sample photos."""

import os
import subprocess
import sys

import numpy as np
import pytest

from deepvision import config, data, ops


def test_full_mnist_from_the_data_directory(data_dir, monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV, "0")
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    assert x_train.max() == 255 and set(np.unique(y_test)) == set(range(10))


def test_quick_mode_takes_a_deterministic_stratified_subset(data_dir, monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV, "1")
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    budget = config.budget("mnist")
    assert len(x_train) == budget.train_samples and len(x_test) == budget.test_samples
    counts = np.bincount(y_train, minlength=10)
    (_, y_full), _ = data.load_mnist(train_samples=60000)
    expected = np.bincount(y_full, minlength=10) / 60000 * budget.train_samples
    assert np.all(np.abs(counts - expected) <= 1)  # every class in proportion
    (x_again, _), _ = data.load_mnist()
    np.testing.assert_array_equal(x_train, x_again)


def test_cifar10_subset_and_class_names(data_dir, monkeypatch):
    monkeypatch.setenv(config.QUICK_ENV, "1")
    (x_train, y_train), (x_test, y_test) = data.load_cifar10(train_samples=300, test_samples=100)
    assert x_train.shape == (300, 32, 32, 3) and y_train.shape == (300, 1)
    assert x_test.dtype == np.uint8 and np.all(np.bincount(y_train[:, 0]) == 30)
    names = (data_dir / "cifar10-classes.txt").read_text().split()
    assert list(data.CIFAR10_CLASSES) == names


def test_stratified_indices_keep_proportions_and_reject_bad_sizes():
    labels = np.repeat(np.arange(3), [50, 30, 20])
    picked = data.stratified_indices(labels, 10)
    assert np.bincount(labels[picked]).tolist() == [5, 3, 2]
    assert np.all(np.diff(picked) > 0)
    with pytest.raises(ValueError, match=r"n: expected 1 <= n <= 100"):
        data.stratified_indices(labels, 101)


def test_subset_sizes_are_checked(data_dir):
    with pytest.raises(ValueError, match="train_samples: expected between 1 and"):
        data.load_mnist(train_samples=10**7, test_samples=10)


def test_a_broken_file_is_named_in_the_error(tmp_path, monkeypatch):
    (tmp_path / "mnist.npz").write_bytes(b"not a zip file")
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path))
    with pytest.raises(data.DatasetUnavailableError, match="mnist.npz: not a readable mnist file"):
        data.load_mnist()
    np.savez(
        tmp_path / "mnist.npz",
        x_train=np.zeros((2, 32, 32)),
        y_train=np.zeros(2),
        x_test=np.zeros((1, 28, 28)),
        y_test=np.zeros(1),
    )
    with pytest.raises(data.DatasetUnavailableError, match=r"expected \(N, 28, 28\)"):
        data.load_mnist()


def test_a_missing_directory_is_named_in_the_error(tmp_path, monkeypatch):
    monkeypatch.setenv(config.DATA_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(
        data.DatasetUnavailableError, match="DEEPVISION_DATA_DIR=.*is not a directory"
    ):
        data.load_mnist()


def test_offline_without_local_data_says_what_to_do(tmp_path):
    # A real Keras download attempt in a fresh process, with no data directory, an empty Keras
    # cache and every connection sent to a closed local port: offline, wherever the test runs.
    env = {k: v for k, v in os.environ.items() if k != config.DATA_ENV}
    env.update(
        KERAS_HOME=str(tmp_path / "keras"),
        HOME=str(tmp_path),
        HTTPS_PROXY="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        NO_PROXY="",
    )
    code = (
        "from deepvision import data\n"
        "try:\n    data.load_mnist()\n"
        "except data.DatasetUnavailableError as e:\n    print('ERROR:', e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert "ERROR: mnist is not available" in result.stdout, result.stdout + result.stderr[-2000:]
    assert "DEEPVISION_DATA_DIR" in result.stdout and "mnist.npz" in result.stdout


def test_sample_images_are_real_photos():
    cat = data.sample_image("chelsea")
    assert cat.shape == (300, 451, 3) and cat.dtype == np.uint8 and cat.std() > 20
    gray = data.sample_image("cat", gray=True)
    assert gray.shape == (300, 451) and gray.dtype == np.uint8
    with pytest.raises(ValueError, match="name: unknown sample image 'dog'; expected one of"):
        data.sample_image("dog")


def test_sample_images_turn_gray_with_the_weights_the_course_teaches():
    """One grayscale everywhere: BT.601 (0.299, 0.587, 0.114), as chapter 02 and TensorFlow."""
    rgb = data.sample_image("chelsea").astype(np.float64)
    gray = data.sample_image("chelsea", gray=True).astype(np.float64)
    bt601 = rgb @ np.array([0.299, 0.587, 0.114])
    bt709 = rgb @ np.array([0.2125, 0.7154, 0.0721])
    assert np.abs(gray - bt601).max() <= 0.5
    assert np.abs(gray - bt709).max() > 5  # the two conventions differ visibly on this photo
    assert ops.images.LUMINANCE_WEIGHTS == (0.299, 0.587, 0.114)


def test_old_module_names_stay_importable_for_released_notebooks():
    import deepvision.arithmetic
    import deepvision.filters
    import deepvision.images
    import deepvision.numpy_mlp
    from deepvision.models import numpy_mlp
    from deepvision.widgets import ch05

    assert deepvision.arithmetic is ops.arithmetic
    assert deepvision.filters is ops.filters
    assert deepvision.images is ops.images
    assert deepvision.numpy_mlp is numpy_mlp
    assert ch05.load_digit_image is data.load_digit_image
    assert ch05.top_predictions is ops.top_predictions
