"""Convolution, from a 1-D sliding dot product to a vectorized 2-D layer with its backward pass.

What deep learning calls "convolution" (Keras ``Conv2D``, ``tf.nn.conv2d``) is, strictly,
**cross-correlation**: the kernel slides over the input *without* being flipped,

    out[n, i, j, f] = b[f] + sum_{u, v, c} xp[n, i*S + u, j*S + v, c] * w[u, v, c, f]

where ``xp`` is the zero-padded input and S the stride. A true (mathematical) convolution flips
the kernel first; since the kernel is learnt, the two are equally good for a network, but the
numbers differ for a fixed kernel such as Sobel. Everything here follows Keras.

Three versions of the same 2-D operation:

* :func:`conv2d_naive`: plain loops over images, output positions and filters (for teaching);
* :func:`conv2d`: **im2col**, every window laid out as a row of a matrix, then one matrix product;
* :func:`conv2d_forward` / :func:`conv2d_backward`: the layer as a forward/backward pair.

Taught in: chapter 06, "Sliding a filter: one dimension", "Sliding a filter: two dimensions",
"Stride and padding" and "Several channels, several filters".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
from deepvision.ops.arithmetic import same_padding


def _array(value, name, ndim, layout):
    """A finite numeric array of ``ndim`` dimensions; float dtypes kept, others as float64."""
    array = validate.number_array(value, name, ndim=ndim, layout=layout, dtype=None)
    return array if array.dtype.kind == "f" else array.astype(np.float64)


def conv1d(sequence, weights):
    """Slide ``weights`` along ``sequence``; each output is a dot product (no flip, no padding).

    c[k] = sum_{t=0}^{n-1} s[k + t] * w[t],   k = 0, ..., m - n   (m - n + 1 outputs)

    Args:
        sequence: Shape (m,).
        weights: Shape (n,), n <= m.

    Returns:
        Array of shape (m - n + 1,).

    Taught in: chapter 06, "Sliding a filter: one dimension".
    """
    sequence = _array(sequence, "sequence", 1, "(m,)")
    weights = _array(weights, "weights", 1, "(n,)")
    m, n = len(sequence), len(weights)
    if n == 0 or n > m:
        raise ValueError(
            f"weights: expected 1 <= length <= len(sequence) = {m}, got shape {weights.shape} "
            f"(sequence shape {sequence.shape})"
        )
    out = np.zeros(m - n + 1, dtype=np.result_type(sequence, weights))
    for k in range(m - n + 1):
        out[k] = np.sum(sequence[k : k + n] * weights)
    return out


def _prepare(x, w, b, stride, padding):
    """Validate the arguments of a 2-D convolution; pad x; return what the loops need."""
    x = _array(x, "x", 4, "(N, H, W, C)")
    w = _array(w, "w", 4, "(kh, kw, c_in, c_out)")
    stride = validate.pair(stride, "stride")
    padding = validate.padding(padding)
    kh, kw, c_in, c_out = w.shape
    if x.shape[3] != c_in:
        raise ValueError(
            f"w: has {c_in} input channels (shape {w.shape}) but x has {x.shape[3]} "
            f"(shape {x.shape}); expected w of shape (kh, kw, {x.shape[3]}, c_out)"
        )
    if b is not None:
        b = _array(b, "b", 1, "(c_out,)")
        if b.shape != (c_out,):
            raise ValueError(f"b: expected shape ({c_out},) (one bias per filter), got {b.shape}")
    xp = pad_input(x, (kh, kw), stride, padding)
    if kh > xp.shape[1] or kw > xp.shape[2]:
        raise ValueError(
            f"w: kernel {kh}x{kw} (shape {w.shape}) is larger than the padded input "
            f"{xp.shape[1]}x{xp.shape[2]} (x shape {x.shape}, padding={padding!r})"
        )
    out_h = (xp.shape[1] - kh) // stride[0] + 1
    out_w = (xp.shape[2] - kw) // stride[1] + 1
    return xp, w, b, stride, out_h, out_w


def pad_input(x, kernel_size, stride, padding):
    """Zero-pad images (N, H, W, C) as Keras does for ``padding`` ("valid": no padding).

    With ``"same"`` each spatial axis gets :func:`deepvision.ops.arithmetic.same_padding` zeros:
    half before, the rest (one more when the total is odd) after, i.e. on the bottom and right.
    ``kernel_size`` and ``stride`` are ints or pairs.

    Taught in: chapter 06, "SAME and VALID".
    """
    if validate.padding(padding) == "valid":
        return x
    (top, bottom), (left, right) = same_padding(
        x.shape[1:3], validate.pair(kernel_size, "kernel_size"), validate.pair(stride, "stride")
    )
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def windows(xp, kernel_size, stride, out_h, out_w):
    """Every window of a padded batch, laid out as (N, out_h, out_w, kh, kw, C).

    One strided slice per kernel offset (kh * kw slices), never a Python loop over positions.
    ``kernel_size`` and ``stride`` are ints or pairs.

    Taught in: chapter 06, "Making it fast: im2col".
    """
    kh, kw = validate.pair(kernel_size, "kernel_size")
    sh, sw = validate.pair(stride, "stride")
    n, _, _, c = xp.shape
    cols = np.empty((n, out_h, out_w, kh, kw, c), dtype=xp.dtype)
    for u in range(kh):
        for v in range(kw):
            cols[:, :, :, u, v, :] = xp[
                :, u : u + sh * (out_h - 1) + 1 : sh, v : v + sw * (out_w - 1) + 1 : sw
            ]
    return cols


def conv2d_naive(x, w, b=None, stride=1, padding="valid"):
    """2-D convolution (cross-correlation, as Keras) with plain loops: the definition, slowly.

    out[n, i, j, f] = b[f] + sum_{u, v, c} xp[n, i*S + u, j*S + v, c] * w[u, v, c, f]

    Args:
        x: Images, shape (N, H, W, C_in).
        w: Kernels, shape (kh, kw, C_in, C_out).
        b: Biases, shape (C_out,), or None.
        stride: Step S between windows: an int, or a pair (S_h, S_w).
        padding: ``"valid"`` or ``"same"`` (Keras semantics).

    Returns:
        Array (N, H', W', C_out); see :mod:`deepvision.ops.arithmetic` for H' and W'.

    Raises:
        ValueError: wrong ranks, channel mismatch, a non-positive stride, an unknown padding or
            a kernel larger than the padded input.

    Taught in: chapter 06, "Sliding a filter: two dimensions".
    """
    xp, w, b, (sh, sw), out_h, out_w = _prepare(x, w, b, stride, padding)
    kh, kw, _, c_out = w.shape
    out = np.zeros((xp.shape[0], out_h, out_w, c_out), dtype=np.result_type(xp, w))
    for n in range(xp.shape[0]):
        for i in range(out_h):
            for j in range(out_w):
                patch = xp[n, i * sh : i * sh + kh, j * sw : j * sw + kw, :]
                for f in range(c_out):
                    out[n, i, j, f] = np.sum(patch * w[:, :, :, f])
    if b is not None:
        out += b
    return out


def conv2d(x, w, b=None, stride=1, padding="valid"):
    """2-D convolution, vectorized with im2col: same arguments and result as :func:`conv2d_naive`.

    Every window becomes one row of a matrix of shape (N * H' * W', kh * kw * C_in); the kernels
    become a matrix (kh * kw * C_in, C_out); one matrix product computes every output at once.
    float32 inputs stay float32 (as in Keras); anything else is computed in float64.

    Taught in: chapter 06, "Making it fast: im2col".
    """
    out, _ = conv2d_forward(x, w, b, stride, padding)
    return out


def conv2d_forward(x, w, b=None, stride=1, padding="valid"):
    """Forward pass of a conv layer: ``out, cache = conv2d_forward(x, w, b, stride, padding)``.

    Returns:
        ``out`` (N, H', W', C_out) as :func:`conv2d`, and the ``cache`` that
        :func:`conv2d_backward` needs.

    Taught in: chapter 06, "Making it fast: im2col".
    """
    x_shape = np.shape(x)
    xp, w, b, stride, out_h, out_w = _prepare(x, w, b, stride, padding)
    kh, kw, c_in, c_out = w.shape
    dtype = np.result_type(xp, w)
    cols = windows(xp.astype(dtype, copy=False), (kh, kw), stride, out_h, out_w)
    matrix = cols.reshape(-1, kh * kw * c_in)
    out = (matrix @ w.astype(dtype, copy=False).reshape(-1, c_out)).reshape(
        xp.shape[0], out_h, out_w, c_out
    )
    if b is not None:
        out += b.astype(dtype, copy=False)
    cache = (x_shape, xp.shape, matrix, w, stride, validate.padding(padding), b is not None)
    return out, cache


def conv2d_backward(dout, cache):
    """Backward pass of a conv layer: ``dx, dw, db = conv2d_backward(dout, cache)``.

    dw = im2col(x)^T @ dout,  db = sum of dout over N, H', W',
    dx = col2im(dout @ w^T): each window's gradient is added back where the window came from,
    then the padding is cut off.

    Args:
        dout: Gradient of the loss with respect to ``out``, shape (N, H', W', C_out).
        cache: From :func:`conv2d_forward`.

    Returns:
        ``dx`` (N, H, W, C_in), ``dw`` (kh, kw, C_in, C_out), ``db`` (C_out,) or None when the
        forward pass had no bias.

    Taught in: chapter 06, "Making it fast: im2col".
    """
    x_shape, xp_shape, matrix, w, (sh, sw), padding, has_bias = cache
    kh, kw, c_in, c_out = w.shape
    n, hp, wp, _ = xp_shape
    out_h, out_w = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    dout = _array(dout, "dout", 4, f"(N, H', W', C_out) = {(n, out_h, out_w, c_out)}")
    if dout.shape != (n, out_h, out_w, c_out):
        raise ValueError(f"dout: expected shape {(n, out_h, out_w, c_out)}, got {dout.shape}")
    flat = dout.reshape(-1, c_out)
    dw = (matrix.T @ flat).reshape(w.shape)
    db = flat.sum(axis=0) if has_bias else None
    dcols = (flat @ w.reshape(-1, c_out).T).reshape(n, out_h, out_w, kh, kw, c_in)
    dxp = np.zeros(xp_shape, dtype=dcols.dtype)
    for u in range(kh):
        for v in range(kw):
            dxp[
                :, u : u + sh * (out_h - 1) + 1 : sh, v : v + sw * (out_w - 1) + 1 : sw
            ] += dcols[:, :, :, u, v, :]
    if padding == "same":
        (top, _), (left, _) = same_padding(x_shape[1:3], (kh, kw), (sh, sw))
        dxp = dxp[:, top : top + x_shape[1], left : left + x_shape[2], :]
    return dxp, dw, db
