"""TensorFlow's own count of a model's float operations: the independent check on the counter.

TensorFlow's (v1) profiler reads the graph of one traced forward pass and reports, per node, the
float operations its kernels' shape functions declare. A weighted sum (``Conv2D``,
``DepthwiseConv2dNative``, ``MatMul``) counts 2 per multiply-accumulate; bias adds, batch-norm
arithmetic, pooling and softmax are float operations too, but not MACs by the counter's
convention. Grouped convolutions run as a nested function the profiler does not read.

Taught in: chapter 10, "What we measured".
"""

from __future__ import annotations

from collections import Counter

#: Profiler node types that are weighted sums: 2 float operations per MAC.
WEIGHTED = frozenset(
    {"Conv2D", "DepthwiseConv2dNative", "MatMul", "BatchMatMulV2", "BatchMatMulV3"}
)


def profiler_flops(model) -> Counter:
    """TensorFlow's float operations of one forward pass of one example, by node type.

    Args:
        model: A built Keras model (its inputs' shapes, less the batch axis, must be known).

    Returns:
        ``collections.Counter`` from node type (``"Conv2D"``, ``"BiasAdd"``...) to float ops.
    """
    import tensorflow as tf

    if not getattr(model, "inputs", None):
        raise ValueError(
            "model: expected a built Keras model with known inputs, got "
            f"{type(model).__name__} without inputs"
        )
    specs = [tf.TensorSpec((1, *tensor.shape[1:]), tensor.dtype) for tensor in model.inputs]
    function = tf.function(lambda *x: model(x[0] if len(x) == 1 else list(x), training=False))
    graph = function.get_concrete_function(*specs).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = tf.compat.v1.profiler.profile(graph=graph, cmd="graph", options=options)
    types = {operation.name: operation.type for operation in graph.get_operations()}
    flops, stack = Counter(), list(profile.children)
    while stack:
        node = stack.pop()
        flops[types[node.name]] += node.float_ops
        stack.extend(node.children)
    return flops


def profiler_macs(model) -> float:
    """Half the profiler's float operations of the weighted-sum nodes: its count of MACs."""
    flops = profiler_flops(model)
    return sum(flops[kind] for kind in WEIGHTED) / 2
