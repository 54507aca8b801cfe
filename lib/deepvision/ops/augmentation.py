"""Data augmentation: random flips, shifts and rotations of training images.

Each transformation keeps the image's shape and its label (a cat flipped left to right is still
a cat), and each is deterministic for given parameters; :func:`random_augment` draws the
parameters from a seeded generator, one set per image. Augmentation is applied to the
**training** images only: the validation and test images are left as they are, so that their
accuracy measures the task and not the distortions.

The conventions are Keras' preprocessing layers' (``RandomFlip``, ``RandomTranslation``,
``RandomRotation``) with ``fill_mode="constant"``: a positive ``dy`` shifts the content down, a
positive ``dx`` to the right, a positive angle turns it counter-clockwise about the image's centre
((H - 1) / 2, (W - 1) / 2), and pixels that come from outside the image are ``fill``.

Taught in: chapter 07, "Data augmentation".
"""

from __future__ import annotations

import numbers

import numpy as np

from deepvision import validate


def _images(x, name="x"):
    return validate.number_array(x, name, ndim=4, layout="(N, H, W, C)", dtype=None)


def _fill(fill):
    if isinstance(fill, bool) or not isinstance(fill, numbers.Real) or not np.isfinite(fill):
        raise ValueError(f"fill: expected a finite number, got {fill!r}")
    return fill


def flip_horizontal(x):
    """Mirror every image left to right: out[n, i, j, c] = x[n, i, W - 1 - j, c].

    Args:
        x: Images (N, H, W, C).

    Returns:
        Array of the shape and dtype of ``x``.

    Taught in: chapter 07, "Data augmentation".
    """
    return _images(x)[:, :, ::-1, :].copy()


def translate(x, dy, dx, fill=0):
    """Shift every image by whole pixels: ``dy`` rows down and ``dx`` columns right.

    out[n, i, j, c] = x[n, i - dy, j - dx, c], or ``fill`` where that pixel is outside.

    Args:
        x: Images (N, H, W, C).
        dy, dx: Integer shifts (negative: up, left).
        fill: Value of the uncovered pixels.

    Returns:
        Array of the shape and dtype of ``x``.

    Taught in: chapter 07, "Data augmentation".
    """
    x = _images(x)
    dy, dx = validate.integer(dy, "dy"), validate.integer(dx, "dx")
    fill = _fill(fill)
    height, width = x.shape[1:3]
    out = np.full_like(x, fill)
    if abs(dy) >= height or abs(dx) >= width:
        return out
    rows_out = slice(max(dy, 0), height + min(dy, 0))
    rows_in = slice(max(-dy, 0), height + min(-dy, 0))
    cols_out = slice(max(dx, 0), width + min(dx, 0))
    cols_in = slice(max(-dx, 0), width + min(-dx, 0))
    out[:, rows_out, cols_out, :] = x[:, rows_in, cols_in, :]
    return out


def rotate(x, angle, fill=0.0):
    """Rotate every image by ``angle`` degrees counter-clockwise about its centre (bilinear).

    Each output pixel (i, j) reads the input at the point that the rotation brings onto it,

        j_in = cx + cos(t) (j - cx) - sin(t) (i - cy)
        i_in = cy + sin(t) (j - cx) + cos(t) (i - cy),   cx = (W - 1) / 2, cy = (H - 1) / 2,

    interpolating between its four neighbours; neighbours outside the image count as ``fill``.

    Args:
        x: Images (N, H, W, C).
        angle: Degrees; positive turns the content counter-clockwise.
        fill: Value of the pixels that come from outside the image.

    Returns:
        float64 array of the shape of ``x``.

    Taught in: chapter 07, "Data augmentation".
    """
    x = _images(x).astype(np.float64)
    if isinstance(angle, bool) or not isinstance(angle, numbers.Real) or not np.isfinite(angle):
        raise ValueError(f"angle: expected a finite number of degrees, got {angle!r}")
    fill = float(_fill(fill))
    height, width = x.shape[1:3]
    theta = np.deg2rad(angle)
    cos, sin = np.cos(theta), np.sin(theta)
    cy, cx = (height - 1) / 2, (width - 1) / 2
    i, j = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    j_in = cx + cos * (j - cx) - sin * (i - cy)
    i_in = cy + sin * (j - cx) + cos * (i - cy)
    i0, j0 = np.floor(i_in).astype(int), np.floor(j_in).astype(int)
    di, dj = (i_in - i0)[None, :, :, None], (j_in - j0)[None, :, :, None]

    def pixel(rows, cols):
        inside = (rows >= 0) & (rows < height) & (cols >= 0) & (cols < width)
        values = x[:, np.clip(rows, 0, height - 1), np.clip(cols, 0, width - 1), :]
        return np.where(inside[None, :, :, None], values, fill)

    top = pixel(i0, j0) * (1 - dj) + pixel(i0, j0 + 1) * dj
    bottom = pixel(i0 + 1, j0) * (1 - dj) + pixel(i0 + 1, j0 + 1) * dj
    return top * (1 - di) + bottom * di


def random_augment(x, labels, seed, flip=True, max_shift=4, max_rotation=10.0, fill=0.0):
    """A random flip, shift and rotation for every image, drawn from ``seed``.

    Each image is flipped with probability 1/2 (when ``flip``), shifted by whole pixels drawn
    uniformly from [-max_shift, max_shift] along each axis, then rotated by an angle drawn
    uniformly from [-max_rotation, max_rotation] degrees. The labels are returned unchanged.

    Args:
        x: Images (N, H, W, C).
        labels: Their labels, shape (N,) (or (N, ...)).
        seed: An integer: the same seed gives the same augmentations.
        flip: Whether to flip at random.
        max_shift: Largest shift in pixels, >= 0.
        max_rotation: Largest rotation in degrees, >= 0.
        fill: Value of the pixels that come from outside the image.

    Returns:
        ``(augmented, labels)``: float64 images of the shape of ``x``, and the labels.

    Taught in: chapter 07, "Data augmentation".
    """
    x = _images(x)
    labels = np.asarray(labels)
    if labels.shape[:1] != x.shape[:1]:
        raise ValueError(
            f"labels: expected one label per image ({x.shape[0]}), got shape {labels.shape}"
        )
    seed = validate.integer(seed, "seed", minimum=0)
    max_shift = validate.integer(max_shift, "max_shift", minimum=0)
    max_rotation = validate.positive_number(max_rotation, "max_rotation", allow_zero=True)
    rng = np.random.default_rng(seed)
    out = np.empty(x.shape, dtype=np.float64)
    for index in range(x.shape[0]):
        image = x[index : index + 1]
        if flip and rng.random() < 0.5:
            image = flip_horizontal(image)
        dy, dx = rng.integers(-max_shift, max_shift + 1, size=2)
        image = translate(image, int(dy), int(dx), fill)
        angle = rng.uniform(-max_rotation, max_rotation)
        out[index] = rotate(image, angle, fill)[0] if max_rotation else image[0]
    return out, labels.copy()
