"""Receptive fields: which input pixels one unit of a stack of convolutions and poolings sees.

Along one axis, a layer with kernel K, stride S, dilation D and P zeros padded before the input
turns the field of the layer below, (size r, jump j, start c), into

    K_eff   = D (K - 1) + 1                    (a dilated kernel spans K_eff pixels)
    r_out   = r + (K_eff - 1) j                (each extra tap reaches j input pixels further)
    j_out   = j S                              (neighbouring outputs sit S inputs apart)
    c_out   = c + ((K_eff - 1) / 2 - P) j      (the centre of the first output's field)

starting from the input itself: r = 1, j = 1, c = 0 (the centre of pixel 0). Output ``i`` of a
layer then sees the input pixels ``c + i j - (r - 1) / 2`` to ``c + i j + (r - 1) / 2``. The
field grows linearly with depth at stride 1, and every stride multiplies how fast the layers
above it grow it; dilation grows it without adding weights. (Pooling is a layer like any other
here: a window of K, a stride S.)

Taught in: chapter 10, "Receptive fields".
"""

from __future__ import annotations

from typing import NamedTuple

from deepvision import validate
from deepvision.ops.arithmetic import output_size, same_padding


class ReceptiveField(NamedTuple):
    """The receptive field of the units of one layer, along one axis.

    Attributes:
        size: How many input pixels one unit sees (the span, holes of a dilation included).
        jump: How many input pixels apart two neighbouring units' fields are.
        start: The input coordinate of the centre of the first unit's field (0 is the centre of
            input pixel 0; a half-integer for an even span; negative when it lies in padding).
    """

    size: int
    jump: int
    start: float


_KEYS = ("kernel_size", "stride", "dilation", "padding")


def _layer(spec, index):
    """One layer as (kernel_size, stride, dilation, padding) from a tuple or a dict."""
    where = f"layers[{index}]"
    if isinstance(spec, dict):
        unknown = set(spec) - set(_KEYS)
        if unknown or "kernel_size" not in spec:
            raise ValueError(
                f"{where}: expected a dict with 'kernel_size' and optionally 'stride', "
                f"'dilation', 'padding', got keys {sorted(spec)}"
            )
        defaults = {"stride": 1, "dilation": 1, "padding": "valid"}
        values = [spec.get(key, defaults.get(key)) for key in _KEYS]
    elif isinstance(spec, (tuple, list)) and 1 <= len(spec) <= 4:
        values = list(spec) + [1, 1, "valid"][len(spec) - 1 :]
    elif isinstance(spec, int) and not isinstance(spec, bool):
        values = [spec, 1, 1, "valid"]
    else:
        raise ValueError(
            f"{where}: expected kernel_size, (kernel_size, stride[, dilation[, padding]]) or a "
            f"dict, got {spec!r}"
        )
    kernel = validate.positive_int(values[0], f"{where} kernel_size")
    stride = validate.positive_int(values[1], f"{where} stride")
    dilation = validate.positive_int(values[2], f"{where} dilation")
    padding = values[3]
    if isinstance(padding, int) and not isinstance(padding, bool):
        padding = validate.positive_int(padding, f"{where} padding", allow_zero=True)
    else:
        padding = validate.padding(padding)
    return kernel, stride, dilation, padding


def receptive_field(layers, input_size=None):
    """The receptive field after each layer of a stack, along one axis.

    Args:
        layers: A sequence, bottom layer first, of ``kernel_size``,
            ``(kernel_size, stride[, dilation[, padding]])`` tuples or dicts with those keys.
            ``padding`` is ``"valid"`` (the default), ``"same"`` (Keras' rule: the zeros before
            the input depend on its size, so ``input_size`` is needed) or an int P of zeros
            before (and after) the input.
        input_size: The input's size along the axis; needed for ``"same"`` padding, and checked
            against every ``"valid"`` layer (the kernel must fit).

    Returns:
        A list of :class:`ReceptiveField`, one per layer (empty for no layers). ``size`` and
        ``jump`` do not depend on the padding; ``start`` does.

    Raises:
        ValueError: a layer that is not a kernel size, tuple or dict; a non-positive size,
            stride or dilation; ``"same"`` without ``input_size``; a kernel that does not fit.

    Taught in: chapter 10, "Receptive fields".
    """
    if isinstance(layers, (str, bytes, dict)) or not hasattr(layers, "__iter__"):
        raise ValueError(f"layers: expected a sequence of layers, got {layers!r}")
    size_along = None
    if input_size is not None:
        size_along = validate.positive_int(input_size, "input_size")
    size, jump, start = 1, 1, 0.0
    fields = []
    for index, spec in enumerate(layers):
        kernel, stride, dilation, padding = _layer(spec, index)
        effective = dilation * (kernel - 1) + 1
        if padding == "same":
            if size_along is None:
                raise ValueError(
                    f"input_size: layers[{index}] has padding='same', whose zeros depend on the "
                    "input's size; pass input_size"
                )
            before = same_padding(size_along, effective, stride)[0]
        elif padding == "valid":
            before = 0
        else:
            before = padding
        if size_along is not None:
            try:
                size_along = output_size(size_along, effective, stride, padding)
            except ValueError as error:
                raise ValueError(
                    f"layers[{index}]: a kernel spanning {effective} pixels (dilation "
                    f"included) does not fit: {error}"
                ) from error
        start = start + ((effective - 1) / 2 - before) * jump
        size = size + (effective - 1) * jump
        jump = jump * stride
        fields.append(ReceptiveField(size, jump, start))
    return fields


def receptive_field_size(layers):
    """How many input pixels (along one axis) one unit of the top layer sees.

    Args:
        layers: As for :func:`receptive_field` (padding does not change the size).

    Returns:
        int: 1 for no layers (a pixel sees itself).

    Taught in: chapter 10, "Receptive fields".
    """
    specs = []
    for index, spec in enumerate(layers):
        kernel, stride, dilation, _ = _layer(spec, index)
        specs.append((kernel, stride, dilation))
    fields = receptive_field(specs)
    return fields[-1].size if fields else 1


def field_span(field, index):
    """The first and last input pixels that unit ``index`` of a layer sees.

    Args:
        field: The layer's :class:`ReceptiveField`.
        index: The unit's position along the axis, >= 0.

    Returns:
        ``(first, last)`` ints, inclusive; they may lie outside the input (in the padding).

    Taught in: chapter 10, "Receptive fields".
    """
    if not isinstance(field, ReceptiveField):
        raise ValueError(f"field: expected a ReceptiveField, got {type(field).__name__}")
    index = validate.positive_int(index, "index", allow_zero=True)
    centre = field.start + index * field.jump
    half = (field.size - 1) / 2
    return round(centre - half), round(centre + half)
