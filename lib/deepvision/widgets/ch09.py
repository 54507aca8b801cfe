"""Chapter 09 widgets: the architecture explorer, gradient flow, and what a trained network sees.

* :func:`architecture_explorer`: choose a network (LeNet-5 ... ResNet-50); its blocks as a table
  (:func:`block_rows`: output shape, parameters, share of the total, counted by
  :func:`deepvision.cost.model_cost`) and a picture of its graph (:func:`graph_picture`, drawn by
  ``keras.utils.plot_model``, which needs pydot and Graphviz's ``dot``: without them the explorer
  says so in one sentence and still shows the table).
* :func:`gradient_flow`: a depth slider; the gradient norm of every convolution of the plain
  stack and of its residual twin at initialisation, on one real batch
  (:func:`deepvision.models.depth.gradient_norms`), plotted per layer.
* :func:`feature_map_viewer`: a layer slider; the maps a trained network computes on a real
  CIFAR-10 image (:func:`feature_maps`).

Taught in: chapter 09, "The architecture explorer", "Plain against residual" and "What a
trained network sees".
"""

from __future__ import annotations

import html
import re
import shutil

import numpy as np

from deepvision.widgets._base import error_figure, interactive_figure


def _networks():
    from deepvision import models

    return {
        "LeNet-5": models.lenet5,
        "AlexNet": models.alexnet,
        "VGG16": models.vgg16,
        "VGG19": models.vgg19,
        "mini GoogLeNet": models.mini_googlenet,
        "mini ResNet (the book's)": models.mini_resnet,
        "mini DenseNet": models.mini_densenet,
        "SE-ResNet (mini)": models.se_resnet,
        "ResNet-50": models.resnet50,
    }


#: The explorer's networks, in the order the chapter meets them.
NETWORKS = tuple(
    [
        "LeNet-5",
        "AlexNet",
        "VGG16",
        "VGG19",
        "mini GoogLeNet",
        "mini ResNet (the book's)",
        "mini DenseNet",
        "SE-ResNet (mini)",
        "ResNet-50",
    ]
)
_BLOCK = re.compile(r"(stage|module|block|inception|transition|unit)\d+$")
_BUILT: dict = {}


def build(network):
    """The explorer's network ``network`` (one of :data:`NETWORKS`), built once and cached."""
    if network not in NETWORKS:
        raise ValueError(f"network: expected one of {', '.join(NETWORKS)}, got {network!r}")
    if network not in _BUILT:
        _BUILT[network] = _networks()[network]()
    return _BUILT[network]


def block_name(layer_name, model_name=""):
    """The block a layer belongs to, from its name: ``conv2_block1_1_conv`` -> ``conv2_block1``.

    The layer's name without the model's prefix, up to its last ``stageN``, ``moduleN``,
    ``blockN``, ``inceptionN``, ``transitionN`` or ``unitN`` part; a layer outside any block
    (a stem, a head) is its own row.
    """
    name = layer_name
    if model_name and name.startswith(model_name + "_"):
        name = name[len(model_name) + 1 :]
    parts = name.split("_")
    last = max((i for i, part in enumerate(parts) if _BLOCK.match(part)), default=None)
    return name if last is None else "_".join(parts[: last + 1])


def block_rows(model):
    """The model's blocks in order: name, layers, output shape, parameters, MACs, share.

    Args:
        model: A built Keras model whose layers follow the course's naming convention.

    Returns:
        List of dicts with ``block``, ``layers`` (how many), ``output_shape`` (of the block's
        last layer), ``params``, ``macs`` (per example) and ``share`` (of the model's
        parameters, 0-1); the parameters add up to ``model.count_params()``.
    """
    from deepvision import cost

    counted = cost.model_cost(model)
    rows, index = [], {}
    for row in counted.rows:
        if row.type == "InputLayer":
            continue
        key = block_name(row.name, model.name)
        if key not in index:
            index[key] = len(rows)
            rows.append({"block": key, "layers": 0, "params": 0, "macs": 0})
        entry = rows[index[key]]
        entry["layers"] += 1
        entry["params"] += row.params
        entry["macs"] += row.macs or 0
        entry["output_shape"] = tuple(row.output_shape)
    total = counted.params or 1
    for entry in rows:
        entry["share"] = entry["params"] / total
    return rows


def rows_html(rows, total):
    """The block table as HTML (one line per block, the share as a bar)."""
    lines = [
        "<table style='font-family:monospace;font-size:12px'><tr><th align=left>block</th>"
        "<th>layers</th><th align=left>output shape</th><th align=right>parameters</th>"
        "<th align=left>share</th></tr>"
    ]
    for row in rows:
        bar = "█" * int(round(row["share"] * 40))
        lines.append(
            f"<tr><td>{html.escape(row['block'])}</td><td align=center>{row['layers']}</td>"
            f"<td>{html.escape(str(row['output_shape']))}</td>"
            f"<td align=right>{row['params']:,}</td>"
            f"<td>{bar} {100 * row['share']:.1f}%</td></tr>"
        )
    lines.append(
        f"<tr><td><b>total</b></td><td></td><td></td><td align=right><b>{total:,}</b>"
        "</td><td></td></tr></table>"
    )
    return "".join(lines)


def graphviz_missing():
    """Why the graph cannot be drawn here (a sentence), or None when pydot and ``dot`` exist."""
    try:
        import pydot  # noqa: F401
    except ImportError:
        return (
            "The graph picture needs the pydot package (pip install pydot), so only the table "
            "is shown."
        )
    if shutil.which("dot") is None:
        return (
            "The graph picture needs Graphviz's `dot` program, which is not installed here "
            "(apt-get install graphviz; Colab has it), so only the table is shown."
        )
    return None


def graph_picture(model, path, dpi=48):
    """Draw the model's graph with ``keras.utils.plot_model`` into the PNG file ``path``.

    Returns:
        ``(png_bytes, None)``, or ``(None, sentence)`` when pydot or Graphviz is missing.
    """
    import keras

    missing = graphviz_missing()
    if missing:
        return None, missing
    keras.utils.plot_model(
        model, to_file=str(path), show_shapes=True, show_layer_names=False, dpi=dpi
    )
    with open(path, "rb") as handle:
        return handle.read(), None


def architecture_explorer(network="LeNet-5"):
    """A dropdown of networks; the chosen one's block table and graph picture.

    Returns:
        ``ipywidgets.VBox`` with ``.controls["network"]``, ``.update()`` and ``.shown`` (the
        last network drawn and the message, if any, that replaced its picture).
    """
    import os
    import tempfile

    import ipywidgets as widgets
    from IPython.display import HTML, display

    choose = widgets.Dropdown(options=list(NETWORKS), value=network, description="network")
    output = widgets.Output()
    picture_file = os.path.join(tempfile.mkdtemp(prefix="deepvision_ch09_"), "graph.png")

    def update(_change=None):
        model = build(choose.value)
        rows = block_rows(model)
        png, message = graph_picture(model, picture_file)
        box.shown = {"network": choose.value, "message": message, "rows": rows}
        with output:
            output.clear_output(wait=True)
            display(
                HTML(
                    f"<b>{html.escape(choose.value)}</b>: {model.count_params():,} "
                    f"parameters, {len(model.layers)} layers"
                )
            )
            display(HTML(rows_html(rows, model.count_params())))
            if png is None:
                display(HTML(f"<p style='color:#cf222e'>{html.escape(message)}</p>"))
            else:
                display(widgets.Image(value=png, format="png"))

    choose.observe(update, names="value")
    box = widgets.VBox([choose, output])
    box.controls = {"network": choose}
    box.update = update
    update()
    return box


# -- gradient flow ------------------------------------------------------------------------------

#: The depth slider's range (blocks): one redraw is two eager passes, well under a second.
DEPTHS = (1, 10)


def gradient_flow_curves(depth, images, labels, stacks):
    """Gradient norms of the plain and the residual stack of ``depth`` blocks.

    Args:
        depth: Blocks, within the ``stacks``' depth.
        images, labels: One real batch.
        stacks: ``{"plain": depth_stack(D, False), "residual": depth_stack(D, True)}``.

    Returns:
        dict kind -> the :func:`deepvision.models.depth.gradient_norms` result.
    """
    from deepvision.models.depth import gradient_norms

    return {
        kind: gradient_norms(depth, kind == "residual", images, labels, stack=stacks[kind])
        for kind in ("plain", "residual")
    }


def draw_gradient_flow(depth, images, labels, stacks):
    """Per-layer gradient norms (log scale) of the two stacks at ``depth``."""
    import matplotlib.pyplot as plt

    try:
        curves = gradient_flow_curves(depth, images, labels, stacks)
    except ValueError as error:
        return error_figure(str(error))
    fig, axis = plt.subplots(figsize=(9, 3.6))
    for kind, color in (("plain", "#d62728"), ("residual", "#1f77b4")):
        norms = np.maximum(curves[kind]["norms"], 1e-12)
        axis.semilogy(np.arange(1, len(norms) + 1), norms, "o-", color=color, label=kind)
    axis.set_ylim(1e-12, 1e2)
    axis.set_xlabel("convolution (1 = next to the input)")
    axis.set_ylabel("‖∂loss/∂kernel‖ at initialisation")
    ratio = curves["plain"]["norms"][0] / max(curves["residual"]["norms"][0], 1e-30)
    axis.set_title(
        f"{depth} blocks ({2 * depth + 1} convolutions): the first layer's gradient in the plain "
        f"stack is {ratio:.1e} of the residual one's",
        fontsize=10,
    )
    axis.legend()
    fig.tight_layout()
    return fig


def gradient_flow(images, labels, depth=4, seed=0):
    """A depth slider over the plain and residual twins' gradient norms on one real batch.

    The two stacks are built once at the slider's largest depth (same seed: the same weights);
    each depth uses their first blocks.
    """
    import ipywidgets as widgets

    from deepvision.models.resnet import depth_stack

    stacks = {
        kind: depth_stack(DEPTHS[1], kind == "residual", seed=seed, name=f"{kind}_flow")
        for kind in ("plain", "residual")
    }
    controls = {
        "depth": widgets.IntSlider(
            value=depth,
            min=DEPTHS[0],
            max=DEPTHS[1],
            description="depth (blocks)",
            style={"description_width": "initial"},
        )
    }

    def draw(depth):
        return draw_gradient_flow(depth, images, labels, stacks)

    return interactive_figure(draw, controls)


# -- what a trained network sees ----------------------------------------------------------------


def conv_layers(model):
    """Names of the model's Conv2D layers, input side first."""
    return [layer.name for layer in model.layers if type(layer).__name__ == "Conv2D"]


def feature_maps(model, image, layer_name):
    """The maps ``layer_name`` computes on one image.

    Args:
        model: A Keras model.
        image: One image (H, W, C), uint8 0-255 (scaled to [0, 1]) or float.
        layer_name: One of the model's layers.

    Returns:
        Array (H', W', C') of the layer's output for that image.
    """
    import keras

    image = np.asarray(image)
    if image.ndim != 3:
        raise ValueError(f"image: expected one image (H, W, C), got shape {image.shape}")
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"layer_name: expected one of the model's layers, got {layer_name!r}")
    x = image.astype("float32") / (255.0 if image.dtype == np.uint8 else 1.0)
    probe = keras.Model(model.inputs[0], model.get_layer(layer_name).output)
    return np.asarray(probe(x[None], training=False))[0]


def draw_feature_maps(model, image, layer_index, maps=16):
    """The image and the first ``maps`` maps of the ``layer_index``-th convolution."""
    import matplotlib.pyplot as plt

    names = conv_layers(model)
    layer_name = names[layer_index - 1]
    found = feature_maps(model, image, layer_name)
    count = min(maps, found.shape[-1])
    fig, axes = plt.subplots(2, count // 2 + 1, figsize=(13, 3.4))
    axes = axes.ravel()
    axes[0].imshow(image)
    axes[0].set_title("image", fontsize=9)
    for axis, channel in zip(axes[1:], range(count), strict=False):
        axis.imshow(found[..., channel], cmap="viridis")
        axis.set_title(f"map {channel}", fontsize=8)
    for axis in axes:
        axis.axis("off")
    fig.suptitle(
        f"{layer_name}: {found.shape[0]}x{found.shape[1]} maps, {found.shape[-1]} channels",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def feature_map_viewer(model, image):
    """A layer slider over the maps a (trained) model computes on ``image``."""
    import ipywidgets as widgets

    controls = {
        "layer_index": widgets.IntSlider(
            value=1,
            min=1,
            max=len(conv_layers(model)),
            description="convolution",
            style={"description_width": "initial"},
        )
    }

    def draw(layer_index):
        return draw_feature_maps(model, image, layer_index)

    return interactive_figure(draw, controls)
