"""Chapter 10 widget: the cost calculator, three ways to build one convolution layer side by side.

For one layer's sizes (input H = W, C_in, C_out, kernel K, stride, groups) it compares

* **standard**: one ``Conv2D(C_out, K, strides, groups=groups)``;
* **depthwise separable**: a K x K depthwise convolution, then a 1 x 1 to C_out
  (``SeparableConv2D``);
* **bottleneck**: a 1 x 1 convolution down to C_in / reduction channels, then the K x K
  convolution to C_out;

their parameters and MACs on log-scale bars. The widget is a thin layer over
:func:`calculator_state`, a pure function over :mod:`deepvision.cost.formulas`, tested in
``tests/test_widgets_ch10.py``.

Taught in: chapter 10, "The cost calculator".
"""

from __future__ import annotations

from deepvision import validate
from deepvision.cost import formulas
from deepvision.widgets._base import error_figure

DESIGNS = ("standard", "depthwise separable", "bottleneck")
COLOURS = {"standard": "#4c72b0", "depthwise separable": "#55a868", "bottleneck": "#dd8452"}


def calculator_state(
    input_size, in_channels, filters, kernel_size=3, stride=1, groups=1, reduction=4
):
    """Parameters and MACs of the three designs of one layer (``padding="same"``).

    Args:
        input_size: H = W of the input.
        in_channels: C_in.
        filters: C_out.
        kernel_size: K.
        stride: The layer's stride (the K x K convolution's, in every design).
        groups: Groups of the standard convolution (divides C_in and C_out).
        reduction: The bottleneck's 1 x 1 convolution keeps C_in // reduction channels (at
            least 1).

    Returns:
        dict with ``designs`` (name -> :class:`~deepvision.cost.formulas.LayerSize`, in
        :data:`DESIGNS` order), ``output_size`` (H_out, W_out), ``bottleneck_channels`` and
        ``ratios`` (name -> MACs of the design / MACs of the standard one).

    Raises:
        ValueError: a size that is not a positive integer, groups that do not divide the
            channels (naming which).
    """
    reduction = validate.positive_int(reduction, "reduction")
    in_channels = validate.positive_int(in_channels, "in_channels")
    squeezed = max(1, in_channels // reduction)
    standard = formulas.conv2d_cost(
        input_size, in_channels, filters, kernel_size, stride, "same", groups
    )
    designs = {
        "standard": standard,
        "depthwise separable": formulas.separable_conv2d_cost(
            input_size, in_channels, filters, kernel_size, stride, "same"
        ),
        "bottleneck": formulas.bottleneck_cost(
            input_size, in_channels, filters, squeezed, kernel_size, stride, "same"
        ),
    }
    return {
        "designs": designs,
        "output_size": standard.output_size,
        "bottleneck_channels": squeezed,
        "ratios": {name: layer.macs / standard.macs for name, layer in designs.items()},
    }


def _label(value):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value:,}"


def draw_calculator(
    input_size, in_channels, filters, kernel_size=3, stride=1, groups=1, reduction=4
):
    """Two log-scale bar charts, parameters and MACs, of the three designs."""
    import matplotlib.pyplot as plt

    state = calculator_state(
        input_size, in_channels, filters, kernel_size, stride, groups, reduction
    )
    designs = state["designs"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    names = list(designs)
    for axis, what in zip(axes, ("params", "macs"), strict=True):
        values = [getattr(designs[name], what) for name in names]
        bars = axis.bar(names, values, color=[COLOURS[name] for name in names])
        axis.set_yscale("log")
        axis.set_ylim(min(values) / 3, max(values) * 6)
        for bar, value in zip(bars, values, strict=True):
            axis.text(
                bar.get_x() + bar.get_width() / 2,
                value * 1.15,
                _label(value),
                ha="center",
                va="bottom",
                fontsize=9,
            )
        axis.set_title("parameters" if what == "params" else "MACs per image (log scale)")
        axis.tick_params(axis="x", labelsize=9)
    out_h, out_w = state["output_size"]
    ratios = state["ratios"]
    group_text = f", groups {groups}" if groups > 1 else ""
    fig.suptitle(
        f"{input_size}x{input_size}x{in_channels} -> {out_h}x{out_w}x{filters}, "
        f"{kernel_size}x{kernel_size}, stride {stride}{group_text}; bottleneck through "
        f"{state['bottleneck_channels']} channels.  MACs vs standard: separable "
        f"{ratios['depthwise separable']:.3f}, bottleneck {ratios['bottleneck']:.3f}",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def cost_calculator():
    """Sliders for one layer's sizes; the three designs' parameters and MACs side by side."""
    import ipywidgets as widgets

    from deepvision.widgets._base import interactive_figure

    wide = widgets.Layout(width="360px")
    controls = {
        "input_size": widgets.IntSlider(
            value=56, min=8, max=224, step=8, description="input size", layout=wide
        ),
        "in_channels": widgets.IntSlider(
            value=64, min=8, max=512, step=8, description="channels in", layout=wide
        ),
        "filters": widgets.IntSlider(
            value=128, min=8, max=512, step=8, description="channels out", layout=wide
        ),
        "kernel_size": widgets.IntSlider(value=3, min=1, max=7, step=2, description="kernel"),
        "stride": widgets.IntSlider(value=1, min=1, max=4, description="stride"),
        "groups": widgets.IntSlider(value=1, min=1, max=8, description="groups"),
        "reduction": widgets.IntSlider(value=4, min=2, max=16, description="reduction"),
    }

    def draw(**values):
        try:
            return draw_calculator(**values)
        except ValueError as error:
            return error_figure(str(error))

    return interactive_figure(
        draw,
        controls,
        columns=[
            ["input_size", "in_channels", "filters"],
            ["kernel_size", "stride", "groups", "reduction"],
        ],
    )
