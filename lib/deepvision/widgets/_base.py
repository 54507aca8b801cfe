"""The one pattern every widget follows: controls, a pure drawing function, an Output.

``interactive_figure(draw, controls)`` calls ``draw(**values)`` each time a control moves and shows
the figure with ``plt.show()`` inside an ``ipywidgets.Output``, which behaves the same in
JupyterLab, Binder and Colab (with its custom widget manager).
"""

from __future__ import annotations


def interactive_figure(draw, controls, columns=None):
    """A VBox of ``controls`` (a dict name -> widget) above the output of ``draw``.

    Args:
        draw: ``draw(**values)`` makes a matplotlib figure from the controls' values.
        controls: Mapping of keyword names to ipywidgets value widgets.
        columns: Optional list of lists of names, to lay the controls out in columns.

    Returns:
        ``ipywidgets.VBox``; its ``.update()`` redraws, its ``.controls`` are the widgets and
        ``.drawn`` holds the values of the last drawing.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    output = widgets.Output()

    def update(_change=None):
        box.drawn = {key: control.value for key, control in controls.items()}
        with output:
            output.clear_output(wait=True)
            draw(**{key: control.value for key, control in controls.items()})
            plt.show()

    for control in controls.values():
        control.observe(update, names="value")
    if columns:
        layout = widgets.HBox([widgets.VBox([controls[k] for k in column]) for column in columns])
    else:
        layout = widgets.VBox(list(controls.values()))
    box = widgets.VBox([layout, output])
    box.drawn = None
    box.update = update
    box.controls = controls
    update()
    return box


def error_figure(message):
    """A one-line figure that shows ``message`` in red: what a widget draws for sizes it refuses.

    A slider combination that a function rejects (a kernel larger than the input, groups that do
    not divide the channels) shows the function's own sentence instead of a traceback.
    """
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(8, 1))
    axis.axis("off")
    axis.text(0, 0.5, message, color="#cf222e", fontsize=11, va="center")
    return fig
