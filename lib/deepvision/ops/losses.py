"""Loss functions and regularization penalties.

Taught in: chapter 01, "Loss functions" and "Regularization".
"""

from __future__ import annotations

import numpy as np

from deepvision.validate import class_labels, float_array, positive_number, same_shape

#: Probabilities are clipped to [EPSILON, 1] before the log, as Keras does.
EPSILON = 1e-7


def mse(y_pred, y_true, half=False):
    """Mean squared error.

    L = 1/n * sum_i (y_pred_i - y_true_i)^2, or 1/(2n) * sum_i (...)^2 when ``half`` is True
    (the form whose gradient is simply y_pred - y_true, divided by n).

    Args:
        y_pred: Predictions, any shape.
        y_true: Targets, the same shape as ``y_pred``.
        half: Use the 1/(2n) form.

    Returns:
        The loss, a Python float, averaged over every element.
    """
    y_pred = float_array(y_pred, "y_pred")
    y_true = float_array(y_true, "y_true")
    same_shape(y_pred, y_true, "y_pred", "y_true")
    if y_pred.size == 0:
        raise ValueError("y_pred: expected at least one prediction, got an empty array")
    loss = float(np.mean((y_pred - y_true) ** 2))
    return loss / 2 if half else loss


def cross_entropy(probs, labels):
    """Cross-entropy of predicted probabilities against the true classes, natural log.

    L = -1/N * sum_n ln(probs[n, label_n])

    Args:
        probs: Probabilities, shape (N, num_classes), rows summing to 1 (a softmax output).
        labels: True classes, either integers of shape (N,) or one-hot rows of shape
            (N, num_classes).

    Returns:
        The mean loss over the batch, a Python float.
    """
    probs = float_array(probs, "probs", ndim=2)
    num_classes = probs.shape[1]
    if np.any(probs < 0) or np.any(probs > 1 + 1e-6):
        raise ValueError("probs: expected probabilities in [0, 1] (apply softmax to scores first)")
    labels_array = np.asarray(labels)
    if labels_array.ndim == 2:
        one_hot = float_array(labels_array, "labels")
        same_shape(one_hot, probs, "labels (one-hot)", "probs")
        picked = np.sum(one_hot * np.log(np.clip(probs, EPSILON, 1.0)), axis=1)
        return float(-np.mean(picked))
    if labels_array.shape != (probs.shape[0],):
        raise ValueError(
            f"labels: expected shape ({probs.shape[0]},) of class indices or "
            f"({probs.shape[0]}, {num_classes}) one-hot, got {labels_array.shape}"
        )
    indices = class_labels(labels_array, num_classes)
    picked = probs[np.arange(probs.shape[0]), indices]
    return float(-np.mean(np.log(np.clip(picked, EPSILON, 1.0))))


def _weights_list(weights):
    if isinstance(weights, dict):
        weights = list(weights.values())
    if isinstance(weights, (list, tuple)) and weights and not np.isscalar(weights[0]):
        return [float_array(w, f"weights[{i}]") for i, w in enumerate(weights)]
    return [float_array(weights, "weights")]


def l2_penalty(weights, lam):
    """L2 regularization: lam * sum(theta^2) over every weight.

    Args:
        weights: One array, or a list (or dict) of arrays, e.g. every layer's kernel.
        lam: The weight decay lambda, >= 0.

    Returns:
        The penalty, a Python float.
    """
    lam = positive_number(lam, "lam", allow_zero=True)
    return lam * float(sum(np.sum(w**2) for w in _weights_list(weights)))


def l1_penalty(weights, lam):
    """L1 regularization: lam * sum(|theta|) over every weight.

    Args:
        weights: One array, or a list (or dict) of arrays.
        lam: The weight decay lambda, >= 0.

    Returns:
        The penalty, a Python float.
    """
    lam = positive_number(lam, "lam", allow_zero=True)
    return lam * float(sum(np.sum(np.abs(w)) for w in _weights_list(weights)))
