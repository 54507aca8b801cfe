"""Diagrams of neural networks, drawn by matplotlib: the network, and its computational graph.

:func:`network_diagram` draws neurons as circles and weights as lines, layer by layer;
:func:`computational_graph` draws the forward pass of a one-hidden-layer network as a chain of
operations, with every value of a small example above its arrow and every gradient of the
backward pass below it. Those numbers come from :func:`graph_values`, which runs the library's
own forward and backward functions (:mod:`deepvision.ops`), so the picture shows nothing the
learner has to take on trust.

Taught in: chapter 03, "Networks: layers composed, one output per class" and "Backpropagation
on the computational graph".
"""

from __future__ import annotations

import numpy as np

from deepvision import ops, validate

_INPUT, _HIDDEN, _OUTPUT = "#9ecae1", "#fdae6b", "#a1d99b"
_FORWARD, _BACKWARD = "#252525", "#de2d26"


def _shaped(value, name, shape):
    """``value`` as a float array of ``shape`` (None: any size on that axis), or a ValueError."""
    array = validate.float_array(value, name, ndim=len(shape))
    if any(want is not None and got != want for got, want in zip(array.shape, shape, strict=True)):
        expected = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        raise ValueError(f"{name}: expected shape {expected}, got {array.shape}")
    return array


def _layer_name(index, count):
    if index == 0:
        return "input"
    return "output" if index == count - 1 else "hidden"


def network_diagram(layer_sizes=(3, 4, 2), weights=None):
    """Neurons as circles, weights as lines: the picture of a dense network.

    Args:
        layer_sizes: Widths from input to output, e.g. ``(3, 4, 2)``; two to six layers of at
            most 12 neurons each (a picture, not a real network).
        weights: Optional list of kernels, one per pair of layers, of shapes
            (layer_sizes[k], layer_sizes[k + 1]): each line is then drawn blue for a positive
            weight and red for a negative one, as thick as the weight is large.

    Returns:
        The Figure. Its texts name each layer with its width (``"input layer (3)"``,
        ``"hidden layer (4)"``, ``"output layer (2)"``), each kernel with its shape
        (``"W1: 3 x 4"``) and the neurons (``"x1"``, ``"h1"``, ``"y1"``...); it has one line per
        weight.

    Taught in: chapter 03, "Networks: layers composed, one output per class".
    """
    import matplotlib.pyplot as plt

    if not isinstance(layer_sizes, (list, tuple)) or not 2 <= len(layer_sizes) <= 6:
        raise ValueError(
            f"layer_sizes: expected two to six layer widths like (3, 4, 2), got {layer_sizes!r}"
        )
    sizes = [validate.positive_int(size, f"layer_sizes[{i}]") for i, size in enumerate(layer_sizes)]
    if max(sizes) > 12:
        raise ValueError(f"layer_sizes: expected at most 12 neurons per layer, got {sizes}")
    if weights is not None:
        if not isinstance(weights, (list, tuple)) or len(weights) != len(sizes) - 1:
            raise ValueError(
                f"weights: expected a list of {len(sizes) - 1} kernels, one per pair of layers"
            )
        weights = [
            _shaped(w, f"weights[{k}]", (sizes[k], sizes[k + 1])) for k, w in enumerate(weights)
        ]
    fig, axis = plt.subplots(figsize=(2.6 * len(sizes) + 1, 0.75 * max(sizes) + 2.2))
    tallest = max(sizes)
    positions = [
        [(2.6 * k, (tallest - size) / 2 + size - 1 - i) for i in range(size)]
        for k, size in enumerate(sizes)
    ]
    largest = max((np.abs(w).max() for w in weights), default=1.0) if weights else 1.0
    for k in range(len(sizes) - 1):
        for i, (x0, y0) in enumerate(positions[k]):
            for j, (x1, y1) in enumerate(positions[k + 1]):
                if weights is None:
                    colour, width = "#969696", 0.8
                else:
                    value = weights[k][i, j]
                    colour = "#3182bd" if value >= 0 else _BACKWARD
                    width = 0.3 + 3.0 * abs(value) / max(largest, 1e-12)
                axis.plot([x0, x1], [y0, y1], color=colour, linewidth=width, zorder=1)
        x_mid = 1.3 + 2.6 * k
        axis.text(
            x_mid,
            tallest + 0.1,
            f"W{k + 1}: {sizes[k]} x {sizes[k + 1]}\n+ b{k + 1}: {sizes[k + 1]}",
            ha="center",
            va="bottom",
            fontsize=9,
        )
    symbols = {"input": "x", "hidden": "h", "output": "y"}
    for k, layer in enumerate(positions):
        kind = _layer_name(k, len(sizes))
        colour = {"input": _INPUT, "hidden": _HIDDEN, "output": _OUTPUT}[kind]
        symbol = symbols[kind] if kind != "hidden" or len(sizes) == 3 else f"h{k}."
        for i, (x, y) in enumerate(layer):
            axis.add_patch(plt.Circle((x, y), 0.3, facecolor=colour, edgecolor="black", zorder=2))
            axis.text(x, y, f"{symbol}{i + 1}", ha="center", va="center", fontsize=8, zorder=3)
        axis.text(
            layer[0][0], -1.0, f"{kind} layer ({len(layer)})", ha="center", va="top", fontsize=10
        )
    axis.set_xlim(-0.8, 2.6 * (len(sizes) - 1) + 0.8)
    axis.set_ylim(-1.7, tallest + 1.0)
    axis.set_aspect("equal")
    axis.axis("off")
    return fig


def graph_values(x, w1, b1, w2, b2, label):
    """Every value and every gradient of one example through a one-hidden-layer network.

    z1 = x W1 + b1,  h = relu(z1),  z2 = h W2 + b2,  y_hat = softmax(z2),  L = -ln y_hat[label];
    backward: dz2 = y_hat - y,  dW2 = h^T dz2,  dh = dz2 W2^T,  dz1 = dh * 1[z1 > 0],
    dW1 = x^T dz1 (the library's :func:`deepvision.ops.dense_backward` and friends).

    Args:
        x: One example's inputs, shape (n_in,).
        w1, b1: The hidden layer, shapes (n_in, n_hidden) and (n_hidden,).
        w2, b2: The output layer, shapes (n_hidden, num_classes) and (num_classes,).
        label: The true class, an integer in [0, num_classes).

    Returns:
        dict of float arrays: forward ``"x"``, ``"z1"``, ``"h"``, ``"z2"``, ``"y_hat"``,
        ``"loss"`` (shape ()); backward ``"dz2"``, ``"dh"``, ``"dz1"``, ``"dx"``, ``"dw1"``,
        ``"db1"``, ``"dw2"``, ``"db2"`` (each shaped like what it is the gradient of).

    Taught in: chapter 03, "Backpropagation on the computational graph".
    """
    x = validate.float_array(x, "x", ndim=1)
    w1 = _shaped(w1, "w1", (x.shape[0], None))
    b1 = _shaped(b1, "b1", (w1.shape[1],))
    w2 = _shaped(w2, "w2", (w1.shape[1], None))
    b2 = _shaped(b2, "b2", (w2.shape[1],))
    label = int(validate.class_labels(np.asarray([label]), w2.shape[1])[0])
    z1, cache1 = ops.dense_forward(x[np.newaxis], w1, b1)
    h = ops.relu(z1)
    z2, cache2 = ops.dense_forward(h, w2, b2)
    y_hat = ops.softmax(z2)
    loss = ops.cross_entropy(y_hat, np.array([label]))
    dz2 = y_hat - ops.one_hot(np.array([label]), w2.shape[1])
    dh, dw2, db2 = ops.dense_backward(dz2, cache2)
    dz1 = dh * ops.relu_derivative(z1)
    dx, dw1, db1 = ops.dense_backward(dz1, cache1)
    values = {"x": x[np.newaxis], "z1": z1, "h": h, "z2": z2, "y_hat": y_hat, "dz2": dz2}
    values.update({"dh": dh, "dz1": dz1, "dx": dx})
    values = {name: value[0] for name, value in values.items()}
    values.update({"loss": np.asarray(loss), "dw1": dw1, "db1": db1, "dw2": dw2, "db2": db2})
    return values


def _numbers(values):
    return "[" + ", ".join(f"{v:.2f}" for v in np.ravel(values)) + "]"


def computational_graph(x=(1.0, -2.0), w1=None, b1=None, w2=None, b2=None, label=0):
    """The forward and backward pass of a small network, drawn as a graph of operations.

    Boxes are operations (``dense``, ``relu``, ``dense``, ``softmax + cross-entropy``), arrows
    carry values left to right (black, above) and gradients right to left (red, below); each
    parameter W1, W2 hangs under its dense box with its gradient. The default example is a
    2-3-2 network with fixed weights; every number comes from :func:`graph_values`.

    Args:
        x: One example's inputs, shape (n_in,).
        w1, b1, w2, b2: The parameters (defaults: a fixed 2-3-2 network).
        label: The true class.

    Returns:
        The Figure. Its texts include the operations' names, the forward values
        (``"z1 = [..]"``, ``"h = [..]"``, ``"z2 = [..]"``, ``"L = 0.xx"``) and the gradients
        (``"dL/dz2 = y_hat - y = [..]"``, ``"dL/dh = [..]"``, ``"dL/dz1 = [..]"``,
        ``"dL/dW1"``, ``"dL/dW2"``).

    Taught in: chapter 03, "Backpropagation on the computational graph".
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    if w1 is None:
        w1 = np.array([[0.5, -0.3, 0.8], [0.2, 0.4, -0.6]])
    if b1 is None:
        b1 = np.array([0.1, 0.2, 0.0])
    if w2 is None:
        w2 = np.array([[0.7, -0.5], [-0.4, 0.9], [0.6, 0.3]])
    if b2 is None:
        b2 = np.zeros(np.shape(w2)[1] if np.ndim(w2) == 2 else 1)
    v = graph_values(x, w1, b1, w2, b2, label)
    fig, axis = plt.subplots(figsize=(16, 4.6))
    boxes = [
        (0.0, "x"),
        (4.4, "dense\nz1 = x W1 + b1"),
        (8.8, "relu\nh = max(0, z1)"),
        (13.2, "dense\nz2 = h W2 + b2"),
        (17.6, "softmax +\ncross-entropy"),
    ]
    for centre, text in boxes:
        colour = _INPUT if text == "x" else _HIDDEN
        axis.add_patch(
            FancyBboxPatch(
                (centre - 1.05, -0.45),
                2.1,
                0.9,
                boxstyle="round,pad=0.05",
                facecolor=colour,
                edgecolor="black",
            )
        )
        axis.text(centre, 0.0, text, ha="center", va="center", fontsize=9)
    forward = [
        f"x = {_numbers(v['x'])}",
        f"z1 = {_numbers(v['z1'])}",
        f"h = {_numbers(v['h'])}",
        f"z2 = {_numbers(v['z2'])}",
    ]
    backward = [
        f"dL/dx = {_numbers(v['dx'])}",
        f"dL/dz1 = dL/dh * 1[z1 > 0]\n= {_numbers(v['dz1'])}",
        f"dL/dh = dL/dz2 W2^T\n= {_numbers(v['dh'])}",
        f"dL/dz2 = y_hat - y\n= {_numbers(v['dz2'])}",
    ]
    for k in range(4):
        start, end = boxes[k][0] + 1.15, boxes[k + 1][0] - 1.15
        axis.annotate(
            "",
            xy=(end, 0.2),
            xytext=(start, 0.2),
            arrowprops={"arrowstyle": "->", "color": _FORWARD},
        )
        axis.annotate(
            "",
            xy=(start, -0.2),
            xytext=(end, -0.2),
            arrowprops={"arrowstyle": "->", "color": _BACKWARD},
        )
        middle = (start + end) / 2
        axis.text(middle, 0.35, forward[k], ha="center", va="bottom", fontsize=8, color=_FORWARD)
        axis.text(middle, -0.35, backward[k], ha="center", va="top", fontsize=8, color=_BACKWARD)
    axis.text(
        boxes[-1][0],
        0.75,
        f"y_hat = {_numbers(v['y_hat'])}\nL = -ln y_hat[{label}] = {float(v['loss']):.3f}",
        ha="center",
        va="bottom",
        fontsize=9,
        color=_FORWARD,
    )
    for centre, name in ((boxes[1][0], "1"), (boxes[3][0], "2")):
        gradient = v[f"dw{name}"]
        axis.text(
            centre,
            -1.35,
            f"W{name}: {np.shape(gradient)[0]} x {np.shape(gradient)[1]}\n"
            f"dL/dW{name} = (input)^T dL/dz{name}\n"
            f"largest |dL/dW{name}| = {np.abs(gradient).max():.2f}",
            ha="center",
            va="top",
            fontsize=8,
            color=_BACKWARD,
        )
        axis.plot([centre, centre], [-0.5, -1.3], color="#969696", linestyle=":")
    axis.text(
        8.8,
        1.45,
        "forward: values flow left to right (black)   backward: gradients flow right to left "
        "(red), each box multiplying by its local derivative",
        ha="center",
        fontsize=9,
    )
    axis.set_xlim(-1.3, 18.9)
    axis.set_ylim(-2.6, 1.8)
    axis.axis("off")
    return fig
