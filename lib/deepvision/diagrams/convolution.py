"""Diagrams of convolution, drawn by matplotlib: the volume, im2col, receptive fields.

Each function returns a ``matplotlib.figure.Figure`` and draws nothing the learner has to trust:
the numbers in the im2col layout come from :func:`deepvision.ops.conv.windows`, the fields of
the receptive-field diagram from :func:`deepvision.ops.receptive.receptive_field`.

Taught in: chapter 06, "Several channels, several filters", "Making it fast: im2col" and
"A hierarchy of features".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate
from deepvision.ops.conv import windows
from deepvision.ops.receptive import field_span, receptive_field

_INPUT, _FILTER, _OUTPUT, _HIGHLIGHT = "#9ecae1", "#fdae6b", "#a1d99b", "#de2d26"


def _box(axis, x, y, width, height, depth, colour, label=None, alpha=1.0, edge="black"):
    """A box in oblique projection: a front face width x height, receding depth up-right."""
    from matplotlib.patches import Polygon

    dx, dy = 0.5 * depth, 0.35 * depth
    faces = [
        [(x, y), (x + width, y), (x + width, y + height), (x, y + height)],
        [
            (x, y + height),
            (x + width, y + height),
            (x + width + dx, y + height + dy),
            (x + dx, y + height + dy),
        ],
        [
            (x + width, y),
            (x + width + dx, y + dy),
            (x + width + dx, y + height + dy),
            (x + width, y + height),
        ],
    ]
    for shade, face in zip((1.0, 0.85, 0.7), faces, strict=True):
        axis.add_patch(
            Polygon(
                face,
                closed=True,
                facecolor=colour,
                edgecolor=edge,
                alpha=alpha * shade,
                linewidth=1.2,
            )
        )
    if label:
        axis.text(x + width / 2, y - 0.6, label, ha="center", va="top", fontsize=10)


def convolution_volume(height=7, width=7, in_channels=3, kernel_size=3, filters=4):
    """One k x k x C_in filter on an H x W x C_in input makes one map; C_out filters, a stack.

    Args:
        height, width: The input's spatial size (valid padding, stride 1).
        in_channels: C_in, the input's depth (3 for a colour photo).
        kernel_size: k.
        filters: C_out, the number of filters and of output maps.

    Returns:
        The Figure. Its texts name every shape:
        ``"input H x W x C_in"``, ``"filter k x k x C_in"``, ``"output H' x W' x C_out"``.

    Taught in: chapter 06, "Several channels, several filters".
    """
    import matplotlib.pyplot as plt

    height = validate.positive_int(height, "height")
    width = validate.positive_int(width, "width")
    in_channels = validate.positive_int(in_channels, "in_channels")
    kernel_size = validate.positive_int(kernel_size, "kernel_size")
    filters = validate.positive_int(filters, "filters")
    if kernel_size > min(height, width):
        raise ValueError(
            f"kernel_size: {kernel_size} does not fit the {height}x{width} input; expected at "
            f"most {min(height, width)}"
        )
    out_h, out_w = height - kernel_size + 1, width - kernel_size + 1
    fig, axis = plt.subplots(figsize=(12, 4.2))
    depth = 0.8 * in_channels
    _box(axis, 0, 0, width, height, depth, _INPUT, f"input {height} x {width} x {in_channels}")
    # the filter's window on the input, and the filter itself
    _box(
        axis,
        0,
        height - kernel_size,
        kernel_size,
        kernel_size,
        depth,
        _FILTER,
        alpha=0.9,
        edge=_HIGHLIGHT,
    )
    left = width + depth + 2.5
    _box(
        axis,
        left,
        height - kernel_size - 1,
        kernel_size,
        kernel_size,
        depth,
        _FILTER,
        f"filter {kernel_size} x {kernel_size} x {in_channels}",
    )
    axis.text(
        left + kernel_size / 2,
        height + 1.6,
        f"{kernel_size * kernel_size * in_channels} weights + 1 bias: one dot product per position",
        ha="center",
        fontsize=9,
    )
    axis.annotate(
        "",
        xy=(left - 0.3, height - kernel_size / 2 - 1),
        xytext=(kernel_size + depth / 2, height - kernel_size / 2),
        arrowprops={"arrowstyle": "->", "color": _HIGHLIGHT},
    )
    start = left + kernel_size + depth + 2.5
    step = 0.9
    for index in range(filters):
        colour = _HIGHLIGHT if index == 0 else _OUTPUT
        _box(
            axis,
            start + index * step,
            index * step * 0.7,
            out_w,
            out_h,
            0.3,
            colour,
            alpha=0.9 if index else 0.6,
        )
    axis.annotate(
        "",
        xy=(start - 0.2, out_h / 2),
        xytext=(left + kernel_size + depth / 2 + 0.2, height - kernel_size / 2 - 1),
        arrowprops={"arrowstyle": "->", "color": "black"},
    )
    axis.text(
        start + out_w / 2 + filters * step / 2,
        -0.6,
        f"output {out_h} x {out_w} x {filters}",
        ha="center",
        va="top",
        fontsize=10,
    )
    axis.text(
        start + out_w / 2 + filters * step / 2,
        out_h + filters * step * 0.7 + 0.9,
        f"{filters} filters -> {filters} maps (the first one in red)",
        ha="center",
        fontsize=9,
    )
    axis.set_xlim(-1, start + out_w + filters * step + 1.5)
    axis.set_ylim(-2.5, height + depth * 0.35 + 2.5)
    axis.set_aspect("equal")
    axis.axis("off")
    axis.set_title(
        "a filter spans every input channel; each filter makes one map; the maps stack",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def im2col_matrix(height=4, width=4, kernel_size=3, stride=1):
    """The im2col matrix of one single-channel image whose pixels are numbered 0, 1, 2...

    Returns:
        ``(image, matrix)``: ``image`` (H, W) holds each pixel's number; ``matrix`` has one row
        per window (H' * W' rows, in reading order) and one column per kernel cell (k * k), each
        entry the number of the pixel it copies.

    Taught in: chapter 06, "Making it fast: im2col".
    """
    height = validate.positive_int(height, "height")
    width = validate.positive_int(width, "width")
    kernel_size = validate.positive_int(kernel_size, "kernel_size")
    stride = validate.positive_int(stride, "stride")
    if kernel_size > min(height, width):
        raise ValueError(
            f"kernel_size: {kernel_size} does not fit the {height}x{width} image; expected at "
            f"most {min(height, width)}"
        )
    image = np.arange(height * width, dtype=float).reshape(height, width)
    out_h = (height - kernel_size) // stride + 1
    out_w = (width - kernel_size) // stride + 1
    cols = windows(image[None, :, :, None], kernel_size, stride, out_h, out_w)
    return image, cols.reshape(out_h * out_w, kernel_size * kernel_size)


def _table(axis, values, title, colours=None, fmt="{:.0f}"):
    rows, columns = values.shape
    axis.imshow(
        np.zeros_like(values) if colours is None else colours,
        cmap="Blues",
        vmin=0,
        vmax=3,
        aspect="equal",
    )
    for (r, c), value in np.ndenumerate(values):
        axis.text(c, r, fmt.format(value), ha="center", va="center", fontsize=8)
    axis.set_xticks(np.arange(columns + 1) - 0.5, minor=True)
    axis.set_yticks(np.arange(rows + 1) - 0.5, minor=True)
    axis.grid(which="minor", color="black", linewidth=0.6)
    axis.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    axis.set_title(title, fontsize=10)


def im2col_layout(height=4, width=4, kernel_size=3, stride=1, highlight=1):
    """Patches as rows, the kernel as a column, one matrix product: the output as a column.

    Args:
        height, width, kernel_size, stride: The single-channel convolution shown.
        highlight: Which window (in reading order) to colour in the image and in the matrix.

    Returns:
        The Figure: the numbered image with the window, the (H'W', k^2) patch matrix, the
        (k^2, 1) kernel column, and the (H'W', 1) output column reshaped to H' x W'.

    Taught in: chapter 06, "Making it fast: im2col".
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    image, matrix = im2col_matrix(height, width, kernel_size, stride)
    positions = matrix.shape[0]
    highlight = validate.integer(highlight, "highlight", minimum=0, maximum=positions - 1)
    out_w = (width - kernel_size) // stride + 1
    out_h = positions // out_w
    fig, axes = plt.subplots(
        1,
        4,
        figsize=(13, 4.2),
        gridspec_kw={"width_ratios": [width, kernel_size**2, 1.6, out_w + 0.5]},
    )
    shading = np.zeros_like(image)
    shading.flat[matrix[highlight].astype(int)] = 1.5
    _table(axes[0], image, f"image {height} x {width} (pixel numbers)", shading)
    i, j = divmod(highlight, out_w)
    axes[0].add_patch(
        Rectangle(
            (j * stride - 0.5, i * stride - 0.5),
            kernel_size,
            kernel_size,
            fill=False,
            edgecolor=_HIGHLIGHT,
            linewidth=2.5,
        )
    )
    rows = np.zeros_like(matrix)
    rows[highlight] = 1.5
    _table(axes[1], matrix, f"patches as rows: ({positions}, {kernel_size * kernel_size})", rows)
    names = np.array([[f"w{u}{v}"] for u in range(kernel_size) for v in range(kernel_size)])
    axes[2].imshow(np.full((kernel_size**2, 1), 1.0), cmap="Oranges", vmin=0, vmax=3)
    for r, (name,) in enumerate(names):
        axes[2].text(0, r, name, ha="center", va="center", fontsize=8)
    axes[2].set_xticks([])
    axes[2].set_yticks([])
    axes[2].set_title(f"kernel as a column ({kernel_size * kernel_size}, 1)", fontsize=10)
    out = np.arange(positions, dtype=float).reshape(out_h, out_w)
    marks = np.zeros_like(out)
    marks.flat[highlight] = 1.5
    _table(axes[3], out, f"output ({positions}, 1) = {out_h} x {out_w} maps\n(cell numbers)", marks)
    fig.suptitle(
        f"im2col: ({positions}, {kernel_size**2}) @ ({kernel_size**2}, 1) -> ({positions}, 1); "
        f"row {highlight} of the matrix is window {highlight}, its dot product is output cell "
        f"{highlight}",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def receptive_field_growth(layers=(3, 3, (2, 2), 3, 3), names=None, input_size=None):
    """Which input pixels one unit of the top layer sees, along one axis, layer by layer.

    Every layer's units are drawn at the centres of their fields; the units the top unit depends
    on (those whose fields lie inside its field) are red, a cone that widens towards the input.

    Args:
        layers: As for :func:`deepvision.ops.receptive.receptive_field` ("valid" padding),
            bottom layer first (default: two 3x3 convolutions, a 2x2 pool, two 3x3
            convolutions).
        names: One label per layer (default ``"conv 3"``, ``"pool 2/2"``...).
        input_size: Input pixels drawn (default: the top field plus a margin).

    Returns:
        The Figure; ``fig.fields`` holds the :class:`ReceptiveField` of each layer, ``fig.span``
        the (first, last) input pixels the top unit sees and ``fig.cone`` how many units of each
        level (the input first) it depends on.

    Taught in: chapter 06, "A hierarchy of features".
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from deepvision.ops.receptive import ReceptiveField

    fields = receptive_field(layers)
    if not fields:
        raise ValueError("layers: expected at least one layer, got none")
    if names is None:
        names = []
        for spec in layers:
            spec = tuple(spec) if isinstance(spec, (tuple, list)) else (spec, 1)
            stride = spec[1] if len(spec) > 1 else 1
            names.append(
                ("pool " if stride > 1 else "conv ")
                + str(spec[0])
                + (f"/{stride}" if stride > 1 else "")
            )
    if len(names) != len(fields):
        raise ValueError(f"names: expected {len(fields)} labels, got {len(names)}")
    top = fields[-1]
    size = input_size or top.size + 4 * top.jump
    levels = [("input", ReceptiveField(1, 1, 0.0))] + list(zip(names, fields, strict=True))

    def units(field):
        count = 0
        while field_span(field, count)[1] <= size - 1:
            count += 1
        return count

    top_count = units(top)
    if top_count == 0:
        raise ValueError(f"input_size: {size} pixels are fewer than the top field of {top.size}")
    first, last = field_span(top, (top_count - 1) // 2)
    fig, axis = plt.subplots(figsize=(12, 0.6 * len(levels) + 1.2))
    cone = []
    for level, (name, field) in enumerate(levels):
        count = units(field)
        centres = field.start + field.jump * np.arange(count)
        inside = np.array(
            [
                first <= field_span(field, i)[0] and field_span(field, i)[1] <= last
                for i in range(count)
            ]
        )
        cone.append(int(inside.sum()))
        axis.scatter(centres[~inside], np.full((~inside).sum(), level), s=40, color="#bdbdbd")
        axis.scatter(centres[inside], np.full(inside.sum(), level), s=60, color=_HIGHLIGHT)
        axis.text(-1.5, level, name, ha="right", va="center", fontsize=10)
        if level:
            axis.text(
                size + 0.5,
                level,
                f"one unit sees {field.size} pixels (jump {field.jump})",
                va="center",
                fontsize=9,
            )
    axis.add_patch(
        Rectangle((first - 0.5, -0.35), last - first + 1, 0.7, alpha=0.2, color=_HIGHLIGHT)
    )
    axis.set_yticks([])
    axis.set_xlim(-6, size + 11)
    axis.set_ylim(-0.8, len(levels) - 0.4)
    axis.set_xlabel("input pixel")
    for side in ("top", "right", "left"):
        axis.spines[side].set_visible(False)
    axis.set_title(
        f"the red units feed one unit of the top layer: it sees {top.size} input "
        f"pixels ({first} to {last})",
        fontsize=11,
    )
    fig.tight_layout()
    fig.fields, fig.span, fig.cone = fields, (first, last), cone
    return fig
