"""Checkers for Keras models: does a learner's model have exactly the expected architecture?

:func:`describe_model` turns any built Keras 3 model into a list of layer summaries (type and the
settings that define it); :func:`check_model` compares a learner's model with a reference model
(or a description) **layer by layer, after checking the counts match**, so a model with a layer
missing or one too many never passes. It uses only Keras 3 API (``get_config``, ``layer.output``,
``count_params``), not Keras 2 attributes such as ``layer.output_shape``.

Taught in: chapter 04 (the MLP), chapter 05 (the functional API), chapter 06 (the MNIST CNN).
"""

from __future__ import annotations

from deepvision.checks._core import CaseFailed, run

# The settings that define each layer type; anything else (names, initializers) may differ.
DEFINING_SETTINGS = {
    "Dense": ("units", "activation", "use_bias"),
    "Conv2D": ("filters", "kernel_size", "strides", "padding", "activation", "use_bias"),
    "Conv1D": ("filters", "kernel_size", "strides", "padding", "activation", "use_bias"),
    "SeparableConv2D": ("filters", "kernel_size", "strides", "padding", "activation"),
    "DepthwiseConv2D": ("kernel_size", "strides", "padding", "activation"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "Dropout": ("rate",),
    "Activation": ("activation",),
    "ReLU": (),
    "Softmax": ("axis",),
    "Reshape": ("target_shape",),
    "Rescaling": ("scale", "offset"),
    "BatchNormalization": ("axis",),
    "Flatten": (),
    "GlobalAveragePooling2D": (),
    "GlobalMaxPooling2D": (),
    "Add": (),
    "Concatenate": ("axis",),
}


def _activation_name(value):
    if isinstance(value, dict):  # a serialized function
        value = value.get("config", value).get("name", value.get("class_name"))
    return getattr(value, "__name__", value)


def _normalize(value):
    if isinstance(value, list):
        return tuple(value)
    return value


def describe_model(model):
    """Layer-by-layer summary of a built Keras model.

    Returns:
        dict with ``input_shape`` (tuple without the batch axis), ``layers`` (a list of dicts
        with ``type``, the defining settings and ``output_shape``) and ``params`` (int).
    """
    try:
        import keras
    except ImportError as error:  # pragma: no cover
        raise RuntimeError("describe_model needs Keras") from error
    if not isinstance(model, keras.Model):
        raise ValueError(f"model: expected a keras.Model, got {type(model).__name__}")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(
            "model: it has no input shape yet; start it with keras.Input(shape=...) so Keras "
            "builds it (a Sequential without an Input is not built until it sees data)"
        )
    if len(inputs) != 1:
        raise ValueError(f"model: expected one input, got {len(inputs)}")
    layers = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        config = layer.get_config()
        summary = {"type": kind}
        for key in DEFINING_SETTINGS.get(kind, ()):
            if key in config:
                value = config[key]
                summary[key] = _activation_name(value) if key == "activation" else _normalize(value)
        try:
            summary["output_shape"] = tuple(layer.output.shape[1:])
        except (AttributeError, ValueError):
            summary["output_shape"] = None
        layers.append(summary)
    return {
        "input_shape": tuple(inputs[0].shape[1:]),
        "layers": layers,
        "params": int(model.count_params()),
    }


def _format(layer):
    settings = ", ".join(
        f"{k}={v!r}" for k, v in layer.items() if k not in ("type", "output_shape")
    )
    return f"{layer['type']}({settings})"


def check_model(model, expected, name="model"):
    """Compare a learner's Keras model with the expected architecture.

    Args:
        model: The learner's ``keras.Model`` (Sequential or functional).
        expected: A reference ``keras.Model`` or a :func:`describe_model` dict.
        name: What the learner called it, for the messages.

    Returns:
        CheckResult. It fails on: a non-model; a different input shape; a missing or extra layer;
        a layer of another type or with other units, filters, kernel size, strides, padding,
        activation or rate; a different parameter count.
    """

    def cases():
        try:
            got = describe_model(model)
        except ValueError as error:
            raise CaseFailed(str(error)) from error
        want = expected if isinstance(expected, dict) else describe_model(expected)
        if got["input_shape"] != want["input_shape"]:
            raise CaseFailed(
                f"input shape is {got['input_shape']}; expected {want['input_shape']} "
                f"(keras.Input(shape={want['input_shape']}))"
            )
        got_layers, want_layers = got["layers"], want["layers"]
        if len(got_layers) != len(want_layers):
            listing = "\n  ".join(_format(layer) for layer in want_layers)
            raise CaseFailed(
                f"{name} has {len(got_layers)} layers; expected {len(want_layers)}:\n  {listing}"
            )
        for index, (mine, theirs) in enumerate(zip(got_layers, want_layers, strict=True), 1):
            if mine["type"] != theirs["type"]:
                raise CaseFailed(f"layer {index} is a {mine['type']}; expected {_format(theirs)}")
            for key, value in theirs.items():
                if key == "output_shape" or key == "type":
                    continue
                if mine.get(key) != value:
                    raise CaseFailed(
                        f"layer {index} ({mine['type']}) has {key}={mine.get(key)!r}; "
                        f"expected {key}={value!r}"
                    )
            if theirs.get("output_shape") and mine.get("output_shape") != theirs["output_shape"]:
                raise CaseFailed(
                    f"layer {index} ({mine['type']}) outputs shape {mine.get('output_shape')}; "
                    f"expected {theirs['output_shape']}"
                )
        if got["params"] != want["params"]:
            raise CaseFailed(
                f"{name} has {got['params']:,} parameters; expected {want['params']:,}"
            )
        return f"{len(want_layers)} layers and {want['params']:,} parameters, as expected"

    return run(name, cases)
