"""Chapter 03 widgets: a single-neuron explorer and an activation plotter.

Each widget is a thin layer over pure functions defined here and tested in
``tests/test_widgets_ch03.py``.

Taught in: chapter 03, "The perceptron and logic gates", "XOR: what one neuron cannot do" and
"ReLU".
"""

from __future__ import annotations

import numpy as np

from deepvision import ops
from deepvision.validate import float_array, positive_int
from deepvision.widgets._base import interactive_figure

#: name -> (function, derivative), all from :mod:`deepvision.ops`.
ACTIVATIONS = {
    "step": (ops.step, ops.step_derivative),
    "sigmoid": (ops.sigmoid, ops.sigmoid_derivative),
    "relu": (ops.relu, ops.relu_derivative),
}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"activation: expected one of {', '.join(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]


# --------------------------------------------------------------------------- activation plotter


def activation_curve(name, z):
    """An activation and its derivative evaluated on ``z``.

    Args:
        name: ``"step"``, ``"sigmoid"`` or ``"relu"``.
        z: Points, any shape.

    Returns:
        ``(values, slopes)``, both shaped like ``z``.

    Taught in: chapter 03, "ReLU".
    """
    function, derivative = _activation(name)
    z = float_array(z, "z")
    return function(z), derivative(z)


def draw_activation(activation="sigmoid", z0=2.0):
    import matplotlib.pyplot as plt

    z = np.linspace(-6, 6, 601)
    values, slopes = activation_curve(activation, z)
    value0, slope0 = (float(v) for v in activation_curve(activation, z0))
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
    left.plot(z, values, color="#1f77b4")
    left.plot([z0], [value0], "o", color="#d62728")
    left.plot(z, value0 + slope0 * (z - z0), ":", color="#d62728", label="tangent")
    left.set_ylim(-0.5, 2.0 if activation != "relu" else 6.5)
    left.set_title(f"{activation}({z0:g}) = {value0:.4f}")
    left.legend(loc="upper left")
    right.plot(z, slopes, color="#2ca02c")
    right.plot([z0], [slope0], "o", color="#d62728")
    right.set_ylim(-0.1, 1.1)
    right.set_title(f"derivative at {z0:g}: {slope0:.4f}")
    for ax in (left, right):
        ax.axhline(0, color="black", linewidth=0.5)
        ax.axvline(0, color="black", linewidth=0.5)
        ax.set_xlabel("z")
    fig.tight_layout()
    return fig


def activation_plotter():
    """Choose an activation and a point z; see the function, its tangent and its derivative."""
    import ipywidgets as widgets

    controls = {
        "activation": widgets.ToggleButtons(options=list(ACTIVATIONS), value="sigmoid"),
        "z0": widgets.FloatSlider(value=2.0, min=-5.0, max=5.0, step=0.1, description="z"),
    }
    return interactive_figure(draw_activation, controls)


# ----------------------------------------------------------------------- single-neuron explorer


def gate_data(gate):
    """The truth table of a two-input logic gate as 2-D points and labels.

    Args:
        gate: ``"AND"``, ``"OR"`` or ``"XOR"``.

    Returns:
        ``(points, labels)``: (4, 2) inputs 00, 01, 10, 11 and (4,) outputs.
    """
    table = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "XOR": [0, 1, 1, 0]}
    if gate not in table:
        raise ValueError(f"gate: expected one of {', '.join(table)}, got {gate!r}")
    points = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return points, np.array(table[gate], dtype=np.float64)


def neuron_output(points, w1, w2, b, activation="step"):
    """One neuron on 2-D inputs: activation(w1 * x1 + w2 * x2 + b).

    Args:
        points: Inputs, shape (N, 2).
        w1, w2, b: Weights and bias.
        activation: ``"step"``, ``"sigmoid"`` or ``"relu"``.

    Returns:
        Outputs, shape (N,).

    Taught in: chapter 03, "The perceptron and logic gates".
    """
    points = float_array(points, "points", ndim=2)
    if points.shape[1] != 2:
        raise ValueError(f"points: expected shape (N, 2), got {points.shape}")
    function, _ = _activation(activation)
    return function(points @ np.array([w1, w2], dtype=np.float64) + b)


def neuron_accuracy(gate, w1, w2, b):
    """Fraction of the gate's four rows that a step neuron gets right."""
    points, labels = gate_data(gate)
    return float(np.mean(neuron_output(points, w1, w2, b, "step") == labels))


def best_step_neuron(gate, values=None):
    """Try every (w1, w2, b) on a grid of ``values``; the best accuracy a step neuron reaches.

    Args:
        gate: ``"AND"``, ``"OR"`` or ``"XOR"``.
        values: 1-D grid tried for each parameter; default 25 values from -3 to 3.

    Returns:
        ``(accuracy, (w1, w2, b))``: the best fraction of the four rows and the first
        parameters that reach it. For XOR it never reaches 1: no line separates its classes.
    """
    points, labels = gate_data(gate)
    values = np.linspace(-3, 3, 25) if values is None else float_array(values, "values", ndim=1)
    w1, w2, b = (g.ravel() for g in np.meshgrid(values, values, values, indexing="ij"))
    outputs = ops.step(points @ np.stack([w1, w2]) + b)  # (4, number of candidates)
    scores = np.mean(outputs == labels[:, None], axis=0)
    best = int(np.argmax(scores))
    return float(scores[best]), (float(w1[best]), float(w2[best]), float(b[best]))


def output_grid(w1, w2, b, activation="step", extent=(-0.5, 1.5), resolution=101):
    """The neuron's output over a square grid, for drawing its decision regions.

    Returns:
        ``(x1, x2, out)``: meshgrid coordinates and outputs, each (resolution, resolution).
    """
    resolution = positive_int(resolution, "resolution")
    axis = np.linspace(extent[0], extent[1], resolution)
    x1, x2 = np.meshgrid(axis, axis)
    out = neuron_output(np.column_stack([x1.ravel(), x2.ravel()]), w1, w2, b, activation)
    return x1, x2, out.reshape(x1.shape)


def draw_neuron(w1=1.0, w2=1.0, b=-1.5, activation="step", gate="AND"):
    import matplotlib.pyplot as plt

    points, labels = gate_data(gate)
    x1, x2, out = output_grid(w1, w2, b, activation)
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    top = max(1.0, float(out.max()))
    mesh = ax.contourf(x1, x2, out, levels=np.linspace(0, top, 21), cmap="RdBu_r", alpha=0.6)
    fig.colorbar(mesh, ax=ax, label=f"{activation}(w·x + b)")
    if w1 != 0 or w2 != 0:
        ax.contour(x1, x2, w1 * x1 + w2 * x2 + b, levels=[0], colors="black", linewidths=2)
    for label, marker in ((0.0, "o"), (1.0, "s")):
        chosen = points[labels == label]
        ax.scatter(
            chosen[:, 0],
            chosen[:, 1],
            s=160,
            marker=marker,
            edgecolor="black",
            color="white" if label == 0 else "black",
            label=f"{gate} = {int(label)}",
        )
    score = neuron_accuracy(gate, w1, w2, b)
    ax.set_title(f"{gate}: a step neuron gets {int(score * 4)}/4 right")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_aspect("equal")
    fig.tight_layout()
    return fig


def neuron_explorer(gate="AND"):
    """Sliders for w1, w2 and b, an activation and a logic gate; the black line is w·x + b = 0."""
    import ipywidgets as widgets

    def slider(value, name):
        return widgets.FloatSlider(value=value, min=-3.0, max=3.0, step=0.1, description=name)

    controls = {
        "w1": slider(1.0, "w1"),
        "w2": slider(1.0, "w2"),
        "b": slider(-1.5, "b"),
        "activation": widgets.ToggleButtons(options=list(ACTIVATIONS), value="step"),
        "gate": widgets.ToggleButtons(options=["AND", "OR", "XOR"], value=gate),
    }
    return interactive_figure(
        draw_neuron, controls, columns=[["w1", "w2", "b"], ["activation", "gate"]]
    )
