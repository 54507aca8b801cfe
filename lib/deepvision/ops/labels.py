"""Class labels as network targets, and predictions read back as labels.

Taught in: chapter 03, "Networks: layers composed, one output per class".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate


def one_hot(labels, num_classes):
    """One-hot rows: row n is all zeros except a 1 in column ``labels[n]``.

    Same result as ``keras.utils.to_categorical(labels, num_classes)``.

    Args:
        labels: Integer class indices in [0, num_classes), shape (N,) or (N, 1) (CIFAR-10's
            layout).
        num_classes: Number of classes C.

    Returns:
        float64 array of shape (N, C).

    Taught in: chapter 03, "Networks: layers composed, one output per class".
    """
    num_classes = validate.integer(num_classes, "num_classes", minimum=1)
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"labels: expected shape (N,) or (N, 1), got shape {array.shape}")
    array = validate.class_labels(array, num_classes)
    out = np.zeros((array.size, int(num_classes)))
    out[np.arange(array.size), array] = 1.0
    return out


def top_predictions(probs, class_names=None, k=3):
    """The ``k`` most probable classes of one prediction, most probable first.

    Args:
        probs: Probabilities of one example, shape (C,) or (1, C).
        class_names: Optional C names; default the class indices as strings.
        k: How many to return.

    Returns:
        list of ``(name, probability)`` pairs.

    Taught in: chapter 05, "Predicting one image".
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim == 2 and probs.shape[0] == 1:
        probs = probs[0]
    if probs.ndim != 1:
        raise ValueError(f"probs: expected shape (C,) or (1, C), got {np.shape(probs)}")
    names = [str(i) for i in range(probs.size)] if class_names is None else list(class_names)
    if len(names) != probs.size:
        raise ValueError(f"class_names: expected {probs.size} names, got {len(names)}")
    order = np.argsort(-probs, kind="stable")[:k]
    return [(names[i], float(probs[i])) for i in order]
