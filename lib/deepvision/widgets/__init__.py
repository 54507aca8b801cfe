"""Interactive demos: ipywidgets controls over tested pure functions.

Import a chapter's widgets from its module, e.g. ``from deepvision.widgets import ch01``.
"""
