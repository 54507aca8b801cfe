"""Max and average pooling: shrink feature maps by summarising each window with one number.

Pooling has no weights. Each channel is pooled on its own (channels are never mixed), and by
default the windows do not overlap: the stride equals the pool size, so a 2x2 pool halves the
height and the width.

Taught in: chapter 06, "Pooling".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
from deepvision.ops.arithmetic import same_padding
from deepvision.ops.conv import _array, windows


def _pool(x, pool_size, stride, padding, reduce):
    x = _array(x, "x", 4, "(N, H, W, C)")
    pool_size = validate.pair(pool_size, "pool_size")
    stride = pool_size if stride is None else validate.pair(stride, "stride")
    padding = validate.padding(padding)
    if padding == "same":
        (top, bottom), (left, right) = same_padding(x.shape[1:3], pool_size, stride)
        # padded cells are NaN so that they never win a max nor count in an average (as Keras)
        x = np.pad(
            x.astype(np.result_type(x, np.float32)),
            ((0, 0), (top, bottom), (left, right), (0, 0)),
            constant_values=np.nan,
        )
    if pool_size[0] > x.shape[1] or pool_size[1] > x.shape[2]:
        shown = pool_size[0] if pool_size[0] == pool_size[1] else pool_size
        raise ValueError(
            f"pool_size: {shown} is larger than the input's height or width "
            f"(x shape {x.shape}, padding={padding!r})"
        )
    out_h = (x.shape[1] - pool_size[0]) // stride[0] + 1
    out_w = (x.shape[2] - pool_size[1]) // stride[1] + 1
    cols = windows(x, pool_size, stride, out_h, out_w)
    return reduce(cols, axis=(3, 4))


def max_pool2d(x, pool_size=2, stride=None, padding="valid"):
    """Max pooling over non-overlapping (or strided) windows.

    out[n, i, j, c] = max_{u, v < pool_size} x[n, i*S + u, j*S + v, c]

    Args:
        x: Feature maps, shape (N, H, W, C).
        pool_size: Window height and width: an int, or a pair (ph, pw).
        stride: Step between windows (an int or a pair); defaults to pool_size (windows side by
            side).
        padding: ``"valid"`` (drop a partial window at the edge) or ``"same"`` (keep it), as Keras.

    Returns:
        Array of shape (N, H', W', C), H' = (H - pool_size) // stride + 1 with "valid".

    Taught in: chapter 06, "Pooling".
    """
    return _pool(x, pool_size, stride, padding, np.nanmax)


def avg_pool2d(x, pool_size=2, stride=None, padding="valid"):
    """Average pooling: like :func:`max_pool2d` with the window's mean instead of its maximum.

    With ``"same"`` the zeros of the padding are not counted (as Keras' AveragePooling2D).

    Taught in: chapter 06, "Pooling".
    """
    return _pool(x, pool_size, stride, padding, np.nanmean)


def global_avg_pool2d(x):
    """Global average pooling: each feature map becomes one number, its mean.

    out[n, c] = mean_{i, j} x[n, i, j, c]

    The book's ``AveragePooling2D(pool_size=8)`` on 8x8 maps followed by ``Flatten`` computes
    exactly this; Keras calls it ``GlobalAveragePooling2D``.

    Args:
        x: Feature maps, shape (N, H, W, C).

    Returns:
        Array of shape (N, C).

    Taught in: chapter 07, "Global average pooling".
    """
    x = _array(x, "x", 4, "(N, H, W, C)")
    return x.mean(axis=(1, 2))


def max_pool2d_forward(x, pool_size=2, stride=None):
    """Forward pass of max pooling: ``out, cache = max_pool2d_forward(x, pool_size, stride)``.

    The same output as :func:`max_pool2d` ("valid" padding); the cache remembers which cell of
    each window held the maximum, the only cell whose gradient is not zero.

    Args:
        x: Feature maps, shape (N, H, W, C).
        pool_size: Window side (an int or a pair).
        stride: Step between windows (an int or a pair); defaults to pool_size.

    Returns:
        ``out`` (N, H', W', C) and the ``cache`` that :func:`max_pool2d_backward` needs.

    Taught in: chapter 06, "Capstone: the backward pass of max pooling".
    """
    x = _array(x, "x", 4, "(N, H, W, C)")
    pool_size = validate.pair(pool_size, "pool_size")
    stride = pool_size if stride is None else validate.pair(stride, "stride")
    if pool_size[0] > x.shape[1] or pool_size[1] > x.shape[2]:
        raise ValueError(
            f"pool_size: {pool_size} is larger than the input's height or width (x shape {x.shape})"
        )
    out_h = (x.shape[1] - pool_size[0]) // stride[0] + 1
    out_w = (x.shape[2] - pool_size[1]) // stride[1] + 1
    cols = windows(x, pool_size, stride, out_h, out_w)  # (N, H', W', ph, pw, C)
    flat = cols.reshape(*cols.shape[:3], -1, cols.shape[5])
    winner = flat.argmax(axis=3)  # (N, H', W', C): the first maximum of each window
    out = np.take_along_axis(flat, winner[:, :, :, None, :], axis=3)[:, :, :, 0, :]
    return out, (x.shape, pool_size, stride, winner)


def max_pool2d_backward(dout, cache):
    """Backward pass of max pooling: ``dx = max_pool2d_backward(dout, cache)``.

    Each window passes its output gradient to the one cell that held its maximum (the max is
    locally the identity on that cell and constant in the others); every other cell gets 0.
    Where windows overlap (stride < pool_size) a cell that wins several windows adds up their
    gradients.

    dx[n, i*S + u*, j*S + v*, c] += dout[n, i, j, c],   (u*, v*) = argmax of window (i, j)

    Args:
        dout: Gradient of the loss with respect to ``out``, shape (N, H', W', C).
        cache: From :func:`max_pool2d_forward`.

    Returns:
        ``dx``, shape (N, H, W, C).

    Taught in: chapter 06, "Capstone: the backward pass of max pooling".
    """
    x_shape, (ph, pw), (sh, sw), winner = cache
    dout = _array(dout, "dout", 4, f"(N, H', W', C) = {winner.shape}")
    if dout.shape != winner.shape:
        raise ValueError(f"dout: expected shape {winner.shape} (the output's), got {dout.shape}")
    n, out_h, out_w, c = winner.shape
    rows = np.arange(out_h)[None, :, None, None] * sh + winner // pw
    cols = np.arange(out_w)[None, None, :, None] * sw + winner % pw
    dx = np.zeros(x_shape, dtype=dout.dtype)
    images = np.broadcast_to(np.arange(n)[:, None, None, None], winner.shape)
    channels = np.broadcast_to(np.arange(c)[None, None, None, :], winner.shape)
    np.add.at(dx, (images, rows, cols, channels), dout)
    return dx
