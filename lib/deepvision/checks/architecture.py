"""Is a learner's Keras model the architecture asked for? Compared as a graph, explained in words.

:func:`describe_graph` turns any built Keras 3 model (Sequential or functional, branches, merges,
nested models such as a frozen backbone) into a canonical list of nodes: each layer's type, the
settings that define it, which earlier nodes feed it, its output shape and whether it trains.
:func:`check_model` compares a learner's model with a reference that way and names the **first
difference** as a learner would say it:

* "your model has no Add: the skip connection (adding a block's input to its output) is missing";
* "your model concatenates (Concatenate) where it should add (Add) ...";
* "your model applies the ReLU before BatchNormalization; expected BatchNormalization → ReLU";
* "your Add adds the model's input and the 1st Conv2D's output; expected the model's input and
  the 2nd Conv2D's output";
* "the shortcut's Conv2D (1x1, 8 filters) has strides=(1, 1); expected strides=(2, 2)";
* "the backbone 'tiny_backbone' is still trainable: set backbone.trainable = False".

Spellings that build the same network compare equal: ``Conv2D(activation="relu")``, a Conv2D then
``Activation("relu")`` or ``ReLU()``; ``layers.Add()([a, b])``, ``[b, a]`` or ``a + b``;
Sequential or functional. Layer names, initializers and regularizers never matter.

Only Keras 3 API is used (``layer.get_config()``, the functional graph's nodes); no Keras 2
attributes such as ``layer.output_shape``.

Taught in: chapter 04, "The network"; chapter 05, "The functional API"; chapter 06, "The book's
MNIST CNN".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from deepvision.checks._core import CaseFailed, call, kernel_state_kept, run

# The settings that define each layer type; anything else (names, initializers) may differ.
DEFINING_SETTINGS = {
    "Dense": ("units", "use_bias"),
    "Conv1D": (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "dilation_rate",
        "groups",
        "use_bias",
    ),
    "Conv2D": (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "dilation_rate",
        "groups",
        "use_bias",
    ),
    "SeparableConv2D": (
        "filters",
        "kernel_size",
        "strides",
        "padding",
        "dilation_rate",
        "depth_multiplier",
        "use_bias",
    ),
    "DepthwiseConv2D": (
        "kernel_size",
        "strides",
        "padding",
        "dilation_rate",
        "depth_multiplier",
        "use_bias",
    ),
    "Conv2DTranspose": ("filters", "kernel_size", "strides", "padding", "use_bias"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "AveragePooling2D": ("pool_size", "strides", "padding"),
    "GlobalAveragePooling2D": ("keepdims",),
    "GlobalMaxPooling2D": ("keepdims",),
    "BatchNormalization": ("axis", "momentum", "epsilon", "center", "scale"),
    "LayerNormalization": ("axis", "epsilon", "center", "scale"),
    "Dropout": ("rate", "noise_shape"),
    "SpatialDropout2D": ("rate",),
    "Act": ("activation",),
    "ReLU": ("max_value", "negative_slope", "threshold"),
    "LeakyReLU": ("negative_slope",),
    "PReLU": ("shared_axes",),
    "ELU": ("alpha",),
    "Softmax": ("axis",),
    "Reshape": ("target_shape",),
    "Flatten": (),
    "Rescaling": ("scale", "offset"),
    "Normalization": ("axis",),
    "Resizing": ("height", "width", "interpolation"),
    "RandomFlip": ("mode",),
    "RandomTranslation": ("height_factor", "width_factor", "fill_mode"),
    "RandomRotation": ("factor", "fill_mode"),
    "RandomZoom": ("height_factor", "width_factor"),
    "ZeroPadding2D": ("padding",),
    "Cropping2D": ("cropping",),
    "Add": (),
    "Subtract": (),
    "Multiply": (),
    "Average": (),
    "Maximum": (),
    "Concatenate": ("axis",),
}

#: Merges whose inputs can come in any order (a + b == b + a).
COMMUTATIVE = {"Add", "Multiply", "Average", "Maximum"}
MERGES = COMMUTATIVE | {"Concatenate", "Subtract"}
#: What each merge means, for the messages.
MERGE_WORDS = {
    "Add": "the skip connection (adding a block's input to its output)",
    "Concatenate": "the concatenation of the branches",
    "Multiply": "the multiplication (SE's channel weights times the feature maps)",
}
#: Layer types that exist only to hold an activation: normalised to one "Act" node.
_ACTIVATION_LAYERS = {"Activation", "ReLU", "Softmax"}
#: keras.ops operations on tensors that mean the same as a merge layer.
_OPERATION_KINDS = {
    "Add": "Add",
    "Multiply": "Multiply",
    "Concatenate": "Concatenate",
    "Subtract": "Subtract",
    "Maximum": "Maximum",
    "Average": "Average",
}


@dataclass
class Node:
    """One step of a model's graph, as compared.

    Attributes:
        kind: The layer type (``"Conv2D"``; ``"Act"`` for any activation; ``"Model"`` for a
            nested model; ``"Input"`` for a model input).
        settings: The defining settings (see :data:`DEFINING_SETTINGS`).
        inputs: Indices of the nodes that feed this one, in canonical order.
        output_shape: The output shape without the batch axis.
        trainable: Whether the layer trains (None for inputs and activations).
        name: The layer's name (for the messages only; never compared).
        graph: For a nested model, its own :class:`Graph`.
        call: For a nested model, the keyword arguments it was called with (``training``).
    """

    kind: str
    settings: dict = field(default_factory=dict)
    inputs: tuple = ()
    output_shape: tuple | None = None
    trainable: bool | None = None
    name: str = ""
    graph: Graph | None = None
    call: dict = field(default_factory=dict)
    params: int = 0

    def head(self):
        """This node alone, as a string: its kind, settings and any nested graph."""
        settings = ",".join(f"{k}={v!r}" for k, v in sorted(self.settings.items()))
        inner = self.graph.signature() if self.graph else ""
        return f"{self.kind}[{settings}]{inner}"

    def signature(self, signatures):
        return f"{self.head()}({','.join(signatures[i] for i in self.inputs)})"


@dataclass
class Graph:
    """A model as a canonical list of :class:`Node` (inputs before the nodes they feed)."""

    nodes: list
    outputs: tuple
    params: int
    name: str = ""

    def signature(self):
        signatures = []
        for node in self.nodes:
            signatures.append(node.signature(signatures))
        return "|".join(signatures[i] for i in self.outputs)

    def kinds(self):
        return [node.kind for node in self.nodes]


def _normalize(value):
    if isinstance(value, list):
        return tuple(_normalize(v) for v in value)
    if isinstance(value, dict) and "config" in value:  # a serialized function or object
        inner = value["config"]
        return inner.get("name", value.get("class_name")) if isinstance(inner, dict) else inner
    return getattr(value, "__name__", value)


def _activation(config):
    name = _normalize(config.get("activation", "linear"))
    return "linear" if name in (None, "linear") else name


def _layer_node(layer):
    """Node(s) for one layer: an activation inside a layer becomes a separate "Act" node."""
    kind = type(layer).__name__
    config = layer.get_config() if hasattr(layer, "get_config") else {}
    trainable = bool(getattr(layer, "trainable", True))
    if kind in _ACTIVATION_LAYERS:
        if kind == "Activation":
            return [Node("Act", {"activation": _activation(config)})]
        if kind == "Softmax" and config.get("axis", -1) in (-1, [-1]):
            return [Node("Act", {"activation": "softmax"})]
        if kind == "ReLU" and not any(
            config.get(key) for key in ("max_value", "negative_slope", "threshold")
        ):
            return [Node("Act", {"activation": "relu"})]
    settings = {
        key: _normalize(config[key]) for key in DEFINING_SETTINGS.get(kind, ()) if key in config
    }
    params = int(layer.count_params()) if getattr(layer, "built", False) else 0
    nodes = [Node(kind, settings, trainable=trainable, name=layer.name, params=params)]
    activation = _activation(config) if "activation" in config else "linear"
    if activation != "linear":
        nodes.append(Node("Act", {"activation": activation}))
    return nodes


def describe_graph(model):
    """A built Keras model as a :class:`Graph`.

    Raises:
        ValueError: not a Keras model, or a model with no inputs yet (a Sequential without
            ``keras.Input`` is not built until it sees data).
    """
    import keras

    if model is None:
        raise ValueError("model: got None: did you forget to `return` the model?")
    if not isinstance(model, keras.Model):
        raise ValueError(f"model: expected a keras.Model, got {type(model).__name__}")
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError):
        inputs = outputs = None
    if not inputs or not outputs:
        raise ValueError(
            "model: it has no input shape yet; start it with keras.Input(shape=...) so Keras "
            "builds it (a Sequential without an Input is not built until it sees data)"
        )
    input_ids = {id(tensor): position for position, tensor in enumerate(inputs)}
    made = {}  # key -> (nodes for this step, parent keys, output shape)

    def key_of(tensor):
        if id(tensor) in input_ids:
            return ("input", input_ids[id(tensor)])
        operation, node_index, _ = tensor._keras_history
        return (id(operation), node_index)

    def build(tensor):
        """First pass: every step of the graph, its nodes and its parents, once."""
        key = key_of(tensor)
        if key in made:
            return key
        shape = tuple(tensor.shape[1:]) if hasattr(tensor, "shape") else None
        if key[0] == "input":
            made[key] = ([Node("Input", output_shape=shape)], [], shape)
            return key
        operation, node_index, _ = tensor._keras_history
        keras_node = operation._inbound_nodes[node_index]
        parents = [build(t) for t in keras_node.arguments.keras_tensors]
        if isinstance(operation, keras.Model):
            call_kwargs = {
                k: v for k, v in keras_node.arguments.kwargs.items() if k in ("training",)
            }
            new = [
                Node(
                    "Model",
                    trainable=bool(operation.trainable),
                    name=operation.name,
                    graph=describe_graph(operation),
                    call=call_kwargs,
                    params=int(operation.count_params()),
                )
            ]
        elif isinstance(operation, keras.layers.Layer):
            new = _layer_node(operation)
        else:  # a keras.ops operation on tensors, such as a + b
            kind = type(operation).__name__
            new = [Node(_OPERATION_KINDS.get(kind, f"op:{kind}"))]
        for created in new:
            created.output_shape = shape
        made[key] = (new, parents, shape)
        return key

    signature_of = {}

    def signature(key):
        """The structure below a step, independent of names and of commutative order."""
        if key not in signature_of:
            new, parents, _ = made[key]
            below = [signature(parent) for parent in parents]
            if new[0].kind in COMMUTATIVE:
                below.sort()
            head = "".join(node.head() for node in new)
            signature_of[key] = f"{head}({','.join(below)})"
        return signature_of[key]

    nodes, index_of = [], {}

    def visit(key):
        """Second pass: number the nodes, inputs first, commutative inputs in canonical order."""
        if key in index_of:
            return index_of[key]
        new, parents, _ = made[key]
        if new[0].kind in COMMUTATIVE:
            parents = sorted(parents, key=signature)
        indices = tuple(visit(parent) for parent in parents)
        new[0].inputs = indices
        nodes.append(new[0])
        index = len(nodes) - 1
        for extra in new[1:]:
            extra.inputs = (index,)
            nodes.append(extra)
            index = len(nodes) - 1
        index_of[key] = index
        return index

    output_keys = [build(t) for t in outputs]
    for position, tensor in enumerate(inputs):  # inputs first, in the model's order
        build(tensor)
        visit(("input", position))
    output_indices = tuple(visit(key) for key in output_keys)
    return Graph(nodes, output_indices, int(model.count_params()), model.name)


def describe_model(model):
    """Layer-by-layer summary of a built Keras model (in ``model.layers`` order).

    Returns:
        dict with ``input_shape`` (tuple without the batch axis), ``layers`` (a list of dicts
        with ``type``, the defining settings, ``activation`` where the layer has one, and
        ``output_shape``) and ``params`` (int).
    """
    graph = describe_graph(model)
    layers = []
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "InputLayer":
            continue
        config = layer.get_config()
        summary = {"type": kind}
        for key in DEFINING_SETTINGS.get(kind, ()) + ("activation",):
            if key in config:
                summary[key] = (
                    _activation(config) if key == "activation" else _normalize(config[key])
                )
        try:
            summary["output_shape"] = tuple(layer.output.shape[1:])
        except (AttributeError, ValueError):
            summary["output_shape"] = None
        layers.append(summary)
    first_input = next(node for node in graph.nodes if node.kind == "Input")
    return {"input_shape": first_input.output_shape, "layers": layers, "params": graph.params}


# -- words ------------------------------------------------------------------------------------


def _ordinal(number):
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _kind_words(kind, settings=None):
    if kind == "Act":
        name = (settings or {}).get("activation", "activation")
        return {"relu": "ReLU", "softmax": "softmax", "sigmoid": "sigmoid"}.get(name, name)
    return kind


def _label(graph, index, details=True):
    """How a learner would name node ``index``: "the 2nd Conv2D (3x3, 16 filters)"."""
    node = graph.nodes[index]
    if node.kind == "Input":
        inputs = [i for i, n in enumerate(graph.nodes) if n.kind == "Input"]
        return "the model's input" if len(inputs) == 1 else f"input {inputs.index(index) + 1}"
    if node.kind == "Model":
        return f"the nested model {node.name!r}"
    rank = sum(
        1
        for n in graph.nodes[: index + 1]
        if n.kind == node.kind and (node.kind != "Act" or n.settings == node.settings)
    )
    what = _kind_words(node.kind, node.settings)
    text = (
        f"the shortcut's {what}" if _on_shortcut(graph, index) else f"the {_ordinal(rank)} {what}"
    )
    parts = []
    if details and "kernel_size" in node.settings:
        size = node.settings["kernel_size"]
        parts.append("x".join(map(str, size)) if isinstance(size, tuple) else str(size))
    if details and "filters" in node.settings:
        parts.append(f"{node.settings['filters']} filters")
    if details and "units" in node.settings:
        parts.append(f"{node.settings['units']} units")
    return f"{text} ({', '.join(parts)})" if parts else text


def _consumers(graph, index):
    return [i for i, n in enumerate(graph.nodes) if index in n.inputs]


def _steps_to_fork(graph, index):
    """Steps back from ``index`` along first inputs to a node that feeds several (a fork)."""
    steps = 0
    while graph.nodes[index].inputs:
        index = graph.nodes[index].inputs[0]
        steps += 1
        if len(_consumers(graph, index)) > 1:
            return steps
    return steps


def _on_shortcut(graph, index):
    """True for a layer that is the shorter branch into a merge (a projection shortcut)."""
    consumers = _consumers(graph, index)
    if len(consumers) != 1 or graph.nodes[consumers[0]].kind not in MERGES:
        return False
    merge = graph.nodes[consumers[0]]
    others = [i for i in merge.inputs if i != index]
    mine = _steps_to_fork(graph, index)
    return mine == 1 and all(_steps_to_fork(graph, i) > 1 for i in others)


def _count_message(name, got, want):
    """A difference in how many layers of each type there are, or None."""
    got_kinds, want_kinds = _counts(got), _counts(want)
    kinds = list(dict.fromkeys(want.kinds() + got.kinds()))
    for kind in sorted(kinds, key=lambda k: k not in MERGES):  # merges first: the structure
        have, need = got_kinds.get(kind, 0), want_kinds.get(kind, 0)
        if kind in ("Input", "Act") or have == need:
            continue
        if kind in MERGES and need > have:
            extra = [k for k in sorted(MERGES) if got_kinds.get(k, 0) > want_kinds.get(k, 0)]
            if extra:
                message = (
                    f"{name} uses {extra[0]} where it should use {kind}: "
                    f"{MERGE_WORDS.get(kind, kind)}"
                )
                if kind == "Add":
                    message += "; y = f(x) + x sums the two paths, it does not stack them"
                return message
            if have == 0:
                return f"{name} has no {kind}: {MERGE_WORDS.get(kind, 'a merge')} is missing"
        deficit = [k for k in kinds if want_kinds.get(k, 0) > got_kinds.get(k, 0) and k != "Act"]
        surplus = [k for k in kinds if got_kinds.get(k, 0) > want_kinds.get(k, 0) and k != "Act"]
        if len(deficit) == 1 and len(surplus) == 1:
            return f"{name} uses {surplus[0]} where {deficit[0]} is expected"
        if need == 0:
            return f"{name} has {have} {kind} layer(s); the architecture asked for has none"
        if have == 0:
            return f"{name} has no {kind} layer; expected {need}"
        return f"{name} has {have} {kind} layers; expected {need}"
    return None


def _skeleton(graph):
    """The layers that are not activations, with the activation applied to each one's output."""
    acts = {n.inputs[0]: n.settings.get("activation") for n in graph.nodes if n.kind == "Act"}
    return [(i, acts.get(i)) for i, n in enumerate(graph.nodes) if n.kind != "Act"]


def _moved_activation(got, want, mine, theirs):
    """An activation applied after another layer than asked (ReLU before BatchNormalization)."""
    for (_, have), (j, need) in zip(mine, theirs, strict=True):
        if need is not None and have != need:
            for (k, other), (_, expected_there) in zip(mine, theirs, strict=True):
                if other == need and expected_there != need:
                    words = _kind_words("Act", {"activation": need})
                    message = (
                        f"your model applies {words} after {_label(got, k, details=False)}; "
                        f"expected it after {_label(want, j, details=False)}"
                    )
                    kinds = {got.nodes[k].kind, want.nodes[j].kind}
                    if "BatchNormalization" in kinds:
                        message += " (a pre-activation unit is BatchNormalization → ReLU → Conv2D)"
                    return message
            return None
    return None


def _activation_message(got, want):
    """Where an activation is missing, extra or another one, on layers that otherwise agree."""
    mine, theirs = _skeleton(got), _skeleton(want)
    if [got.nodes[i].kind for i, _ in mine] != [want.nodes[i].kind for i, _ in theirs]:
        return None
    moved = _moved_activation(got, want, mine, theirs)
    if moved:
        return moved
    for (i, have), (_, need) in zip(mine, theirs, strict=True):
        if have != need:
            label = _label(got, i)
            if need is None:
                return (
                    f"{label} is followed by {_kind_words('Act', {'activation': have})}; "
                    "expected no activation there"
                )
            wanted = _kind_words("Act", {"activation": need})
            if have is None:
                return f"{label} has no activation; expected {wanted} (activation={need!r})"
            return (
                f"{label} is followed by {_kind_words('Act', {'activation': have})}; "
                f"expected {wanted} (activation={need!r})"
            )
    return None


def _counts(graph):
    return _counts_by(graph, lambda n: n.kind)


def _counts_by(graph, key):
    counts = {}
    for node in graph.nodes:
        counts[key(node)] = counts.get(key(node), 0) + 1
    return counts


def _order_message(name, got, want, index):
    """Same layers, another order: say where the first difference is."""
    mine, theirs = got.nodes[index], want.nodes[index]
    for kind in (theirs.kind, mine.kind):
        if kind in MERGES:
            return _wiring_message(
                name,
                got,
                want,
                _nth(got, kind, _rank(want, kind, index)),
                _nth(want, kind, _rank(want, kind, index)),
            )
    a, b = _kind_words(mine.kind, mine.settings), _kind_words(theirs.kind, theirs.settings)
    swapped = (
        index + 1 < min(len(got.nodes), len(want.nodes))
        and _same_kind(got.nodes[index + 1], theirs)
        and _same_kind(want.nodes[index + 1], mine)
    )
    if swapped:
        message = f"{name} applies {a} before {b}; expected {b} → {a}"
        if "BatchNormalization" in (mine.kind, theirs.kind):
            message += " (a pre-activation unit is BatchNormalization → ReLU → Conv2D)"
        return message
    after = _label(want, theirs.inputs[0]) if theirs.inputs else "the input"
    return f"the layers are in another order: after {after}, expected {b}; {name} has {a}"


def _same_kind(a, b):
    return a.kind == b.kind and (a.kind != "Act" or a.settings == b.settings)


def _rank(graph, kind, index):
    """How many nodes of ``kind`` come up to ``index`` in ``graph`` (at least 1)."""
    return max(1, sum(1 for n in graph.nodes[: index + 1] if n.kind == kind))


def _nth(graph, kind, rank):
    """The index of the ``rank``-th node of ``kind`` (or the last one)."""
    found = [i for i, n in enumerate(graph.nodes) if n.kind == kind]
    return found[min(rank, len(found)) - 1] if found else None


def _output_of(graph, index):
    return _label(graph, index) + ("" if graph.nodes[index].kind == "Input" else "'s output")


def _depth(graph, index, memo):
    if index not in memo:
        inputs = graph.nodes[index].inputs
        memo[index] = 1 + max((_depth(graph, i, memo) for i in inputs), default=-1)
    return memo[index]


def _chain(graph, index):
    """The layers on a merge's input, walking back to the block's input (a fork or a merge)."""
    chain = []
    while True:
        node = graph.nodes[index]
        if (
            node.kind == "Input"
            or node.kind in MERGES
            and chain
            or len(_consumers(graph, index)) > 1
        ):
            break
        chain.append(_kind_words(node.kind, node.settings))
        if not node.inputs or node.kind in MERGES:
            break
        index = node.inputs[0]
    return tuple(reversed(chain))


def _chain_words(chain):
    return "the block's input" if not chain else "the output of " + " → ".join(chain)


def _merge_message(got, want):
    """A merge fed from the wrong places: "your Add adds the block's input before the 2nd
    Conv2D", or None when every merge takes what it should."""
    got_memo, want_memo = {}, {}
    mine = sorted(
        (i for i, n in enumerate(got.nodes) if n.kind in MERGES),
        key=lambda i: (_depth(got, i, got_memo), i),
    )
    theirs = sorted(
        (i for i, n in enumerate(want.nodes) if n.kind in MERGES),
        key=lambda i: (_depth(want, i, want_memo), i),
    )
    for mi, ti in zip(mine, theirs, strict=False):
        m, t = got.nodes[mi], want.nodes[ti]
        if m.kind != t.kind:
            return f"your model has {m.kind} where {t.kind} is expected"
        have = [_chain(got, i) for i in m.inputs]
        need = [_chain(want, i) for i in t.inputs]
        if m.kind in COMMUTATIVE:
            have, need = sorted(have, key=len), sorted(need, key=len)
        if have == need:
            continue
        verb = {"Add": "adds", "Concatenate": "concatenates", "Multiply": "multiplies"}.get(
            m.kind, "combines"
        )
        longest_have, longest_need = max(have, key=len), max(need, key=len)
        if len(longest_have) < len(longest_need) and longest_need[: len(longest_have)] == (
            longest_have
        ):
            upcoming = longest_need[len(longest_have)]
            rank = longest_need[: len(longest_have) + 1].count(upcoming)
            return (
                f"your {m.kind} comes too early: the block {verb} the shortcut before the "
                f"{_ordinal(rank)} {upcoming}; expected it after "
                f"{' → '.join(longest_need)} (y = F(x) + x: the shortcut joins at the end)"
            )
        if len(longest_have) > len(longest_need) and longest_have[: len(longest_need)] == (
            longest_need
        ):
            return (
                f"your {m.kind} comes too late: after {' → '.join(longest_have)}; expected "
                f"after {' → '.join(longest_need)}"
            )
        return (
            f"your {m.kind} {verb} {' and '.join(_chain_words(c) for c in have)}; expected "
            f"{' and '.join(_chain_words(c) for c in need)}"
        )
    return None


def _wiring_message(name, got, want, mine_index, theirs_index):
    """How a merge's inputs differ: "your Add adds A and B; expected A and C"."""
    if mine_index is None or theirs_index is None:
        return f"{name} is wired differently from the architecture asked for"
    mine, theirs = got.nodes[mine_index], want.nodes[theirs_index]
    verb = {"Add": "adds", "Concatenate": "concatenates", "Multiply": "multiplies"}.get(
        mine.kind, "combines"
    )
    have = " and ".join(_output_of(got, i) for i in mine.inputs)
    need = " and ".join(_output_of(want, i) for i in theirs.inputs)
    return f"your {mine.kind} {verb} {have}; expected {need}"


def compare_graphs(got, want, name="your model"):
    """The first difference between two :class:`Graph` in words, or None when they match."""
    got_inputs = [n.output_shape for n in got.nodes if n.kind == "Input"]
    want_inputs = [n.output_shape for n in want.nodes if n.kind == "Input"]
    if got_inputs != want_inputs:
        if len(got_inputs) != len(want_inputs):
            return f"{name} has {len(got_inputs)} input(s); expected {len(want_inputs)}"
        return (
            f"input shape is {got_inputs[0]}; expected {want_inputs[0]} "
            f"(keras.Input(shape={want_inputs[0]}))"
        )
    message = (
        _count_message(name, got, want)
        or _merge_message(got, want)
        or _activation_message(got, want)
    )
    if message:
        return message
    if len(got.nodes) != len(want.nodes):
        return f"{name} has {len(got.nodes)} steps; expected {len(want.nodes)}"
    for index, (mine, theirs) in enumerate(zip(got.nodes, want.nodes, strict=True)):
        if mine.kind != theirs.kind or (mine.kind == "Act" and mine.settings != theirs.settings):
            return _order_message(name, got, want, index)
        for key, value in theirs.settings.items():
            if mine.settings.get(key) != value:
                return (
                    f"{_label(got, index, details=False)} has {key}={mine.settings.get(key)!r}; "
                    f"expected {key}={value!r}"
                )
        if mine.inputs != theirs.inputs:
            if theirs.kind in MERGES:
                return _wiring_message(name, got, want, index, index)
            return (
                f"{_label(got, index)} takes its input from "
                f"{' and '.join(_label(got, i) for i in mine.inputs)}; expected "
                f"{' and '.join(_label(want, i) for i in theirs.inputs)}"
            )
        if theirs.kind == "Model":
            if theirs.trainable is False and mine.trainable:
                return (
                    f"the backbone {mine.name!r} is still trainable: set backbone.trainable = "
                    "False before compiling, so its pretrained weights stay as they are"
                )
            if theirs.trainable and mine.trainable is False:
                return f"the nested model {mine.name!r} is frozen; expected it to train"
            if theirs.call.get("training") is False and mine.call.get("training") is not False:
                return (
                    f"call the backbone {mine.name!r} with training=False, so its "
                    "BatchNormalization layers stay in inference mode while the head trains"
                )
            inner = compare_graphs(mine.graph, theirs.graph, name=f"the backbone {mine.name!r}")
            if inner:
                return f"in the nested model {mine.name!r}: {inner}"
        elif theirs.params and mine.trainable != theirs.trainable:
            state = "trainable" if theirs.trainable else "frozen"
            return f"{_label(got, index)} should be {state} (layer.trainable = {theirs.trainable})"
        if theirs.output_shape and mine.output_shape != theirs.output_shape:
            return (
                f"{_label(got, index)} outputs shape {mine.output_shape}; expected "
                f"{theirs.output_shape}"
            )
    if got.outputs != want.outputs:
        return f"{name} outputs {len(got.outputs)} tensor(s); expected {len(want.outputs)}"
    if got.params != want.params:
        return f"{name} has {got.params:,} parameters; expected {want.params:,}"
    return None


def check_model(model, expected, name="your model"):
    """Compare a learner's Keras model with the expected architecture, as graphs.

    Args:
        model: The learner's ``keras.Model`` (Sequential or functional).
        expected: A reference ``keras.Model`` (or a :class:`Graph`).
        name: What the messages call the learner's model.

    Returns:
        CheckResult, passed with "N layers and P parameters, as expected", or failed with the
        first difference in words.
    """

    def cases():
        try:
            got = describe_graph(model)
        except ValueError as error:
            raise CaseFailed(str(error)) from error
        want = expected if isinstance(expected, Graph) else describe_graph(expected)
        message = compare_graphs(got, want, name)
        if message:
            raise CaseFailed(message)
        layers = sum(1 for n in want.nodes if n.kind not in ("Input", "Act"))
        return f"{layers} layers and {want.params:,} parameters, as expected"

    with kernel_state_kept():
        return run(name, cases)


def check_builder(builder, reference_builder, title, **kwargs):
    """Call a learner's model-building function and compare what it returns with the reference.

    A builder that cannot even build because a merge meets tensors of different shapes (a
    shortcut without the main path's stride or channels) gets a hint, not Keras' traceback.

    Returns:
        The success text; raises CaseFailed with the first difference.
    """
    with kernel_state_kept():
        return _check_builder(builder, reference_builder, title, **kwargs)


def _check_builder(builder, reference_builder, title, **kwargs):
    try:
        model = call(title, builder, **kwargs)
    except CaseFailed as failure:
        if "incompatible shapes" in str(failure) or "same shape" in str(failure):
            raise CaseFailed(
                f"{failure}. A merge (Add, Multiply) needs both paths to end with the same "
                "shape: when the main path downsamples (strides=2) or changes the number of "
                "channels, give the shortcut a projection with the same strides and filters, "
                "a 1x1 Conv2D(filters, 1, strides=...)"
            ) from failure
        raise
    result = check_model(model, reference_builder(**kwargs), name="your model")
    if not result:
        raise CaseFailed(result.message)
    return result.message
