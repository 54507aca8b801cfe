"""Class labels as network targets.

Taught in: chapter 03, "One output per class".
"""

from __future__ import annotations

import numbers

import numpy as np

from deepvision._validate import class_labels


def one_hot(labels, num_classes):
    """One-hot rows: row n is all zeros except a 1 in column ``labels[n]``.

    Same result as ``keras.utils.to_categorical(labels, num_classes)``.

    Args:
        labels: Integer class indices in [0, num_classes), shape (N,) or (N, 1) (CIFAR-10's
            layout).
        num_classes: Number of classes C.

    Returns:
        float64 array of shape (N, C).

    Taught in: chapter 03, "One output per class".
    """
    integer = isinstance(num_classes, numbers.Integral) and not isinstance(num_classes, bool)
    if not integer or num_classes < 1:
        raise ValueError(f"num_classes: expected an integer >= 1, got {num_classes!r}")
    array = np.asarray(labels)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"labels: expected shape (N,) or (N, 1), got shape {array.shape}")
    array = class_labels(array, int(num_classes))
    out = np.zeros((array.size, int(num_classes)))
    out[np.arange(array.size), array] = 1.0
    return out
