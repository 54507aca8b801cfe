"""Parameters and multiply-accumulates (MACs) of a Keras 3 model, layer by layer.

Keras counts parameters (``model.count_params()``) but not compute. :func:`model_cost` walks the
model's graph, one row per layer call, and counts for one example (batch 1):

* **Dense**: n_in * n_out MACs at each position (``(N, T, n_in)`` inputs: T * n_in * n_out);
* **Conv1D/2D/3D**: K_h K_w (C_in / groups) H_out W_out C_out (any strides, padding, dilation:
  they change H_out and W_out, not the work per output);
* **Conv2DTranspose** (1D, 3D): K_h K_w C_in C_out H_in W_in (each input scattered over a window);
* **DepthwiseConv2D**: K_h K_w C_in M H_out W_out (M the depth multiplier);
* **SeparableConv2D**: the depthwise part, plus C_in M C_out H_out W_out for the 1x1 pointwise part.

Bias additions, BatchNormalization, activations, pooling and merges (``Add``, ``Multiply``) are
listed with 0 MACs and say why: the published figures (VGG16 15.5 G, ResNet-50 3.9 G, MobileNetV2
300 M) count the multiply-accumulates of the convolutions and dense layers only, and so does this
counter. FLOPs = 2 x MACs is a convention on top of it.

Taught in: chapter 10 (to be written).
"""

from __future__ import annotations

import math

from deepvision.cost.table import LayerCost, ModelCost

#: Keras' own layer packages whose layers do no weighted sums, and what they are.
_PACKAGE_KINDS = {
    "activations": "element-wise",
    "normalization": "element-wise",
    "pooling": "pooling",
    "reshaping": "data movement",
    "regularization": "identity at inference",
    "preprocessing.image_preprocessing": "identity at inference",
}

#: Layers of the other packages that the counter knows to do no weighted sums.
_KNOWN = {
    "InputLayer": "data movement",
    "Identity": "data movement",
    "Embedding": "data movement",
    "Concatenate": "data movement",
    "Masking": "element-wise",
    "Add": "element-wise",
    "Subtract": "element-wise",
    "Multiply": "element-wise",
    "Average": "element-wise",
    "Maximum": "element-wise",
    "Minimum": "element-wise",
    "Rescaling": "element-wise",
    "Normalization": "element-wise",
}

#: Keras layers whose package is known but that hide weighted sums the counter does not count.
_NOT_COUNTED = {"SpectralNormalization"}

_NOTES = {
    "element-wise": "element-wise: no MACs",
    "pooling": "pooling: no MACs",
    "data movement": "",
    "identity at inference": "identity at inference",
}


def model_cost(model):
    """Parameters and MACs of every layer of a built Keras model, and their totals.

    Sequential and functional models, nested models included (a model used as a layer is
    expanded: its rows are named ``outer/inner/layer``). A layer called twice has two rows; its
    weights are counted at the first. A layer the counter does not know is listed with MACs
    ``None`` ("unknown") and the totals say that the MAC count is incomplete.

    Args:
        model: A built ``keras.Model`` (functional, or Sequential with a known input shape).

    Returns:
        :class:`~deepvision.cost.table.ModelCost`: ``.rows``, ``.params`` (equal to
        ``model.count_params()``), ``.trainable_params``, ``.non_trainable_params``, ``.macs``
        (one example), ``.flops`` (= 2 x MACs, a convention); ``print()`` it for a table.

    Taught in: chapter 10 (to be written).
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model: expected a keras.Model, got {type(model).__name__}")
    rows = []
    _walk(keras, _graph(keras, model, "model"), "", set(), rows)
    return ModelCost(model.name, tuple(rows))


def _graph(keras, model, where):
    """The functional graph of a model: itself, or the one a Sequential model builds."""
    if isinstance(model, keras.Sequential):
        graph = getattr(model, "_functional", None)
        if graph is None:
            raise ValueError(
                f"{where}: Sequential model {model.name!r} is not built: its input shape is "
                "unknown; start it with keras.Input(shape=...) or call "
                "model.build((None, ...)) first"
            )
        return graph
    if not hasattr(model, "_nodes_by_depth"):
        raise ValueError(
            f"{where}: {model.name!r} is a subclassed {type(model).__name__} with no layer graph; "
            "model_cost reads functional and Sequential models"
        )
    return model


def _walk(keras, graph, prefix, seen, rows):
    """Append a row per layer call of ``graph`` (depth first into nested models)."""
    own_nodes = {id(node) for nodes in graph._nodes_by_depth.values() for node in nodes}
    for operation in graph.operations:
        for node in operation._inbound_nodes:
            if id(node) not in own_nodes:
                continue
            name = prefix + operation.name
            if isinstance(operation, keras.Model):
                _walk(keras, _graph(keras, operation, name), name + "/", seen, rows)
                continue
            rows.append(_row(keras, operation, node, name, seen))


def _row(keras, layer, node, name, seen):
    outputs = [tuple(tensor.shape[1:]) for tensor in node.outputs]
    trainable, non_trainable, shared = 0, 0, False
    for weights, trainable_weights in (
        (getattr(layer, "trainable_weights", []), True),
        (getattr(layer, "non_trainable_weights", []), False),
    ):
        for weight in weights:
            if id(weight) in seen:
                shared = True
                continue
            seen.add(id(weight))
            size = math.prod(weight.shape)
            if trainable_weights:
                trainable += size
            else:
                non_trainable += size
    kind, macs, note = _macs(keras, layer, node, name)
    if shared:
        note = "; ".join(filter(None, [note, "shared weights counted once"]))
    return LayerCost(
        name=name,
        type=type(layer).__name__,
        output_shape=outputs[0] if len(outputs) == 1 else outputs,
        trainable_params=trainable,
        non_trainable_params=non_trainable,
        macs=macs,
        kind=kind,
        note=note,
    )


def _kind(layer):
    module = type(layer).__module__
    name = type(layer).__name__
    if not module.startswith("keras.src.layers.") or name in _NOT_COUNTED:
        return "unknown"
    if name in _KNOWN:
        return _KNOWN[name]
    package = module[len("keras.src.layers.") :].rsplit(".", 1)[0]
    return _PACKAGE_KINDS.get(package, "unknown")


def _macs(keras, layer, node, name):
    """(kind, MACs, note) of one call."""
    layers = keras.layers
    if isinstance(layer, (layers.SeparableConv1D, layers.SeparableConv2D)):
        positions = _positions(layer, node.outputs[0], name)
        depthwise = math.prod(layer.depthwise_kernel.shape) * positions
        pointwise = math.prod(layer.pointwise_kernel.shape) * positions
        return "weighted sum", depthwise + pointwise, f"depthwise {depthwise:,} + pointwise"
    if isinstance(layer, (layers.DepthwiseConv1D, layers.DepthwiseConv2D)):
        return (
            "weighted sum",
            math.prod(layer.kernel.shape) * _positions(layer, node.outputs[0], name),
            "",
        )
    if isinstance(layer, (layers.Conv1DTranspose, layers.Conv2DTranspose, layers.Conv3DTranspose)):
        return (
            "weighted sum",
            math.prod(layer.kernel.shape) * _positions(layer, node.input_tensors[0], name),
            "",
        )
    if isinstance(layer, (layers.Conv1D, layers.Conv2D, layers.Conv3D)):
        return (
            "weighted sum",
            math.prod(layer.kernel.shape) * _positions(layer, node.outputs[0], name),
            "",
        )
    if isinstance(layer, layers.Dense):
        return (
            "weighted sum",
            math.prod(layer.kernel.shape) * _positions(layer, node.outputs[0], name),
            "",
        )
    kind = _kind(layer)
    if kind == "unknown":
        return kind, None, "unknown layer: MACs not counted"
    return kind, 0, _NOTES[kind]


def _positions(layer, tensor, name):
    """How many times the layer's kernel is applied: the product of the non-channel sizes."""
    shape = tuple(tensor.shape[1:])
    channels_first = getattr(layer, "data_format", "channels_last") == "channels_first"
    sizes = shape[1:] if channels_first else shape[:-1]
    if any(size is None for size in sizes):
        raise ValueError(
            f"{name}: output shape {tuple(tensor.shape)} has unknown sizes, so its MACs are "
            "unknown; build the model with a fixed input shape, e.g. keras.Input((224, 224, 3))"
        )
    return math.prod(sizes)
