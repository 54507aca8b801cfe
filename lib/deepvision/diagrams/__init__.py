"""Diagrams drawn by matplotlib for the lessons: networks, graphs, convolutions.

Each module draws one family of pictures and returns matplotlib Figures; the tests draw them on
an Agg canvas and check what they show.
"""

from deepvision.diagrams import convolution, networks

__all__ = ["convolution", "networks"]
