"""The one input-validation vocabulary of the library: errors that read as sentences.

Every public function checks its arguments with these helpers, so every message has the same
shape: the argument's name, what was expected, and what was received::

    kernel_size: expected an integer >= 1 or a pair of them, got (3, 0)
    x: expected shape (N, H, W, C), got shape (28, 28)

A learner's mistake then reads as a sentence, not as a traceback from deep inside numpy.
"""

from __future__ import annotations

import numbers

import numpy as np

#: How the layouts the course uses are written in messages, by number of dimensions.
IMAGE_LAYOUTS = {2: "(H, W)", 3: "(H, W, C)", 4: "(N, H, W, C)"}


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def integer(value, name, minimum=None, maximum=None):
    """``value`` as an int within [minimum, maximum], or a ValueError naming ``name``."""
    if not _is_integer(value):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if minimum is not None and maximum is not None and not minimum <= value <= maximum:
        raise ValueError(f"{name}: expected an integer in [{minimum}, {maximum}], got {value!r}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}: expected an integer <= {maximum}, got {value!r}")
    return int(value)


def positive_int(value, name, allow_zero=False):
    """An integer >= 1 (>= 0 with ``allow_zero``)."""
    return integer(value, name, minimum=0 if allow_zero else 1)


def pair(value, name, minimum=1):
    """An int or a pair of ints, each >= ``minimum``, as a pair: ``3 -> (3, 3)``.

    Kernel sizes, strides and pool sizes are written either way in Keras (``kernel_size=3`` or
    ``kernel_size=(3, 5)``); every function of the course accepts both.
    """
    if _is_integer(value):
        values = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 2 and all(map(_is_integer, value)):
        values = tuple(value)
    else:
        values = None
    if values is None or min(values) < minimum:
        raise ValueError(
            f"{name}: expected an integer >= {minimum} or a pair of them, got {value!r}"
        )
    return int(values[0]), int(values[1])


def positive_number(value, name, allow_zero=False):
    """A finite real number > 0 (>= 0 with ``allow_zero``), as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}: expected a number {bound}, got {value!r}")
    return float(value)


def choice(value, name, options):
    """One of ``options`` (strings compared in lower case), as written in ``options``."""
    key = value.lower() if isinstance(value, str) else value
    for option in options:
        if key == (option.lower() if isinstance(option, str) else option):
            return option
    listed = " or ".join(repr(option) for option in options)
    raise ValueError(f"{name}: expected {listed}, got {value!r}")


def padding(value):
    """A Keras padding string: ``"valid"`` or ``"same"``, in lower case."""
    return choice(value, "padding", ("valid", "same"))


def number_array(value, name, ndim=None, min_ndim=None, layout=None, dtype=np.float64):
    """``value`` as a finite numeric array, or a ValueError naming ``name``.

    Args:
        value: Anything numpy can read as an array of numbers (booleans are refused).
        name: The argument's name, for the message.
        ndim: Exact number of dimensions required, or one of a tuple of them.
        min_ndim: Minimum number of dimensions.
        layout: How to write the expected shape in the message: a string such as
            ``"(N, H, W, C)"``, ``"images"`` for the image layouts of :data:`IMAGE_LAYOUTS`, or
            ``None`` to say the number of dimensions.
        dtype: Convert to this dtype; ``None`` keeps the input's numeric dtype.

    Returns:
        numpy array.
    """
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise ValueError(
            f"{name}: expected an array of numbers, got {type(value).__name__}"
        ) from error
    if array.dtype.kind not in "uif":
        what = type(value).__name__ if array.dtype == object else f"dtype {array.dtype}"
        raise ValueError(f"{name}: expected an array of numbers, got {what}")
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if allowed is not None and array.ndim not in allowed:
        if layout == "images":
            layout = " or ".join(IMAGE_LAYOUTS.get(n, f"{n} dimensions") for n in allowed)
        if layout is None:
            what = " or ".join(str(n) for n in allowed) + " dimensions"
        else:
            what = f"shape {layout}"
        raise ValueError(f"{name}: expected {what}, got shape {array.shape}")
    if min_ndim is not None and array.ndim < min_ndim:
        raise ValueError(
            f"{name}: expected at least {min_ndim} dimensions, got shape {array.shape}"
        )
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: contains NaN or infinity")
    return array


def float_array(value, name, ndim=None, min_ndim=None):
    """``value`` as a finite float64 array (see :func:`number_array`)."""
    return number_array(value, name, ndim=ndim, min_ndim=min_ndim)


def same_shape(a, b, name_a, name_b):
    """A ValueError unless arrays ``a`` and ``b`` have the same shape."""
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b}: shapes must match, got {a.shape} and {b.shape}")


def axis_index(axis, ndim, name="axis"):
    """An axis of an array with ``ndim`` dimensions (negative counts from the end)."""
    return integer(axis, name, minimum=-ndim, maximum=ndim - 1)


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
