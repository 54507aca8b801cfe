"""Images as arrays: grayscale matrices, RGB tensors, batches, and the scaling a network wants.

Layouts follow Keras: one image is ``(H, W)`` (grayscale) or ``(H, W, C)`` with the channels
last (C = 3 for RGB), and a batch is ``(N, H, W, C)``. Pixels straight from a file are ``uint8``
intensities 0-255, where 0 is no light (black) and 255 full intensity (white).

Taught in: chapter 02, "Pixels", "Colour images are stacks of channels" and "Data types, and why we
scale pixels".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate

#: ITU-R BT.601 luma weights for (R, G, B), the ones ``tf.image.rgb_to_grayscale`` uses. The eye is
#: most sensitive to green and least to blue, so green counts most. The course uses these
#: everywhere (:func:`deepvision.data.sample_image` too), never BT.709's 0.2125, 0.7154, 0.0721.
LUMINANCE_WEIGHTS = (0.299, 0.587, 0.114)

#: The value ranges :func:`normalize` and :func:`denormalize` know.
VALUE_RANGES = ((0.0, 1.0), (-1.0, 1.0))


def _image(value, name, ranks=(2, 3), channels=None):
    """``value`` as a numeric array of one of ``ranks``, or a ValueError naming ``name``."""
    array = validate.number_array(value, name, ndim=tuple(ranks), layout="images", dtype=None)
    if channels is not None and array.ndim >= 3 and array.shape[-1] != channels:
        raise ValueError(
            f"{name}: expected {channels} channels in the last axis, got shape {array.shape} "
            f"(images are channels-last: (H, W, C))"
        )
    return array


def _value_range(value_range):
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"value_range: expected (0, 1) or (-1, 1), got {value_range!r}"
        ) from error
    if (low, high) not in VALUE_RANGES:
        raise ValueError(f"value_range: expected (0, 1) or (-1, 1), got {value_range!r}")
    return low, high


def _index(value, name, low, high):
    return validate.integer(value, name, minimum=low, maximum=high)


def to_grayscale(image, weights=LUMINANCE_WEIGHTS):
    """Luminance of an RGB image: a weighted sum of its three channels.

    gray = 0.299 R + 0.587 G + 0.114 B  (with the default weights)

    Args:
        image: RGB image (H, W, 3) or batch (N, H, W, 3), any numeric dtype.
        weights: The (R, G, B) weights; they should sum to 1 so white stays white.

    Returns:
        float64 array (H, W) or (N, H, W), on the same scale as ``image`` (0-255 stays 0-255).

    Taught in: chapter 02, "Colour images are stacks of channels".
    """
    image = _image(image, "image", ranks=(3, 4), channels=3)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (3,):
        raise ValueError(f"weights: expected shape (3,) for (R, G, B), got shape {weights.shape}")
    return image.astype(np.float64) @ weights


def normalize(image, value_range=(0, 1)):
    """Scale 0-255 pixels to float32 in ``value_range``.

    (0, 1):  x / 255
    (-1, 1): x / 127.5 - 1 = (x - 127.5) / 127.5   (parentheses matter: ``x - 127.5 / 127.5``
             is x - 1)

    Args:
        image: Pixels in [0, 255], any shape (an image, a batch, a video), any numeric dtype.
        value_range: ``(0, 1)`` or ``(-1, 1)``.

    Returns:
        float32 array of the same shape.

    Taught in: chapter 02, "Data types, and why we scale pixels".
    """
    low, _ = _value_range(value_range)
    image = _image(image, "image", ranks=range(0, 33))
    if image.size and (image.min() < 0 or image.max() > 255):
        raise ValueError(
            f"image: expected pixel values in [0, 255], got values from {image.min()} to "
            f"{image.max()} (is it already normalized?)"
        )
    x = image.astype(np.float32)
    return x / np.float32(255.0) if low == 0 else x / np.float32(127.5) - np.float32(1.0)


def denormalize(x, value_range=(0, 1)):
    """Undo :func:`normalize`: back to uint8 pixels 0-255, rounded and clipped.

    (0, 1):  round(x * 255)
    (-1, 1): round((x + 1) * 127.5)

    Args:
        x: Floats in ``value_range``; values slightly outside (a network's output) are clipped.
        value_range: ``(0, 1)`` or ``(-1, 1)``.

    Returns:
        uint8 array of the same shape.

    Taught in: chapter 02, "Data types, and why we scale pixels".
    """
    low, _ = _value_range(value_range)
    x = _image(x, "x", ranks=range(0, 33)).astype(np.float64)
    pixels = x * 255.0 if low == 0 else (x + 1.0) * 127.5
    return np.clip(np.round(pixels), 0, 255).astype(np.uint8)


def split_channels(image):
    """The channels of an image as separate 2-D arrays.

    Args:
        image: (H, W, C), e.g. RGB with C = 3.

    Returns:
        Tuple of C arrays, each (H, W), same dtype.

    Taught in: chapter 02, "Colour images are stacks of channels".
    """
    image = _image(image, "image", ranks=(3,))
    return tuple(image[:, :, c] for c in range(image.shape[2]))


def stack_channels(channels):
    """Stack 2-D channels along a new last axis: the inverse of :func:`split_channels`.

    Args:
        channels: Sequence of C arrays, each (H, W), all the same shape.

    Returns:
        Array (H, W, C).

    Taught in: chapter 02, "Colour images are stacks of channels".
    """
    if isinstance(channels, np.ndarray) or not isinstance(channels, (list, tuple)):
        raise ValueError(
            f"channels: expected a list or tuple of (H, W) arrays, got {type(channels).__name__}"
        )
    if not channels:
        raise ValueError("channels: expected at least one (H, W) array, got an empty sequence")
    arrays = [_image(c, f"channels[{i}]", ranks=(2,)) for i, c in enumerate(channels)]
    for i, array in enumerate(arrays[1:], start=1):
        if array.shape != arrays[0].shape:
            raise ValueError(
                f"channels[{i}]: expected shape {arrays[0].shape} like channels[0], "
                f"got shape {array.shape}"
            )
    return np.stack(arrays, axis=-1)


def crop(image, top, left, height, width):
    """The ``height`` x ``width`` window whose top-left pixel is (``top``, ``left``).

    A crop is a slice of the first two axes: ``image[top:top + height, left:left + width]``.

    Args:
        image: (H, W) or (H, W, C).
        top, left: Row and column of the window's top-left pixel.
        height, width: Window size; the window must fit inside the image.

    Returns:
        A view of shape (height, width) or (height, width, C).

    Taught in: chapter 02, "Cropping and flipping are slices".
    """
    image = _image(image, "image")
    rows, cols = image.shape[:2]
    height = _index(height, "height", 1, rows)
    width = _index(width, "width", 1, cols)
    top = _index(top, "top", 0, rows - height)
    left = _index(left, "left", 0, cols - width)
    return image[top : top + height, left : left + width]


def center_crop(image, height, width):
    """The central ``height`` x ``width`` window (the extra pixel goes to the bottom/right).

    Args:
        image: (H, W) or (H, W, C).

    Returns:
        (height, width) or (height, width, C).

    Taught in: chapter 02, "Cropping and flipping are slices".
    """
    image = _image(image, "image")
    rows, cols = image.shape[:2]
    height = _index(height, "height", 1, rows)
    width = _index(width, "width", 1, cols)
    return crop(image, (rows - height) // 2, (cols - width) // 2, height, width)


def flip(image, direction="horizontal"):
    """Mirror an image by reversing one axis with a negative-step slice.

    horizontal (left-right): ``image[:, ::-1]``; vertical (upside down): ``image[::-1]``.

    Args:
        image: (H, W) or (H, W, C).
        direction: ``"horizontal"`` or ``"vertical"``.

    Returns:
        A view of the same shape.

    Taught in: chapter 02, "Cropping and flipping are slices".
    """
    image = _image(image, "image")
    direction = validate.choice(direction, "direction", ("horizontal", "vertical"))
    return image[:, ::-1] if direction == "horizontal" else image[::-1]


def to_batch(images):
    """Stack same-sized images into one Keras batch (N, H, W, C).

    Grayscale images (H, W) get a channel axis of size 1, so MNIST digits become (N, 28, 28, 1).

    Args:
        images: Sequence of N arrays, all (H, W) or all (H, W, C) of one shape.

    Returns:
        Array (N, H, W, C), the images' dtype.

    Taught in: chapter 02, "Batches: many images in one tensor".
    """
    if isinstance(images, np.ndarray):
        images = list(images)
    if not isinstance(images, (list, tuple)) or not images:
        raise ValueError("images: expected a non-empty list of (H, W) or (H, W, C) arrays")
    arrays = [_image(image, f"images[{i}]") for i, image in enumerate(images)]
    for i, array in enumerate(arrays[1:], start=1):
        if array.shape != arrays[0].shape:
            raise ValueError(
                f"images[{i}]: expected shape {arrays[0].shape} like images[0], got {array.shape}"
            )
    batch = np.stack(arrays, axis=0)
    return batch[..., np.newaxis] if batch.ndim == 3 else batch
