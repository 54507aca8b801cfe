"""Chapter 06 widgets: the convolution explorer, a filter gallery on a real photo, pooling.

Each widget is a thin layer over pure functions defined here (``explorer_state``,
``gallery_images``, ``pooling_state``, ``parse_kernel``) and tested in
``tests/test_widgets_ch06.py``.

Taught in: chapter 06, "Sliding a filter: two dimensions", "Pooling" and "Edges on a real photo".
"""

from __future__ import annotations

import numpy as np

from deepvision import ops
from deepvision.ops import arithmetic, filters
from deepvision.widgets._base import error_figure, interactive_figure

# ------------------------------------------------------------------------------ kernels as text


def format_kernel(kernel):
    """A kernel as editable text: rows separated by ";", e.g. ``"-1 0 1; -2 0 2; -1 0 1"``."""
    return "; ".join(" ".join(f"{value:g}" for value in row) for row in np.asarray(kernel))


def parse_kernel(text, size=3):
    """Read a ``size`` x ``size`` kernel from text such as ``"0 -1 0; -1 5 -1; 0 -1 0"``.

    Rows are separated by ";" or new lines, numbers by spaces or commas; a fraction such as
    ``1/9`` is allowed.

    Raises:
        ValueError: not ``size`` rows of ``size`` numbers.
    """
    rows = [row for row in text.replace("\n", ";").split(";") if row.strip()]
    values = []
    for row in rows:
        numbers = []
        for item in row.replace(",", " ").split():
            try:
                if "/" in item:
                    top, bottom = item.split("/", 1)
                    numbers.append(float(top) / float(bottom))
                else:
                    numbers.append(float(item))
            except (ValueError, ZeroDivisionError) as error:
                raise ValueError(f"kernel: {item!r} is not a number") from error
        values.append(numbers)
    if len(values) != size or any(len(row) != size for row in values):
        shape = f"{len(values)} rows of {sorted({len(row) for row in values})} numbers"
        raise ValueError(f"kernel: expected {size} rows of {size} numbers, got {shape}")
    return np.array(values)


# ------------------------------------------------------------------------ convolution explorer


def explorer_image():
    """The explorer's 7x7 picture: a bright horizontal line above a bright square (0 and 200)."""
    image = np.zeros((7, 7))
    image[1, 1:6] = 200.0
    image[4:6, 2:5] = 200.0
    return image


def explorer_state(image, kernel, stride=1, padding="valid", position=0):
    """Everything the convolution explorer shows for one window position.

    Args:
        image: Grayscale image (H, W).
        kernel: Kernel (kh, kw).
        stride: Step between windows.
        padding: ``"valid"`` or ``"same"`` (Keras semantics: the odd zero goes bottom/right).
        position: Index of the output cell being filled, in reading order; clipped to the grid.

    Returns:
        dict with ``padded`` (the zero-padded image), ``pads`` (top, bottom, left, right),
        ``output`` (the whole feature map, (H', W')), ``out_shape``, ``positions`` (H' * W'),
        ``position`` (after clipping), ``cell`` (i, j), ``window`` (top row and left column of
        the window in ``padded``), ``patch``, ``products`` (patch * kernel), ``value`` (their
        sum) and ``filled`` (the output with NaN for the cells not computed yet).
    """
    image = np.asarray(image, dtype=np.float64)
    kernel = np.asarray(kernel, dtype=np.float64)
    output = ops.conv2d(image[None, :, :, None], kernel[:, :, None, None], None, stride, padding)
    output = output[0, :, :, 0]
    kh, kw = kernel.shape
    if padding == "same":
        top, bottom = arithmetic.same_padding(image.shape[0], kh, stride)
        left, right = arithmetic.same_padding(image.shape[1], kw, stride)
    else:
        top = bottom = left = right = 0
    padded = np.pad(image, ((top, bottom), (left, right)))
    positions = output.size
    position = int(np.clip(position, 0, positions - 1))
    i, j = divmod(position, output.shape[1])
    row, col = i * stride, j * stride
    patch = padded[row : row + kh, col : col + kw]
    products = patch * kernel
    filled = np.full(output.shape, np.nan)
    filled.flat[: position + 1] = output.flat[: position + 1]
    return {
        "padded": padded,
        "pads": (top, bottom, left, right),
        "output": output,
        "out_shape": output.shape,
        "positions": positions,
        "position": position,
        "cell": (i, j),
        "window": (row, col),
        "patch": patch,
        "products": products,
        "value": float(products.sum()),
        "filled": filled,
    }


def _grid(axis, values, title, cmap="Greys", highlight=None, colour="#d62728", fmt="{:g}"):
    import matplotlib.patches as patches

    shown = np.nan_to_num(values, nan=0.0)
    limit = max(np.abs(shown).max(), 1e-9)
    axis.imshow(shown, cmap=cmap, vmin=-limit if cmap != "Greys" else 0, vmax=limit)
    for (r, c), value in np.ndenumerate(values):
        if not np.isnan(value):
            strong = abs(value) > 0.6 * limit
            axis.text(
                c,
                r,
                fmt.format(round(value, 2) + 0.0),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if strong else "black",
            )
    if highlight is not None:
        (r, c), (h, w) = highlight
        axis.add_patch(
            patches.Rectangle((c - 0.5, r - 0.5), w, h, fill=False, edgecolor=colour, linewidth=2.5)
        )
    axis.set_title(title, fontsize=10)
    axis.set_xticks([])
    axis.set_yticks([])


def draw_convolution(image, kernel, stride=1, padding="valid", position=0):
    """Input (with the window), kernel, element-wise products and the output being filled."""
    import matplotlib.pyplot as plt

    state = explorer_state(image, kernel, stride, padding, position)
    kh, kw = np.shape(kernel)
    height, width = np.shape(image)
    fig, axes = plt.subplots(
        1, 4, figsize=(13, 3.6), gridspec_kw={"width_ratios": [1.3, 0.7, 0.7, 1.0]}
    )
    top, bottom, left, right = state["pads"]
    _grid(
        axes[0],
        state["padded"],
        f"input {height}x{width}, padding {padding!r} (top {top}, bottom {bottom}, "
        f"left {left}, right {right})",
        highlight=(state["window"], (kh, kw)),
    )
    _grid(axes[1], np.asarray(kernel, float), "kernel", cmap="RdBu_r")
    _grid(axes[2], state["products"], f"patch × kernel, sum = {state['value']:g}", cmap="RdBu_r")
    out_h, out_w = state["out_shape"]
    i, j = state["cell"]
    _grid(
        axes[3],
        state["filled"],
        f"output {out_h}x{out_w}: cell ({i}, {j}) = {state['value']:g}",
        cmap="RdBu_r",
        highlight=((i, j), (1, 1)),
    )
    if padding == "same":
        rule = f"same: ceil({height}/{stride}) = {out_h}, ceil({width}/{stride}) = {out_w}"
    else:
        rule = (
            f"valid: ceil(({height}-{kh}+1)/{stride}) = {out_h}, "
            f"ceil(({width}-{kw}+1)/{stride}) = {out_w}"
        )
    fig.suptitle(f"stride {stride}; output size rule {rule}", fontsize=10)
    fig.tight_layout()
    return fig


def convolution_explorer(image=None, preset="line detector"):
    """Pick or edit a 3x3 kernel, stride and padding, and slide the window with ``position``."""
    import ipywidgets as widgets

    image = explorer_image() if image is None else np.asarray(image, dtype=float)
    presets = widgets.Dropdown(options=list(filters.KERNELS), value=preset, description="preset")
    kernel = widgets.Text(
        value=format_kernel(filters.KERNELS[preset]),
        description="kernel",
        continuous_update=False,
        layout=widgets.Layout(width="320px"),
    )
    stride = widgets.IntSlider(value=1, min=1, max=3, description="stride")
    padding = widgets.Dropdown(options=["valid", "same"], value="valid", description="padding")
    position = widgets.IntSlider(
        value=0, min=0, description="position", layout=widgets.Layout(width="420px")
    )

    def positions():
        return explorer_state(image, np.zeros((3, 3)), stride.value, padding.value)["positions"]

    def resize(_change=None):
        position.max = positions() - 1

    resize()
    stride.observe(resize, names="value")
    padding.observe(resize, names="value")
    presets.observe(
        lambda change: setattr(kernel, "value", format_kernel(filters.KERNELS[change["new"]])),
        names="value",
    )

    def draw(kernel, stride, padding, position):
        try:
            values = parse_kernel(kernel)
        except ValueError as error:
            return error_figure(str(error))
        return draw_convolution(image, values, stride, padding, position)

    box = interactive_figure(
        draw,
        {"kernel": kernel, "stride": stride, "padding": padding, "position": position},
        columns=[["kernel", "stride"], ["padding", "position"]],
    )
    return widgets.VBox([presets, box])


# ----------------------------------------------------------------------------- filter gallery


def gallery_images(image, custom_kernel, blur_size=5):
    """The filter gallery's panels for one grayscale photo.

    Args:
        image: Grayscale photo (H, W).
        custom_kernel: Any 2-D kernel.
        blur_size: Side of the box-blur kernel (odd, >= 1).

    Returns:
        dict name -> 2-D array: ``original``, ``Sobel magnitude``, ``blur``, ``sharpen``,
        ``custom`` (all "same" size as the photo but the Sobel magnitude, which is "valid").
    """
    image = np.asarray(image, dtype=np.float64)
    box = np.full((blur_size, blur_size), 1.0 / blur_size**2)
    return {
        "original": image,
        "Sobel magnitude": filters.gradient_magnitude(image),
        f"blur {blur_size}x{blur_size}": filters.filter2d(image, box, "same"),
        "sharpen": np.clip(filters.filter2d(image, filters.KERNELS["sharpen"], "same"), 0, 255),
        "custom": filters.filter2d(image, custom_kernel, "same"),
    }


def draw_gallery(image, custom_kernel, blur_size=5):
    import matplotlib.pyplot as plt

    panels = gallery_images(image, custom_kernel, blur_size)
    fig, axes = plt.subplots(1, len(panels), figsize=(16, 3.4))
    for axis, (name, values) in zip(axes, panels.items(), strict=True):
        if name in ("original", "sharpen") or name.startswith("blur"):
            axis.imshow(values, cmap="gray", vmin=0, vmax=255)
        else:
            axis.imshow(values, cmap="gray")
        axis.set_title(name, fontsize=10)
        axis.axis("off")
    fig.tight_layout()
    return fig


def filter_gallery(photos=("chelsea", "camera", "coins")):
    """A real photo beside its Sobel magnitude, a blur, a sharpen and a kernel of your own."""
    import ipywidgets as widgets

    from deepvision import data

    cache = {}

    def load(name):
        if name not in cache:
            cache[name] = data.sample_image(name, gray=True)
        return cache[name]

    controls = {
        "photo": widgets.Dropdown(options=list(photos), value=photos[0], description="photo"),
        "custom": widgets.Text(
            value=format_kernel(filters.SOBEL_Y),
            description="custom",
            continuous_update=False,
            layout=widgets.Layout(width="320px"),
        ),
        "blur_size": widgets.IntSlider(value=5, min=1, max=15, step=2, description="blur size"),
    }

    def draw(photo_name, custom, blur_size):
        try:
            kernel = parse_kernel(custom)
        except ValueError as error:
            return error_figure(str(error))
        return draw_gallery(load(photo_name), kernel, blur_size)

    return interactive_figure(
        lambda photo, custom, blur_size: draw(photo, custom, blur_size), controls
    )


# --------------------------------------------------------------------------- pooling explorer


def pooling_state(x, pool_size=2, stride=None, mode="max"):
    """Pooling one 2-D map, with the windows that produced each output.

    Args:
        x: Feature map (H, W).
        pool_size: Window side.
        stride: Step; None means pool_size (no overlap).
        mode: ``"max"`` or ``"average"``.

    Returns:
        dict with ``output`` (H', W'), ``windows`` (list of (row, col) window corners in reading
        order), ``overlap`` (windows share cells), ``dropped`` (rows and columns at the bottom and
        right that no window covers).
    """
    if mode not in ("max", "average"):
        raise ValueError(f"mode: expected 'max' or 'average', got {mode!r}")
    x = np.asarray(x, dtype=np.float64)
    stride = pool_size if stride is None else stride
    function = ops.max_pool2d if mode == "max" else ops.avg_pool2d
    output = function(x[None, :, :, None], pool_size, stride)[0, :, :, 0]
    out_h, out_w = output.shape
    corners = [(i * stride, j * stride) for i in range(out_h) for j in range(out_w)]
    covered_h, covered_w = (out_h - 1) * stride + pool_size, (out_w - 1) * stride + pool_size
    return {
        "output": output,
        "windows": corners,
        "overlap": stride < pool_size,
        "dropped": (x.shape[0] - covered_h, x.shape[1] - covered_w),
    }


def pooling_example(size=8, seed=6):
    """A small feature map of integers 0-9 for the pooling explorer."""
    return np.random.default_rng(seed).integers(0, 10, size=(size, size)).astype(float)


def draw_pooling(x, pool_size=2, stride=None, mode="max"):
    import matplotlib.pyplot as plt

    state = pooling_state(x, pool_size, stride, mode)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1.3, 1.0]}
    )
    _grid(left, x, "input")
    import matplotlib.patches as patches

    colours = plt.get_cmap("tab10")
    for k, (r, c) in enumerate(state["windows"]):
        left.add_patch(
            patches.Rectangle(
                (c - 0.45 + 0.05 * (k % 3), r - 0.45 + 0.05 * (k % 3)),
                pool_size - 0.1,
                pool_size - 0.1,
                fill=False,
                edgecolor=colours(k % 10),
                linewidth=1.8,
            )
        )
    out_h, out_w = state["output"].shape
    note = "windows overlap" if state["overlap"] else "windows side by side"
    if any(state["dropped"]):
        note += f"; {state['dropped'][0]} row(s), {state['dropped'][1]} column(s) dropped"
    _grid(
        right,
        state["output"],
        f"{mode} pool {pool_size}x{pool_size}, stride "
        f"{stride or pool_size}: {out_h}x{out_w}\n({note})",
        fmt="{:.3g}",
    )
    fig.tight_layout()
    return fig


def pooling_explorer(x=None):
    """Pool size, stride and max versus average on a small feature map."""
    import ipywidgets as widgets

    x = pooling_example() if x is None else np.asarray(x, dtype=float)
    controls = {
        "pool_size": widgets.IntSlider(value=2, min=1, max=4, description="pool size"),
        "stride": widgets.IntSlider(value=2, min=1, max=4, description="stride"),
        "mode": widgets.ToggleButtons(options=["max", "average"], value="max", description="mode"),
    }
    return interactive_figure(lambda **values: draw_pooling(x, **values), controls)


# --------------------------------------------------------------------------- feature-map viewer


def feature_map_layers(model):
    """The names of a model's layers whose output is a stack of feature maps (N, H, W, C).

    Taught in: chapter 06, "What the trained network sees".
    """
    import keras

    return [
        layer.name
        for layer in model.layers
        if not isinstance(layer, keras.layers.InputLayer) and len(layer.output.shape) == 4
    ]


def feature_maps(model, images, layer_name):
    """What one layer of a trained model outputs for some images.

    Args:
        model: A Keras model (functional or Sequential, already built).
        images: A batch (N, H, W, C) the model accepts.
        layer_name: One of :func:`feature_map_layers`.

    Returns:
        numpy array (N, H', W', C'): that layer's feature maps.

    Taught in: chapter 06, "What the trained network sees".
    """
    import keras

    names = feature_map_layers(model)
    if layer_name not in names:
        raise ValueError(f"layer_name: expected one of {names}, got {layer_name!r}")
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs
    probe = keras.Model(inputs, model.get_layer(layer_name).output)
    return np.asarray(probe(np.asarray(images, dtype="float32"), training=False))


def draw_feature_maps(image, maps, layer_name, count=16, title=None):
    """The input digit beside the first ``count`` maps of one layer (each on its own scale)."""
    import matplotlib.pyplot as plt

    maps = np.asarray(maps)
    count = min(count, maps.shape[-1])
    columns = min(8, count)
    rows = -(-count // columns)
    fig = plt.figure(figsize=(1.5 * columns + 2.6, 1.5 * rows + 0.6))
    grid = fig.add_gridspec(rows, columns + 2)
    left = fig.add_subplot(grid[:, :2])
    left.imshow(np.asarray(image).squeeze(), cmap="gray")
    left.set_title(title or "input", fontsize=10)
    left.axis("off")
    for index in range(count):
        axis = fig.add_subplot(grid[index // columns, 2 + index % columns])
        axis.imshow(maps[:, :, index], cmap="viridis")
        axis.set_title(f"map {index}", fontsize=8)
        axis.axis("off")
    height, width, channels = maps.shape
    fig.suptitle(
        f"layer {layer_name!r}: {channels} maps of {height}x{width} (the first {count} shown; "
        "bright = strong response)",
        fontsize=10,
    )
    return fig


def feature_map_viewer(model, images, labels=None, count=16):
    """Pick a test digit and a layer of a trained CNN; see that layer's feature maps.

    Args:
        model: The trained Keras CNN.
        images: Test images (N, 28, 28, 1), as the model takes them.
        labels: Their true classes, for the title (optional).
        count: How many maps to show.

    Taught in: chapter 06, "What the trained network sees".
    """
    import ipywidgets as widgets

    names = feature_map_layers(model)
    cache = {}

    def draw(digit, layer):
        if (digit, layer) not in cache:
            cache[(digit, layer)] = feature_maps(model, images[digit : digit + 1], layer)[0]
        title = f"test digit {digit}" + ("" if labels is None else f" (label {labels[digit]})")
        return draw_feature_maps(images[digit], cache[(digit, layer)], layer, count, title)

    controls = {
        "digit": widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="digit"),
        "layer": widgets.Dropdown(options=names, value=names[0], description="layer"),
    }
    return interactive_figure(draw, controls)
