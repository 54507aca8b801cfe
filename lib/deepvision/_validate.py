"""Input checks shared by the public functions: errors that read as sentences."""

from __future__ import annotations

import numbers

import numpy as np


def float_array(value, name, ndim=None, min_ndim=None):
    """``value`` as a float64 array, or a ValueError naming ``name`` and the shape expected."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"{name}: expected an array of numbers, got {type(value).__name__}"
        ) from error
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimensions, got shape {array.shape}")
    if min_ndim is not None and array.ndim < min_ndim:
        raise ValueError(
            f"{name}: expected at least {min_ndim} dimensions, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: contains NaN or infinity")
    return array


def same_shape(a, b, name_a, name_b):
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b}: shapes must match, got {a.shape} and {b.shape}")


def positive_number(value, name, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}: expected a number {bound}, got {value!r}")
    return float(value)


def positive_int(value, name, allow_zero=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else ">= 1"
        raise ValueError(f"{name}: expected an integer {bound}, got {value!r}")
    return int(value)


def axis_index(axis, ndim, name="axis"):
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -ndim <= axis < ndim:
        raise ValueError(f"{name}: expected an integer in [{-ndim}, {ndim - 1}], got {axis!r}")
    return int(axis)


def class_labels(labels, num_classes, name="labels"):
    """Integer labels as an int64 array, each in [0, num_classes)."""
    array = np.asarray(labels)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(f"{name}: expected integer class indices, got non-integer values")
    elif array.dtype.kind not in "iub":
        raise ValueError(f"{name}: expected integer class indices, got dtype {array.dtype}")
    array = array.astype(np.int64)
    if array.size and (array.min() < 0 or array.max() >= num_classes):
        raise ValueError(
            f"{name}: class indices must lie in [0, {num_classes - 1}], "
            f"got values from {array.min()} to {array.max()}"
        )
    return array
