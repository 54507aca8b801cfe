"""Image folders: the CIFAR-10 cat/dog folder, the folder checks, the tf.data pipeline."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from deepvision import data, folders


def _png(path, size=(32, 32), value=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    pixels = np.full((*size, 3), value, dtype=np.uint8)
    pixels[0, 0] = [value, 255 - value, 7]
    Image.fromarray(pixels).save(path)


def _folder(root, per_class=5, classes=("cat", "dog")):
    for k, name in enumerate(classes):
        for i in range(per_class):
            _png(root / name / f"{name}{i}.png", value=40 * k + 3 * i)
    return root


@pytest.fixture(scope="module")
def cifar_folder(tmp_path_factory):
    return folders.write_cifar_folder(tmp_path_factory.mktemp("cats_and_dogs"))


def test_the_cifar_folder_holds_cifars_cats_and_dogs_as_png(cifar_folder):
    (x_train, y_train), (x_test, y_test) = data.load_cifar10(2000, 500)  # quick mode's sizes
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        for label, name in folders.CAT_DOG.items():
            expected = x[np.asarray(y).reshape(-1) == label]
            assert cifar_folder["counts"][split][name] == len(expected) > 0
            first = np.asarray(Image.open(f"{cifar_folder[split]}/{name}/{name}00000.png"))
            np.testing.assert_array_equal(first, expected[0])  # PNG is lossless
    found = folders.check_folder(cifar_folder["train"], image_size=(32, 32))
    assert found["classes"] == ["cat", "dog"] and found["sizes"] == {(32, 32)}


def test_the_default_folder_is_a_temporary_one_never_the_notebooks():
    import tempfile

    assert folders.default_folder().startswith(tempfile.gettempdir())


def test_rewriting_does_not_mix_two_datasets(tmp_path):
    _png(tmp_path / "train" / "cat" / "stale.png")
    written = folders.write_cifar_folder(tmp_path)
    files = list((tmp_path / "train" / "cat").iterdir())
    assert len(files) == written["counts"]["train"]["cat"]
    assert not (tmp_path / "train" / "cat" / "stale.png").exists()


def test_an_empty_or_missing_folder_is_named(tmp_path):
    with pytest.raises(folders.FolderError, match=r"empty\): put each class"):
        folders.check_folder(tmp_path)
    with pytest.raises(folders.FolderError, match="no such folder"):
        folders.check_folder(tmp_path / "nowhere")
    _folder(tmp_path, classes=("cat",))
    (tmp_path / "dog").mkdir()
    with pytest.raises(folders.FolderError, match=r"dog: the class folder 'dog' holds no image"):
        folders.check_folder(tmp_path)


def test_one_class_only_is_refused(tmp_path):
    _folder(tmp_path, classes=("cat",))
    with pytest.raises(folders.FolderError, match=r"only one class sub-folder \('cat'\)"):
        folders.check_folder(tmp_path)


def test_a_non_image_and_a_corrupt_file_are_named(tmp_path):
    _folder(tmp_path)
    (tmp_path / "dog" / "notes.txt").write_text("not a photo")
    with pytest.raises(folders.FolderError, match=r"dog/notes.txt: not an image file"):
        folders.check_folder(tmp_path)
    (tmp_path / "dog" / "notes.txt").unlink()
    (tmp_path / "cat" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    with pytest.raises(folders.FolderError, match=r"cat/broken.jpg: cannot be decoded"):
        folders.check_folder(tmp_path)


def test_mixed_sizes_fail_only_where_a_fixed_size_is_expected(tmp_path):
    _folder(tmp_path)
    _png(tmp_path / "dog" / "big.png", size=(40, 32))
    found = folders.check_folder(tmp_path)
    assert found["sizes"] == {(32, 32), (40, 32)} and found["counts"] == {"cat": 5, "dog": 6}
    with pytest.raises(folders.FolderError, match=r"big.png: is 40x32 pixels; expected 32x32"):
        folders.check_folder(tmp_path, image_size=(32, 32))


def _hashes(dataset):
    images, labels = folders.dataset_arrays(dataset)
    return {
        hashlib.sha1(image.tobytes()).hexdigest(): float(y)
        for image, y in zip(images, labels.reshape(len(labels), -1)[:, 0], strict=True)
    }


@pytest.mark.keras
def test_the_pipeline_splits_without_overlap_and_labels_from_folder_names(tmp_path):
    _folder(tmp_path, per_class=10)
    train, validation, names = folders.folder_datasets(tmp_path, batch_size=4, seed=3)
    assert names == ["cat", "dog"]
    seen_train, seen_validation = _hashes(train), _hashes(validation)
    assert len(seen_train) == 16 and len(seen_validation) == 4
    assert not set(seen_train) & set(seen_validation)
    images, labels = folders.dataset_arrays(train)
    assert images.shape[1:] == (32, 32, 3) and images.dtype == np.float32 and labels.shape[1] == 1
    # the label is the folder: the cat images have value 3 * i in their middle pixel
    for image, label in zip(images, labels[:, 0], strict=True):
        assert (image[5, 5, 0] < 40) == (label == 0)


@pytest.mark.keras
def test_two_calls_with_different_seeds_leak_images_which_one_call_cannot(tmp_path):
    import keras

    _folder(tmp_path, per_class=10)
    options = dict(validation_split=0.5, image_size=(32, 32), batch_size=4, verbose=False)
    train = keras.utils.image_dataset_from_directory(tmp_path, subset="training", seed=1, **options)
    validation = keras.utils.image_dataset_from_directory(
        tmp_path, subset="validation", seed=2, **options
    )
    assert set(_hashes(train)) & set(_hashes(validation)), "expected a leak with two seeds"


@pytest.mark.keras
def test_bad_pipeline_arguments_are_named(tmp_path):
    _folder(tmp_path, classes=("a", "b", "c"))
    with pytest.raises(folders.FolderError, match="label_mode='binary' needs exactly two"):
        folders.folder_datasets(tmp_path)
    with pytest.raises(ValueError, match="validation_split: expected a fraction"):
        folders.folder_datasets(tmp_path, validation_split=1.5, label_mode="int")
    train, validation, names = folders.folder_datasets(
        tmp_path, validation_split=0, label_mode="int"
    )
    assert validation is None and names == ["a", "b", "c"]
    with pytest.raises(ValueError, match="dataset: expected at least one batch"):
        folders.dataset_arrays(train.take(0))


@pytest.mark.keras
def test_without_semaphores_folders_are_indexed_serially_with_the_same_result(
    tmp_path, monkeypatch
):
    import multiprocessing

    from keras.src.utils import dataset_utils

    _folder(tmp_path, per_class=6)
    normal = folders.folder_datasets(tmp_path, seed=4)
    assert folders.ensure_folder_indexing() is False  # semaphores work here
    monkeypatch.setattr(dataset_utils, "ThreadPool", dataset_utils.ThreadPool)  # restored after

    def no_semaphores():
        raise PermissionError(13, "Permission denied")  # what a sandbox without /dev/shm says

    monkeypatch.setattr(multiprocessing, "Lock", no_semaphores)
    assert folders.ensure_folder_indexing() is True
    assert dataset_utils.ThreadPool is folders._SerialPool
    serial = folders.folder_datasets(tmp_path, seed=4)
    for a, b in zip(normal[:2], serial[:2], strict=True):
        np.testing.assert_array_equal(folders.dataset_arrays(a)[0], folders.dataset_arrays(b)[0])
