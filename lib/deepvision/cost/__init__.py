"""What a computation costs: wall time measured fairly, and a model's parameters and MACs.

* :func:`best_time`: the fastest of several runs of a function (chapter 06);
* :func:`model_cost`: parameters and multiply-accumulates of a Keras model, layer by layer;
* :func:`dense_cost`, :func:`conv2d_cost`, :func:`separable_conv2d_cost`: one layer's cost from
  its sizes; :func:`bottleneck_cost`: a 1x1 convolution then a KxK one;
* :func:`profiler_flops`, :func:`profiler_macs`: TensorFlow's own count, the counter's check.

Importing this package does not import TensorFlow (:func:`model_cost` imports Keras when called).
"""

from deepvision.cost.counter import model_cost
from deepvision.cost.formulas import (
    LayerSize,
    bottleneck_cost,
    conv2d_cost,
    dense_cost,
    separable_conv2d_cost,
)
from deepvision.cost.profiler import WEIGHTED, profiler_flops, profiler_macs
from deepvision.cost.table import LayerCost, ModelCost
from deepvision.cost.timing import best_time

__all__ = [
    "LayerCost",
    "LayerSize",
    "ModelCost",
    "WEIGHTED",
    "best_time",
    "bottleneck_cost",
    "conv2d_cost",
    "dense_cost",
    "model_cost",
    "profiler_flops",
    "profiler_macs",
    "separable_conv2d_cost",
]
