"""Chapter 08 widget: the rectifier explorer.

Pick a rectifier and its alpha or theta: its function and its derivative side by side, and a
histogram of a real layer's pre-activations coloured by the gradient each input gets back (none
at all, red; some, blue). The widget is a thin layer over :func:`rectifier_curves` and
:func:`gradient_histogram`, tested in ``tests/test_widgets_ch08.py``.

Taught in: chapter 08, "Seven rectifiers side by side".
"""

from __future__ import annotations

import numpy as np

from deepvision.ops import rectifiers
from deepvision.validate import float_array, positive_int
from deepvision.widgets._base import interactive_figure

#: The explorer's slider: alpha for leaky ReLU, PReLU and ELU, theta for the thresholded ReLU.
PARAMETER_RANGE = (0.0, 2.0, 0.05)


def rectifier_curves(rectifier, parameter=None, z=None):
    """A rectifier and its derivative on a grid, for plotting.

    Args:
        rectifier: A name of :data:`deepvision.ops.rectifiers.RECTIFIERS`.
        parameter: alpha or theta (ignored by ReLU, GELU and SiLU).
        z: The grid; default 801 points from -4 to 4.

    Returns:
        dict with ``z``, ``value`` (f(z)), ``derivative`` (f'(z)), ``parameter_name``
        (``"alpha"``, ``"theta"`` or None) and ``parameter`` (the value used, or None).
    """
    z = np.linspace(-4.0, 4.0, 801) if z is None else float_array(z, "z", ndim=1)
    name = rectifiers.RECTIFIERS.get(rectifier, (None, None, None, None))[2]
    used = None if name is None else parameter
    if name is not None and used is None:
        used = rectifiers.RECTIFIERS[rectifier][3]
    return {
        "z": z,
        "value": rectifiers.rectify(rectifier, z, used),
        "derivative": rectifiers.rectify(rectifier, z, used, derivative=True),
        "parameter_name": name,
        "parameter": used,
    }


def gradient_histogram(pre_activations, rectifier, parameter=None, bins=60):
    """How a layer's pre-activations fare through a rectifier: which get no gradient back.

    Args:
        pre_activations: Any array of pre-activations (flattened here).
        rectifier: A name of :data:`deepvision.ops.rectifiers.RECTIFIERS`.
        parameter: alpha or theta.
        bins: Histogram bins over the values' range.

    Returns:
        dict with ``edges`` (bins + 1), ``no_gradient`` and ``gradient`` (counts per bin of the
        inputs whose derivative is exactly 0, and of the others), ``no_gradient_fraction`` (of
        all inputs), ``mean_gradient`` (the mean of f'(z)) and ``count``.
    """
    z = float_array(pre_activations, "pre_activations").ravel()
    if z.size == 0:
        raise ValueError("pre_activations: expected at least one value, got an empty array")
    bins = positive_int(bins, "bins")
    slopes = rectifiers.rectify(rectifier, z, parameter, derivative=True)
    dead = slopes == 0
    low, high = float(z.min()), float(z.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    return {
        "edges": edges,
        "no_gradient": np.histogram(z[dead], edges)[0],
        "gradient": np.histogram(z[~dead], edges)[0],
        "no_gradient_fraction": float(np.mean(dead)),
        "mean_gradient": float(np.mean(slopes)),
        "count": int(z.size),
    }


def example_pre_activations(seed=8, size=20000):
    """Stand-in pre-activations (a normal sample, mean -0.3, std 1) when no network is given."""
    return np.random.default_rng(seed).normal(-0.3, 1.0, size=size)


def draw_rectifier(rectifier, parameter, pre_activations, layer_name="pre-activations"):
    """Function, derivative and the pre-activation histogram, side by side."""
    import matplotlib.pyplot as plt

    curves = rectifier_curves(rectifier, parameter)
    histogram = gradient_histogram(pre_activations, rectifier, parameter)
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
    label = rectifier
    if curves["parameter_name"]:
        label += f" ({curves['parameter_name']} = {curves['parameter']:g})"
    axes[0].plot(curves["z"], rectifiers.rectify("relu", curves["z"]), color="#bbbbbb", lw=1)
    axes[0].plot(curves["z"], curves["value"], color="#1f77b4", lw=2)
    axes[0].set_title(f"{label}: f(z) (grey: ReLU)", fontsize=10)
    axes[1].plot(curves["z"], curves["derivative"], color="#d62728", lw=2)
    axes[1].set_ylim(-0.2, max(1.2, float(curves["derivative"].max()) + 0.1))
    axes[1].set_title("derivative f'(z)", fontsize=10)
    for axis in axes[:2]:
        axis.axhline(0, color="black", lw=0.5)
        axis.axvline(0, color="black", lw=0.5)
        axis.set_xlabel("z")
    edges = histogram["edges"]
    widths = np.diff(edges)
    axes[2].bar(edges[:-1], histogram["gradient"], widths, align="edge", color="#1f77b4")
    axes[2].bar(
        edges[:-1],
        histogram["no_gradient"],
        widths,
        align="edge",
        color="#d62728",
        bottom=histogram["gradient"],
    )
    axes[2].set_title(
        f"{layer_name}: {histogram['no_gradient_fraction']:.0%} get no gradient (red), "
        f"mean f' = {histogram['mean_gradient']:.2f}",
        fontsize=10,
    )
    axes[2].set_xlabel("z")
    fig.tight_layout()
    return fig


def rectifier_explorer(pre_activations=None):
    """Pick a rectifier and its alpha or theta; see f, f' and which inputs get no gradient.

    Args:
        pre_activations: A layer's pre-activations (an array), or a dict layer name -> array
            (``models.pre_activations(model, x)``) to choose from; default a normal sample.

    Returns:
        ``ipywidgets.VBox`` (see :func:`deepvision.widgets._base.interactive_figure`).
    """
    import ipywidgets as widgets

    if pre_activations is None:
        pre_activations = {"a normal sample": example_pre_activations()}
    elif not isinstance(pre_activations, dict):
        pre_activations = {"pre-activations": pre_activations}
    low, high, step = PARAMETER_RANGE
    controls = {
        "rectifier": widgets.Dropdown(
            options=list(rectifiers.RECTIFIERS), value="leaky_relu", description="rectifier"
        ),
        "parameter": widgets.FloatSlider(
            value=0.3,
            min=low,
            max=high,
            step=step,
            description="alpha or theta",
            readout_format=".2f",
            style={"description_width": "initial"},
        ),
        "layer": widgets.Dropdown(options=list(pre_activations), description="layer"),
    }

    def draw(rectifier, parameter, layer):
        if rectifier == "elu" and parameter <= 0:
            parameter = step  # ELU's alpha must be > 0
        return draw_rectifier(rectifier, parameter, pre_activations[layer], layer)

    return interactive_figure(draw, controls)
