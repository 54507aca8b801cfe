"""Chapter 05 helpers: read a digit photo the way MNIST expects, and show what the model thinks.

:func:`load_digit_image` turns any picture of one digit (a scan, a phone photo, the PNG shipped
with the chapter) into a 28x28 MNIST-like array: grayscale, white digit on black, values in
[0, 1]. :func:`top_predictions` and :func:`plot_prediction` show a model's probabilities.

Taught in: chapter 05, "Predicting an image file".
"""

from __future__ import annotations

import os

import numpy as np

#: How far from square an image may be before we refuse to squash it into 28x28.
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


def top_predictions(probs, class_names=None, k=3):
    """The ``k`` most probable classes of one prediction, most probable first.

    Args:
        probs: Probabilities of one example, shape (C,) or (1, C).
        class_names: Optional C names; default the class indices as strings.
        k: How many to return.

    Returns:
        list of ``(name, probability)`` pairs.

    Taught in: chapter 05, "Predicting one image".
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim == 2 and probs.shape[0] == 1:
        probs = probs[0]
    if probs.ndim != 1:
        raise ValueError(f"probs: expected shape (C,) or (1, C), got {np.shape(probs)}")
    names = [str(i) for i in range(probs.size)] if class_names is None else list(class_names)
    if len(names) != probs.size:
        raise ValueError(f"class_names: expected {probs.size} names, got {len(names)}")
    order = np.argsort(-probs, kind="stable")[:k]
    return [(names[i], float(probs[i])) for i in order]


def plot_prediction(image, probs, title=None):
    """An image beside a bar chart of the model's ten probabilities; returns the Figure.

    Taught in: chapter 05, "Predicting one image".
    """
    import matplotlib.pyplot as plt

    image = np.asarray(image)
    if image.size == 784:
        image = image.reshape(28, 28)
    probs = np.asarray(probs, dtype=np.float64).reshape(-1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 2.8), gridspec_kw={"width_ratios": [1, 2]})
    left.imshow(image, cmap="gray")
    left.axis("off")
    left.set_title(title or f"predicted {int(np.argmax(probs))}")
    bars = right.bar(range(probs.size), probs, color="#8da0cb")
    bars[int(np.argmax(probs))].set_color("#e34a33")
    right.set_xticks(range(probs.size))
    right.set_ylim(0, 1)
    right.set_xlabel("class")
    right.set_ylabel("probability")
    fig.tight_layout()
    return fig
