"""The check every widget test shares: moving any control redraws with its new value."""


def assert_every_control_redraws(box):
    """Move each control of an ``interactive_figure`` box in turn; each move must redraw.

    Outside a kernel an ``Output`` captures nothing, so this follows what was drawn
    (``box.drawn``); the notebooks and the browser test check what a learner sees.
    """
    import matplotlib.pyplot as plt

    for name, control in box.controls.items():
        before = dict(box.drawn)
        if hasattr(control, "options"):
            control.index = (control.index + 1) % len(control.options)
        elif isinstance(control.value, bool):
            control.value = not control.value
        else:
            control.value = control.max if control.value != control.max else control.min
        assert box.drawn != before, f"moving {name!r} did not redraw"
        assert box.drawn[name] == control.value
    plt.close("all")
