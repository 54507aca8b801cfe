"""Hand-made filters on grayscale photos: the Sobel edge detectors, blur, sharpen, line detectors.

Before a network learns its filters, it helps to see what fixed ones do. Each function slides a
kernel over a 2-D grayscale image with :func:`deepvision.ops.conv2d` (cross-correlation, as
Keras), so a positive Sobel-x response means "brighter to the right".

Taught in: chapter 06, "Filters are feature detectors" and "Edges on a real photo".
"""

from __future__ import annotations

import numpy as np

from deepvision.ops.conv import _array, conv2d

#: Vertical edges: responds to a change from left to right (the x direction).
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
#: Horizontal edges: responds to a change from top to bottom (the y direction).
SOBEL_Y = SOBEL_X.T.copy()
#: The book's 2x2 horizontal-line detector: 600 on a bright line above dark, 0 on a flat square.
BOOK_LINE_DETECTOR = np.array([[1.5, 1.5], [-1.5, -1.5]])

#: 3x3 kernels for the convolution explorer and the filter gallery.
KERNELS = {
    "identity": np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    "edges": np.array([[-1.0, -1.0, -1.0], [-1.0, 8.0, -1.0], [-1.0, -1.0, -1.0]]),
    "sobel x": SOBEL_X,
    "sobel y": SOBEL_Y,
    "blur": np.full((3, 3), 1.0 / 9.0),
    "sharpen": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "line detector": np.array([[1.5, 1.5, 1.5], [-1.5, -1.5, -1.5], [0.0, 0.0, 0.0]]),
}


def filter2d(image, kernel, padding="valid"):
    """Slide one 2-D kernel over one grayscale image (cross-correlation, as Keras).

    Args:
        image: Grayscale image, shape (H, W); any numeric dtype (uint8 photos are fine).
        kernel: Shape (kh, kw).
        padding: ``"valid"`` (output (H - kh + 1, W - kw + 1)) or ``"same"`` (output (H, W),
            zeros around the border).

    Returns:
        float64 array: the feature map.

    Taught in: chapter 06, "Filters are feature detectors".
    """
    image = _array(image, "image", 2, "(H, W)").astype(np.float64)
    kernel = _array(kernel, "kernel", 2, "(kh, kw)").astype(np.float64)
    return conv2d(image[None, :, :, None], kernel[:, :, None, None], padding=padding)[0, :, :, 0]


def sobel_x(image):
    """Horizontal gradient G_x of a grayscale image (H, W): output (H - 2, W - 2).

    Taught in: chapter 06, "Edges on a real photo".
    """
    return filter2d(image, SOBEL_X)


def sobel_y(image):
    """Vertical gradient G_y of a grayscale image (H, W): output (H - 2, W - 2).

    Taught in: chapter 06, "Edges on a real photo".
    """
    return filter2d(image, SOBEL_Y)


def gradient_magnitude(image):
    """Edge strength sqrt(G_x² + G_y²) of a grayscale image (H, W): output (H - 2, W - 2).

    Taught in: chapter 06, "Edges on a real photo".
    """
    return np.hypot(sobel_x(image), sobel_y(image))
