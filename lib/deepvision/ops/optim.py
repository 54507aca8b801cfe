"""Optimizers.

Taught in: chapter 01, "Gradient descent".
"""

from __future__ import annotations

from deepvision.validate import float_array, positive_number


def gradient_descent_step(params, grads, lr):
    """One step of gradient descent: theta <- theta - lr * dL/dtheta.

    Args:
        params: An array, or a list or dict of arrays (one per parameter).
        grads: Gradients with exactly the structure and shapes of ``params``.
        lr: The learning rate alpha, > 0.

    Returns:
        New parameters with the structure of ``params`` (the inputs are not modified).
    """
    lr = positive_number(lr, "lr")
    if isinstance(params, dict):
        if not isinstance(grads, dict) or set(grads) != set(params):
            raise ValueError(
                f"grads: expected a dict with keys {sorted(params)}, got {grads!r:.80}"
            )
        return {key: _step(params[key], grads[key], lr, f"[{key!r}]") for key in params}
    if isinstance(params, (list, tuple)):
        if not isinstance(grads, (list, tuple)) or len(grads) != len(params):
            raise ValueError(f"grads: expected a list of {len(params)} arrays, like params")
        return type(params)(
            _step(p, g, lr, f"[{i}]") for i, (p, g) in enumerate(zip(params, grads, strict=True))
        )
    return _step(params, grads, lr, "")


def _step(param, grad, lr, where):
    param = float_array(param, f"params{where}")
    grad = float_array(grad, f"grads{where}")
    if param.shape != grad.shape:
        raise ValueError(
            f"grads{where}: expected shape {param.shape} (the shape of params{where}), "
            f"got {grad.shape}"
        )
    return param - lr * grad
