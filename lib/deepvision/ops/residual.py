"""A residual connection, forward and backward: out = x + F(x).

F is two dense layers with a ReLU between them, F(x) = relu(x @ w1 + b1) @ w2 + b2, so that
the shortcut can add x: w2 maps back to x's width. Backpropagation through the sum is the point
of residual networks: the gradient reaching x is

    dx = dout + dF/dx^T dout,

the upstream gradient itself (the identity's Jacobian is I) **plus** what comes back through the
branch. However small the branch's part, dout always reaches x undiminished.

Taught in: chapter 09, "Residual networks".
"""

from __future__ import annotations

from deepvision.ops.activations import relu, relu_derivative
from deepvision.ops.dense import dense_backward, dense_forward
from deepvision.validate import float_array


def residual_forward(x, w1, b1, w2, b2, shortcut=True):
    """out = x + F(x) with F(x) = relu(x @ w1 + b1) @ w2 + b2 (or F(x) alone without shortcut).

    Args:
        x: Inputs, shape (N, D).
        w1: First kernel, shape (D, H); b1: its bias, shape (H,).
        w2: Second kernel, shape (H, D); b2: its bias, shape (D,).
        shortcut: Add x (a residual block) or not (the plain block, for comparison).

    Returns:
        ``(out, cache)``: ``out`` of shape (N, D) and what :func:`residual_backward` needs.

    Taught in: chapter 09, "Residual networks".
    """
    x = float_array(x, "x", ndim=2)
    w2 = float_array(w2, "w2", ndim=2)
    if w2.shape[1] != x.shape[1]:
        raise ValueError(
            f"w2: the branch must give back x's {x.shape[1]} features for the sum x + F(x); "
            f"expected shape (H, {x.shape[1]}), got {w2.shape}"
        )
    hidden, first = dense_forward(x, w1, b1)
    branch, second = dense_forward(relu(hidden), w2, b2)
    out = x + branch if shortcut else branch
    return out, (first, hidden, second, bool(shortcut))


def residual_backward(dout, cache):
    """Gradients of the loss through out = x + F(x).

    dx = dout + (branch's dx),  dw1, db1, dw2, db2 from the branch's two dense layers.

    Args:
        dout: Gradient of the loss with respect to ``out``, shape (N, D).
        cache: From :func:`residual_forward`.

    Returns:
        ``(dx, dw1, db1, dw2, db2)`` with the shapes of ``x``, ``w1``, ``b1``, ``w2``, ``b2``.

    Taught in: chapter 09, "Residual networks".
    """
    if not isinstance(cache, tuple) or len(cache) != 4:
        raise ValueError("cache: expected the tuple that residual_forward returned")
    first, hidden, second, shortcut = cache
    dout = float_array(dout, "dout", ndim=2)
    if dout.shape != hidden.shape[:1] + (second[1].shape[1],):
        raise ValueError(
            f"dout: expected shape {hidden.shape[:1] + (second[1].shape[1],)}, the shape of the "
            f"block's output, got {dout.shape}"
        )
    dhidden_out, dw2, db2 = dense_backward(dout, second)
    dx_branch, dw1, db1 = dense_backward(dhidden_out * relu_derivative(hidden), first)
    dx = dout + dx_branch if shortcut else dx_branch
    return dx, dw1, db1, dw2, db2
