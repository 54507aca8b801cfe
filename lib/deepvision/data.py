"""Datasets and sample photos for the course.

``load_mnist()`` and ``load_cifar10()`` return Keras-layout ``uint8`` arrays
``(x_train, y_train), (x_test, y_test)``. They look in this order:

1. the directory named by ``DEEPVISION_DATA_DIR`` (files ``mnist.npz``/``mnist-small.npz`` and
   ``cifar10.npz``/``cifar10-small.npz`` with arrays ``x_train, y_train, x_test, y_test``);
2. Keras' own cache and download (``keras.datasets``), for learners who are online.

Offline with neither, they raise :class:`DatasetUnavailableError`, which says what to do.
In quick mode they return a deterministic, stratified subset (sizes from ``deepvision.config``).

Taught in: chapter 04, "The data: MNIST".
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from deepvision import config, validate

CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

MNIST_CLASSES = tuple(str(digit) for digit in range(10))

# name -> (files to try in the data directory, image shape, label shape suffix)
_DATASETS = {
    "mnist": (("mnist.npz", "mnist-small.npz"), (28, 28), ()),
    "cifar10": (("cifar10.npz", "cifar10-small.npz"), (32, 32, 3), (1,)),
}

# scikit-image photos that ship with the package (no download needed).
_SAMPLE_IMAGES = {
    "chelsea": "chelsea",  # a cat, RGB 300x451
    "cat": "chelsea",
    "astronaut": "astronaut",
    "coffee": "coffee",
    "rocket": "rocket",
    "camera": "camera",  # grayscale 512x512
    "coins": "coins",  # grayscale 303x384
    "moon": "moon",
}


class DatasetUnavailableError(FileNotFoundError):
    """No local copy of a dataset and no way to download it."""


def stratified_indices(labels, n, seed=0):
    """Indices of a deterministic subset of ``n`` examples with every class in proportion.

    Args:
        labels: Integer class labels, shape (N,) or (N, 1).
        n: Subset size, 1 <= n <= N.
        seed: Seed of the per-class shuffle.

    Returns:
        Sorted int64 array of shape (n,).

    Taught in: chapter 01, "Data as a table".
    """
    labels = np.asarray(labels).reshape(-1)
    if not 1 <= n <= labels.size:
        raise ValueError(f"n: expected 1 <= n <= {labels.size} (the number of labels), got {n}")
    classes, counts = np.unique(labels, return_counts=True)
    quota = np.floor(counts / labels.size * n).astype(int)
    # hand out what rounding left over to the classes with the largest remainders
    remainder = counts / labels.size * n - quota
    for k in np.argsort(-remainder, kind="stable")[: n - quota.sum()]:
        quota[k] += 1
    rng = np.random.default_rng(seed)
    picked = [
        rng.permutation(np.flatnonzero(labels == c))[:q]
        for c, q in zip(classes, quota, strict=True)
    ]
    return np.sort(np.concatenate(picked))


def _load_local(name):
    directory = config.data_dir()
    if directory is None:
        return None
    if not os.path.isdir(directory):
        raise DatasetUnavailableError(
            f"{config.DATA_ENV}={directory!r} is not a directory; point it at a folder holding "
            f"{' or '.join(_DATASETS[name][0])}, or unset it to let Keras download {name}"
        )
    files, _, _ = _DATASETS[name]
    for index, filename in enumerate(files):
        path = os.path.join(directory, filename)
        if os.path.exists(path):
            if index > 0 and not config.is_quick():
                warnings.warn(
                    f"{name}: using {filename}, a subset, because {files[0]} is not in {directory}",
                    stacklevel=3,
                )
            return _read_npz(name, path)
    return None


def _read_npz(name, path):
    _, image_shape, label_suffix = _DATASETS[name]
    try:
        with np.load(path) as arrays:
            parts = {key: arrays[key] for key in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, ValueError, KeyError) as error:
        raise DatasetUnavailableError(
            f"{path}: not a readable {name} file with arrays x_train, y_train, x_test, y_test "
            f"({error})"
        ) from error
    for split in ("train", "test"):
        x, y = parts[f"x_{split}"], parts[f"y_{split}"]
        if x.shape[1:] != image_shape or y.shape != (x.shape[0], *label_suffix):
            raise DatasetUnavailableError(
                f"{path}: x_{split} has shape {x.shape} and y_{split} {y.shape}; expected "
                f"(N, {', '.join(map(str, image_shape))}) and (N{', 1' * len(label_suffix)})"
            )
    return (parts["x_train"], parts["y_train"]), (parts["x_test"], parts["y_test"])


def _load_keras(name):
    import keras

    loader = {"mnist": keras.datasets.mnist, "cifar10": keras.datasets.cifar10}[name]
    try:
        return loader.load_data()
    except Exception as error:  # Keras raises a bare Exception("URL fetch failure ...")
        files = " or ".join(_DATASETS[name][0])
        raise DatasetUnavailableError(
            f"{name} is not available: no local copy and Keras could not download it ({error}). "
            f"Either connect to the internet once (Keras caches the file in ~/.keras/datasets), "
            f"or set {config.DATA_ENV} to a folder holding {files} "
            f"(arrays x_train, y_train, x_test, y_test; the course repository's README says where "
            f"to get them)."
        ) from error


def _subset(name, splits, train_samples, test_samples):
    if train_samples is None and test_samples is None:
        budget = config.budget(name)
        train_samples, test_samples = budget.train_samples, budget.test_samples
    result = []
    for (x, y), n, label in zip(
        splits, (train_samples, test_samples), ("train_samples", "test_samples"), strict=True
    ):
        if n is not None:
            if not 1 <= n <= len(x):
                raise ValueError(f"{label}: expected between 1 and {len(x)}, got {n}")
            if n < len(x):
                keep = stratified_indices(y, n)
                x, y = x[keep], y[keep]
        result.append((x, y))
    return tuple(result)


def _load(name, train_samples, test_samples):
    splits = _load_local(name) or _load_keras(name)
    return _subset(name, splits, train_samples, test_samples)


def load_mnist(train_samples=None, test_samples=None):
    """MNIST handwritten digits.

    Args:
        train_samples: Size of a stratified training subset; None uses the mode's default
            (the whole set in full mode, a small subset in quick mode).
        test_samples: Likewise for the test set.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28) with values 0-255 and
        uint8 labels (N,) with values 0-9.

    Taught in: chapter 04, "The data: MNIST".
    """
    return _load("mnist", train_samples, test_samples)


def load_cifar10(train_samples=None, test_samples=None):
    """CIFAR-10 colour photos in 10 classes (names in :data:`CIFAR10_CLASSES`).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 32, 32, 3) and uint8 labels
        (N, 1), as Keras returns them.

    Taught in: chapter 07, "CIFAR-10".
    """
    return _load("cifar10", train_samples, test_samples)


def check_cifar10_images(x, name="x"):
    """``x`` as CIFAR-10 images as the loader gives them, or a ValueError naming ``name``.

    Expects uint8 values 0-255 of shape (N, 32, 32, 3) (or one image (32, 32, 3)): a float
    array here usually means the images were already scaled or standardised.

    Taught in: chapter 07, "CIFAR-10".
    """
    array = np.asarray(x)
    if array.dtype != np.uint8:
        raise ValueError(
            f"{name}: expected CIFAR-10 images of dtype uint8 (values 0-255, as load_cifar10 "
            f"returns them), got dtype {array.dtype}"
        )
    if array.shape[-3:] != (32, 32, 3) or array.ndim not in (3, 4):
        raise ValueError(
            f"{name}: expected shape (N, 32, 32, 3) or (32, 32, 3), got shape {array.shape}"
        )
    return array


def cifar10_class_names(labels):
    """The class name of each CIFAR-10 label: ``[3, 8] -> ["cat", "ship"]``.

    Args:
        labels: Integer labels 0-9, shape (N,) or (N, 1).

    Taught in: chapter 07, "CIFAR-10".
    """
    labels = validate.class_labels(np.asarray(labels).reshape(-1), len(CIFAR10_CLASSES))
    return [CIFAR10_CLASSES[label] for label in labels]


def sample_image(name="chelsea", gray=False):
    """A real photo shipped with scikit-image (no download).

    Args:
        name: One of ``chelsea`` (alias ``cat``), ``astronaut``, ``coffee``, ``rocket``,
            ``camera``, ``coins``, ``moon``.
        gray: Convert a colour photo to grayscale with the course's luminance weights, BT.601's
            0.299 R + 0.587 G + 0.114 B (:func:`deepvision.ops.to_grayscale`), rounded to uint8.

    Returns:
        uint8 array, (H, W, 3) for colour photos or (H, W) for grayscale ones.

    Taught in: chapter 02, "Colour images are stacks of channels"; chapter 06, "Edges on a real
    photo".
    """
    if name not in _SAMPLE_IMAGES:
        raise ValueError(
            f"name: unknown sample image {name!r}; expected one of {', '.join(_SAMPLE_IMAGES)}"
        )
    import skimage.data

    image = getattr(skimage.data, _SAMPLE_IMAGES[name])()
    if gray and image.ndim == 3:
        from deepvision.ops.images import to_grayscale

        image = np.clip(np.round(to_grayscale(image[..., :3])), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(image)


def sample_digit_path():
    """The path of a digit we drew (a 2, dark ink on white), shipped inside the package.

    It is package data, so it is there wherever the package is installed, Colab included (a
    notebook opened from GitHub has no files next to it).

    Returns:
        str: the path of a PNG file.

    Taught in: chapter 05, "Predicting an image file".
    """
    from importlib import resources

    return str(resources.files("deepvision") / "assets" / "my_digit.png")


#: How far from square a digit photo may be before :func:`load_digit_image` refuses to squash it.
MAX_ASPECT_RATIO = 1.25


def load_digit_image(path, invert="auto"):
    """Read an image file of one digit as MNIST does: (28, 28) float32, white on black, in [0, 1].

    Steps: open the file; paint any transparent pixels white; convert to grayscale; resize to
    28x28; scale to [0, 1]; invert a dark-on-light drawing so the digit is bright on black.

    Args:
        path: An image file PIL can read (PNG, JPEG, ...), roughly square.
        invert: True to invert, False not to, ``"auto"`` to invert when the background (the
            image's border) is light.

    Returns:
        float32 array of shape (28, 28).

    Raises:
        FileNotFoundError: No file at ``path``.
        ValueError: Not an image, or far from square (it would be distorted).

    Taught in: chapter 05, "Predicting an image file".
    """
    from PIL import Image, UnidentifiedImageError

    if invert not in (True, False, "auto"):
        raise ValueError(f"invert: expected True, False or 'auto', got {invert!r}")
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"path: no file at {path!r}")
    try:
        with Image.open(path) as opened:
            image = opened.copy()
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"path: {path!r} is not an image file PIL can read ({error})") from error
    width, height = image.size
    if max(width, height) > MAX_ASPECT_RATIO * min(width, height):
        raise ValueError(
            f"path: the image is {width}x{height} pixels; expected a roughly square image "
            f"(28x28 or larger) with the digit in the middle: crop it to a square first, "
            f"or it is squashed when resized to 28x28"
        )
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    gray = image.convert("L").resize((28, 28), Image.BILINEAR)
    x = np.asarray(gray, dtype=np.float32) / 255
    if invert == "auto":
        border = np.concatenate([x[0], x[-1], x[:, 0], x[:, -1]])
        invert = bool(border.mean() > 0.5)
    if invert:
        x = 1.0 - x
    return x
