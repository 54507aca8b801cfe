"""Linear regression trained by gradient descent, polynomial features, and softmax regression
trained with a learning-rate schedule.

Taught in: chapter 01, "The learning algorithm" and "Under- and overfitting"; chapter 05,
"Learning-rate schedules".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
from deepvision.ops.optim import gradient_descent_step
from deepvision.validate import float_array, positive_int, positive_number


def linear_predict(x, theta, beta):
    """y = x @ theta + beta.

    Args:
        x: Features, shape (N, D).
        theta: Weights, shape (D,).
        beta: Bias, a number.

    Returns:
        Predictions, shape (N,).
    """
    x = float_array(x, "x", ndim=2)
    theta = float_array(theta, "theta", ndim=1)
    if theta.shape[0] != x.shape[1]:
        raise ValueError(
            f"theta: expected shape ({x.shape[1]},) for x of shape {x.shape}, got {theta.shape}"
        )
    return x @ theta + float(beta)


def mse_gradients(x, y, theta, beta):
    """Gradients of the half-MSE L = 1/(2N) sum (x_n . theta + beta - y_n)^2.

    dL/dtheta = 1/N x^T (y_pred - y),  dL/dbeta = 1/N sum (y_pred - y)

    Args:
        x: Features (N, D); y: targets (N,); theta: (D,); beta: a number.

    Returns:
        ``(dtheta, dbeta)`` with shapes (D,) and () .
    """
    y = float_array(y, "y", ndim=1)
    error = linear_predict(x, theta, beta) - y
    if error.shape != y.shape:
        raise ValueError(f"y: expected shape {error.shape}, got {y.shape}")
    n = y.shape[0]
    return np.asarray(x, dtype=np.float64).T @ error / n, np.sum(error) / n


def linear_regression_fit(x, y, lr=0.1, steps=200):
    """Fit y = x @ theta + beta by full-batch gradient descent on the half-MSE.

    Args:
        x: Features, shape (N, D).
        y: Targets, shape (N,).
        lr: Learning rate, > 0.
        steps: Number of gradient-descent steps, >= 1.

    Returns:
        ``(theta, beta, losses)``: weights (D,), bias (float) and the half-MSE before each
        step, shape (steps,).
    """
    x = float_array(x, "x", ndim=2)
    y = float_array(y, "y", ndim=1)
    if y.shape[0] != x.shape[0]:
        raise ValueError(f"y: expected {x.shape[0]} targets (one per row of x), got {y.shape[0]}")
    lr = positive_number(lr, "lr")
    steps = positive_int(steps, "steps")
    theta, beta = np.zeros(x.shape[1]), np.zeros(())
    losses = np.empty(steps)
    for step in range(steps):
        losses[step] = np.mean((x @ theta + beta - y) ** 2) / 2
        dtheta, dbeta = mse_gradients(x, y, theta, beta)
        theta, beta = gradient_descent_step([theta, beta], [dtheta, dbeta], lr)
    return theta, float(beta), losses


def polynomial_features(x, degree):
    """Columns x, x^2, ..., x^degree of a one-feature input.

    Args:
        x: Values, shape (N,).
        degree: Highest power, >= 1.

    Returns:
        Array of shape (N, degree).
    """
    x = float_array(x, "x", ndim=1)
    degree = positive_int(degree, "degree")
    return np.stack([x**power for power in range(1, degree + 1)], axis=1)


def polynomial_fit(x, y, degree):
    """Least-squares fit of a polynomial of ``degree`` (the closed form, no regularization).

    Args:
        x: Inputs (N,); y: targets (N,); degree: >= 1.

    Returns:
        Coefficients ``(beta, theta_1, ..., theta_degree)``, shape (degree + 1,).
    """
    features = polynomial_features(x, degree)
    y = float_array(y, "y", ndim=1)
    if y.shape[0] != features.shape[0]:
        raise ValueError(f"y: expected {features.shape[0]} targets, got {y.shape[0]}")
    design = np.hstack([np.ones((features.shape[0], 1)), features])
    coefficients, *_ = np.linalg.lstsq(design, y, rcond=None)
    return coefficients


def polynomial_predict(x, coefficients):
    """Evaluate beta + sum_k theta_k x^k, with coefficients from :func:`polynomial_fit`."""
    coefficients = float_array(coefficients, "coefficients", ndim=1)
    if coefficients.size < 2:
        raise ValueError(f"coefficients: expected at least 2 values, got {coefficients.size}")
    features = polynomial_features(x, coefficients.size - 1)
    return coefficients[0] + features @ coefficients[1:]


def train_with_schedule(x, labels, rates, x_val=None, labels_val=None, batch_size=100, seed=0):
    """Softmax regression trained by mini-batch SGD, one learning rate per epoch.

    The network of chapter 03 with no hidden layer (``probs = softmax(x @ w + b)``), trained on
    the cross-entropy loss; ``rates[e]`` is the learning rate of epoch ``e``. A run whose loss
    overflows stops there, and its remaining epochs read ``inf`` (loss) and ``nan`` (accuracy).

    Args:
        x: Inputs (N, D), scaled (pixels / 255).
        labels: Integer classes (N,).
        rates: One learning rate per epoch, shape (epochs,).
        x_val, labels_val: Optional validation data.
        batch_size: Examples per step.
        seed: Seeds the initial weights and the shuffles.

    Returns:
        dict with ``loss`` (mean training loss of each epoch), ``val_accuracy`` (one per epoch;
        empty without validation data) and ``steps`` (gradient steps per epoch).

    Taught in: chapter 05, "Learning-rate schedules".
    """
    x = validate.float_array(x, "x", ndim=2)
    labels = np.asarray(labels).reshape(-1).astype(int)
    if labels.shape != (x.shape[0],):
        raise ValueError(f"labels: expected shape ({x.shape[0]},), got {labels.shape}")
    rates = validate.number_array(rates, "rates", ndim=1, layout="(epochs,)")
    batch_size = validate.positive_int(batch_size, "batch_size")
    rng = np.random.default_rng(seed)
    w = rng.normal(scale=0.01, size=(x.shape[1], 10))  # small start: the first loss is about log 10
    b = np.zeros(10)
    rng = np.random.default_rng(seed + 1)
    history = {"loss": [], "val_accuracy": [], "steps": -(-len(x) // batch_size)}
    broken = False
    for rate in rates:
        losses = []
        if not broken:
            order = rng.permutation(len(x))
            with np.errstate(all="ignore"):
                for start in range(0, len(x), batch_size):
                    batch = order[start : start + batch_size]
                    z = x[batch] @ w + b
                    probs = np.exp(z - z.max(axis=1, keepdims=True))  # softmax, chapter 01
                    probs /= probs.sum(axis=1, keepdims=True)
                    rows = np.arange(len(batch))
                    losses.append(-np.mean(np.log(np.clip(probs[rows, labels[batch]], 1e-12, 1))))
                    probs[rows, labels[batch]] -= 1  # dL/dz = probs - one_hot, chapter 03
                    w -= rate * (x[batch].T @ probs) / len(batch)
                    b -= rate * probs.mean(axis=0)
            broken = not (np.isfinite(losses).all() and np.isfinite(w).all())
        history["loss"].append(np.inf if broken else float(np.mean(losses)))
        if x_val is not None:
            with np.errstate(all="ignore"):
                logits = np.asarray(x_val, dtype=np.float64) @ w + b
            predicted = np.argmax(logits, axis=1)
            accuracy = float(np.mean(predicted == np.asarray(labels_val).reshape(-1)))
            history["val_accuracy"].append(np.nan if broken else accuracy)
    return history
