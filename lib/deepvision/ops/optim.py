"""Optimizers, and the learning-rate schedules that drive them.

Taught in: chapter 01, "Gradient descent"; chapter 05, "Learning-rate schedules".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
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


SCHEDULES = ("constant", "steps (the book's shape)", "exponential", "cosine")


def schedule_rates(kind, learning_rate, epochs):
    """The learning rate of every epoch (counted from 0) for one schedule shape.

    * ``"constant"``: ``learning_rate`` throughout;
    * ``"steps (the book's shape)"``: divided by 5, 10 and 100 after 30%, 55% and 80% of the
      epochs (for the book's 20 epochs: from epochs 6, 11 and 16, as chapter 05's schedule);
    * ``"exponential"``: multiplied by the same factor each epoch, down to 1% at the last one;
    * ``"cosine"``: ``learning_rate * (1 + cos(pi * epoch / epochs)) / 2``.

    Args:
        kind: One of :data:`SCHEDULES`.
        learning_rate: The starting rate, > 0.
        epochs: How many epochs, >= 1.

    Returns:
        Array of shape (epochs,).

    Taught in: chapter 05, "Learning-rate schedules".
    """
    if kind not in SCHEDULES:
        raise ValueError(f"kind: expected one of {SCHEDULES}, got {kind!r}")
    learning_rate = validate.positive_number(learning_rate, "learning_rate")
    epochs = validate.positive_int(epochs, "epochs")
    epoch = np.arange(epochs, dtype=np.float64)
    if kind == "constant":
        factor = np.ones(epochs)
    elif kind.startswith("steps"):
        factor = np.select(
            [epoch >= 0.8 * epochs, epoch >= 0.55 * epochs, epoch >= 0.3 * epochs],
            [0.01, 0.1, 0.2],
            1.0,
        )
    elif kind == "exponential":
        factor = 0.01 ** (epoch / max(epochs - 1, 1))
    else:
        factor = (1 + np.cos(np.pi * epoch / epochs)) / 2
    return learning_rate * factor
