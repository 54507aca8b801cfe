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

Taught in: chapter 10, "A model's cost, layer by layer".
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


def model_cost(model, input_shape=None):
    """Parameters and MACs of every layer of a built Keras model, and their totals.

    Sequential and functional models, nested models included (a model used as a layer is
    expanded: its rows are named ``outer/inner/layer``, with the shapes of the outer call). A
    layer called twice has two rows; its weights are counted at the first. A layer the counter
    does not know is listed with MACs ``None`` ("unknown") and the totals say that the MAC count
    is incomplete.

    Args:
        model: A built ``keras.Model`` (functional, or Sequential with a known input shape).
        input_shape: The shape of one example, e.g. ``(224, 224, 3)`` (a list of them for several
            inputs), for a model built with unknown sizes such as ``keras.Input((None, None, 3))``;
            ``None`` uses the model's own input shapes.

    Returns:
        :class:`~deepvision.cost.table.ModelCost`: ``.rows``, ``.params`` (equal to
        ``model.count_params()``), ``.trainable_params``, ``.non_trainable_params``, ``.macs``
        (one example), ``.flops`` (= 2 x MACs, a convention); ``print()`` it for a table.

    Taught in: chapter 10, "A model's cost, layer by layer".
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model: expected a keras.Model, got {type(model).__name__}")
    graph = _graph(keras, model, "model")
    inputs = graph.inputs if input_shape is None else _inputs(keras, graph, input_shape)
    rows = []
    _walk(keras, graph, inputs, "", set(), rows)
    return ModelCost(model.name, tuple(rows))


def _inputs(keras, graph, input_shape):
    """Symbolic inputs of the shapes asked for, one per input of the model."""
    shapes = input_shape if len(graph.inputs) > 1 else [input_shape]
    if not isinstance(shapes, (list, tuple)) or len(shapes) != len(graph.inputs):
        raise ValueError(
            f"input_shape: expected {len(graph.inputs)} shapes (the model has "
            f"{len(graph.inputs)} inputs), got {input_shape!r}"
        )
    inputs = []
    for shape, tensor in zip(shapes, graph.inputs, strict=True):
        expected = tuple(tensor.shape[1:])
        ok = isinstance(shape, (list, tuple)) and len(shape) == len(expected)
        if ok:
            ok = all(
                isinstance(size, int) and size >= 1 and known in (None, size)
                for size, known in zip(shape, expected, strict=True)
            )
        if not ok:
            raise ValueError(
                f"input_shape: expected the shape of one example matching {expected} "
                f"(positive integers where it has None), got {shape!r}"
            )
        inputs.append(keras.KerasTensor((None, *shape), dtype=tensor.dtype))
    return inputs


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


def _walk(keras, graph, inputs, prefix, seen, rows):
    """Append a row per layer call of ``graph`` run on ``inputs`` (symbolic tensors), depth first
    into nested models; return its outputs. Shapes are those of the graph's own tensors, or,
    where ``inputs`` differ from the graph's inputs, recomputed layer by layer."""
    same = all(
        tuple(given.shape) == tuple(own.shape)
        for given, own in zip(inputs, graph.inputs, strict=True)
    )
    tensors = {id(own): given for own, given in zip(graph.inputs, inputs, strict=True)}
    for depth in sorted(graph._nodes_by_depth, reverse=True):
        for node in graph._nodes_by_depth[depth]:
            operation, name = node.operation, prefix + node.operation.name
            if node.is_input:
                given = [tensors[id(tensor)] for tensor in node.outputs]
                rows.append(_row(keras, operation, given, given, name, seen))
                continue
            args, kwargs = node.arguments.fill_in(tensors)
            given = [tensors[id(tensor)] for tensor in node.input_tensors]
            if isinstance(operation, keras.Model):
                inner = _graph(keras, operation, name)
                outputs = _walk(keras, inner, given, name + "/", seen, rows)
            else:
                if same:
                    outputs = node.outputs
                else:
                    outputs = keras.tree.flatten(operation.compute_output_spec(*args, **kwargs))
                rows.append(_row(keras, operation, given, outputs, name, seen))
            for own, computed in zip(node.outputs, outputs, strict=True):
                tensors[id(own)] = computed
    return [tensors[id(tensor)] for tensor in graph.outputs]


def _row(keras, layer, inputs, outputs, name, seen):
    shapes = [tuple(tensor.shape[1:]) for tensor in outputs]
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
    kind, macs, note = _macs(keras, layer, inputs, outputs, name)
    if shared:
        note = "; ".join(filter(None, [note, "shared weights counted once"]))
    return LayerCost(
        name=name,
        type=type(layer).__name__,
        output_shape=shapes[0] if len(shapes) == 1 else shapes,
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


def _macs(keras, layer, inputs, outputs, name):
    """(kind, MACs, note) of one call."""
    layers = keras.layers
    if isinstance(layer, (layers.SeparableConv1D, layers.SeparableConv2D)):
        positions = _positions(layer, outputs[0], name)
        depthwise = math.prod(layer.depthwise_kernel.shape) * positions
        pointwise = math.prod(layer.pointwise_kernel.shape) * positions
        return "weighted sum", depthwise + pointwise, f"depthwise {depthwise:,} + pointwise"
    transposed = (layers.Conv1DTranspose, layers.Conv2DTranspose, layers.Conv3DTranspose)
    if isinstance(layer, transposed):  # every input position scatters the whole kernel
        return (
            "weighted sum",
            math.prod(layer.kernel.shape) * _positions(layer, inputs[0], name),
            "",
        )
    weighted = (layers.Conv1D, layers.Conv2D, layers.Conv3D, layers.DepthwiseConv1D,
                layers.DepthwiseConv2D, layers.Dense)  # fmt: skip
    if isinstance(layer, weighted):  # every output position applies the whole kernel once
        return (
            "weighted sum",
            math.prod(layer.kernel.shape) * _positions(layer, outputs[0], name),
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
            f"{name}: shape {tuple(tensor.shape)} has unknown sizes, so its MACs are unknown; "
            "build the model with a fixed input shape, e.g. keras.Input((224, 224, 3)), or "
            "pass model_cost(model, input_shape=(224, 224, 3))"
        )
    return math.prod(sizes)
