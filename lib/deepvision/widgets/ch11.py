"""Chapter 11 widget: the separable-versus-standard cost explorer.

Move the kernel size, the filters and the input: the MACs and parameters of a standard K x K
convolution, a depthwise-separable one and a bottleneck (1x1 to half the channels, then K x K)
side by side on a log scale, and the separable/standard ratio 1/C_out + 1/K^2 against C_out for
each kernel size. The widget is a thin layer over :func:`layer_costs` and :func:`ratio_curves`,
tested in ``tests/test_widgets_ch11.py``.

Taught in: chapter 11, "Depthwise separable convolutions".
"""

from __future__ import annotations

import numpy as np

from deepvision import cost
from deepvision.validate import positive_int
from deepvision.widgets._base import interactive_figure

#: The three ways of computing a layer that the explorer compares.
VERSIONS = ("standard", "separable", "bottleneck")


def layer_costs(input_size, in_channels, filters, kernel_size):
    """MACs and parameters of three versions of one "same" layer, stride 1.

    Args:
        input_size: H = W of the input.
        in_channels: C_in.
        filters: C_out.
        kernel_size: K.

    Returns:
        dict version -> :class:`deepvision.cost.LayerSize` for ``"standard"``, ``"separable"``
        and ``"bottleneck"`` (1x1 to max(1, C_in // 2) channels, then K x K), plus ``"ratio"``:
        separable MACs / standard MACs, and ``"formula"``: 1 / C_out + 1 / K^2 (equal to it).
    """
    size = positive_int(input_size, "input_size")
    in_channels = positive_int(in_channels, "in_channels")
    filters = positive_int(filters, "filters")
    kernel_size = positive_int(kernel_size, "kernel_size")
    found = {
        "standard": cost.conv2d_cost(size, in_channels, filters, kernel_size),
        "separable": cost.separable_conv2d_cost(size, in_channels, filters, kernel_size),
        "bottleneck": cost.bottleneck_cost(
            size, in_channels, filters, max(1, in_channels // 2), kernel_size
        ),
    }
    found["ratio"] = found["separable"].macs / found["standard"].macs
    found["formula"] = 1 / filters + 1 / kernel_size**2
    return found


def ratio_curves(kernel_sizes=(1, 3, 5, 7), filters=None):
    """The separable/standard MAC ratio 1/C_out + 1/K^2 against C_out, one curve per K.

    Returns:
        dict with ``filters`` (the C_out grid) and ``curves`` (K -> array of ratios).
    """
    filters = np.arange(8, 513, 8) if filters is None else np.asarray(filters, dtype=float)
    if filters.ndim != 1 or filters.size == 0 or np.any(filters <= 0):
        raise ValueError(f"filters: expected a 1-D array of positive counts, got {filters!r}")
    curves = {}
    for kernel in kernel_sizes:
        kernel = positive_int(kernel, "kernel_sizes")
        curves[kernel] = 1 / filters + 1 / kernel**2
    return {"filters": filters, "curves": curves}


def draw_costs(input_size, in_channels, filters, kernel_size):
    """Bars of MACs and parameters (log scale) and the ratio curves, side by side."""
    import matplotlib.pyplot as plt

    costs = layer_costs(input_size, in_channels, filters, kernel_size)
    fig, axes = plt.subplots(1, 2, figsize=(13, 4))
    positions = np.arange(len(VERSIONS))
    macs = [costs[v].macs for v in VERSIONS]
    params = [costs[v].params for v in VERSIONS]
    axes[0].bar(positions - 0.2, macs, 0.4, label="MACs", color="#1f77b4")
    axes[0].bar(positions + 0.2, params, 0.4, label="parameters", color="#ff7f0e")
    for x, (m, p) in enumerate(zip(macs, params, strict=True)):
        axes[0].text(x - 0.2, m, f"{m:,.0f}", ha="center", va="bottom", fontsize=8)
        axes[0].text(x + 0.2, p, f"{p:,.0f}", ha="center", va="bottom", fontsize=8)
    axes[0].set_yscale("log")
    axes[0].set_xticks(positions, [f"{v} {kernel_size}x{kernel_size}" for v in VERSIONS])
    axes[0].legend(loc="lower left")
    axes[0].set_title(
        f"{input_size}x{input_size}x{in_channels} to {filters} channels: separable = "
        f"{costs['ratio']:.3f} x standard",
        fontsize=10,
    )
    curves = ratio_curves((1, 3, 5, 7))
    for kernel, ratio in curves["curves"].items():
        axes[1].plot(curves["filters"], ratio, label=f"K = {kernel}", lw=1.5)
    axes[1].scatter([filters], [costs["formula"]], color="black", zorder=3)
    axes[1].set_yscale("log")
    axes[1].set_xlabel("C_out (filters)")
    axes[1].set_ylabel("separable / standard MACs")
    axes[1].set_title("1 / C_out + 1 / K^2: the dot is your layer", fontsize=10)
    axes[1].legend()
    fig.tight_layout()
    return fig


def cost_explorer():
    """Sliders for the input, channels and kernel; the three versions' costs and the ratio.

    Returns:
        ``ipywidgets.VBox`` (see :func:`deepvision.widgets._base.interactive_figure`).
    """
    import ipywidgets as widgets

    style = {"description_width": "initial"}
    controls = {
        "filters": widgets.IntSlider(
            value=64, min=8, max=512, step=8, description="filters (C_out)", style=style
        ),
        "kernel_size": widgets.IntSlider(
            value=3, min=1, max=7, step=1, description="kernel size K", style=style
        ),
        "in_channels": widgets.IntSlider(
            value=32, min=1, max=256, step=1, description="input channels", style=style
        ),
        "input_size": widgets.IntSlider(
            value=56, min=4, max=224, step=4, description="input size H = W", style=style
        ),
    }
    return interactive_figure(
        draw_costs, controls, columns=[["filters", "kernel_size"], ["in_channels", "input_size"]]
    )
