"""Fully connected (dense) layers: a forward/backward pair.

A dense layer with ``n_in`` inputs and ``n_out`` neurons holds a kernel ``w`` of shape
(n_in, n_out), as Keras stores it, and a bias ``b`` of shape (n_out,). On a batch ``x`` of shape
(N, n_in) it computes every neuron on every example in one matrix product.

Taught in: chapter 03, "A layer is a matrix product" and "Learning: the backward pass of a layer".
"""

from __future__ import annotations

from deepvision.validate import float_array


def _check_layer(x, w, b):
    x = float_array(x, "x", ndim=2)
    w = float_array(w, "w", ndim=2)
    b = float_array(b, "b", ndim=1)
    if w.shape[0] != x.shape[1]:
        raise ValueError(
            f"w: expected shape ({x.shape[1]}, n_out) to match x of shape {x.shape} "
            f"(a dense kernel is (n_in, n_out)), got shape {w.shape}"
        )
    if b.shape != (w.shape[1],):
        raise ValueError(f"b: expected shape ({w.shape[1]},), one bias per neuron, got {b.shape}")
    return x, w, b


def dense_forward(x, w, b):
    """Forward pass of a dense layer.

    out = x @ w + b,  i.e.  out[n, j] = sum_i x[n, i] * w[i, j] + b[j]

    Args:
        x: Inputs, shape (N, n_in).
        w: Kernel, shape (n_in, n_out).
        b: Bias, shape (n_out,).

    Returns:
        ``(out, cache)``: ``out`` of shape (N, n_out), and ``cache = (x, w)``, what
        :func:`dense_backward` needs.

    Taught in: chapter 03, "A layer is a matrix product".
    """
    x, w, b = _check_layer(x, w, b)
    return x @ w + b, (x, w)


def dense_backward(dout, cache):
    """Backward pass of a dense layer: gradients of the loss from the gradient of its output.

    dx = dout @ w.T     (N, n_in)
    dw = x.T @ dout     (n_in, n_out)
    db = sum_n dout[n]  (n_out,)

    Args:
        dout: Gradient of the loss with respect to ``out``, shape (N, n_out).
        cache: ``(x, w)`` from :func:`dense_forward`.

    Returns:
        ``(dx, dw, db)`` with the shapes of ``x``, ``w`` and ``b``.

    Taught in: chapter 03, "Learning: the backward pass of a layer".
    """
    if not isinstance(cache, tuple) or len(cache) != 2:
        raise ValueError("cache: expected the (x, w) tuple that dense_forward returned")
    x, w = cache
    x = float_array(x, "cache x", ndim=2)
    w = float_array(w, "cache w", ndim=2)
    dout = float_array(dout, "dout", ndim=2)
    if dout.shape != (x.shape[0], w.shape[1]):
        raise ValueError(
            f"dout: expected shape ({x.shape[0]}, {w.shape[1]}), the shape of the layer's output, "
            f"got {dout.shape}"
        )
    return dout @ w.T, x.T @ dout, dout.sum(axis=0)
