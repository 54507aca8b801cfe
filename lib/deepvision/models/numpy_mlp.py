"""A multilayer perceptron written in numpy: forward pass, backpropagation, mini-batch SGD.

Nothing here is hidden by a framework: the network is a list of dense layers
(:func:`deepvision.ops.dense_forward`) with ReLU between them and softmax at the end, trained on
the cross-entropy loss. Chapter 04 builds the same network in Keras in four lines.

Taught in: chapter 03, "A network that learns, from scratch".
"""

from __future__ import annotations

import numbers

import numpy as np

from deepvision import ops
from deepvision.validate import class_labels, float_array, positive_int, positive_number


def init_mlp(layer_sizes, seed=0):
    """Random parameters for a network with the given layer widths.

    Kernels use He initialization, w ~ N(0, 2 / n_in), which suits ReLU; biases start at 0.

    Args:
        layer_sizes: Widths from input to output, e.g. ``(784, 128, 10)``; at least two.
        seed: Seed of the random generator.

    Returns:
        List of ``(w, b)`` pairs, ``w`` of shape (n_in, n_out) and ``b`` of shape (n_out,).

    Taught in: chapter 03, "A network that learns, from scratch".
    """
    sizes = list(layer_sizes) if isinstance(layer_sizes, (list, tuple)) else None
    if not sizes or len(sizes) < 2:
        raise ValueError(
            f"layer_sizes: expected a list of at least two widths like (784, 128, 10), "
            f"got {layer_sizes!r}"
        )
    sizes = [positive_int(size, f"layer_sizes[{i}]") for i, size in enumerate(sizes)]
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(scale=np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out))
        for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def _check_params(params):
    if not isinstance(params, (list, tuple)) or not params:
        raise ValueError("params: expected a non-empty list of (w, b) pairs from init_mlp")
    for i, layer in enumerate(params):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise ValueError(f"params[{i}]: expected a (w, b) pair")


def mlp_forward(params, x):
    """Class probabilities for a batch, and what the backward pass needs.

    h_0 = x;  h_k = relu(h_{k-1} @ w_k + b_k) for hidden layers;  probs = softmax(h @ w_L + b_L)

    Args:
        params: List of ``(w, b)`` pairs (see :func:`init_mlp`).
        x: Inputs, shape (N, n_in): flatten images to vectors first.

    Returns:
        ``(probs, caches)``: ``probs`` of shape (N, num_classes); ``caches`` one entry per layer.

    Taught in: chapter 03, "Networks: layers composed, one output per class".
    """
    _check_params(params)
    h = float_array(x, "x", ndim=2)
    if h.shape[1] != np.shape(params[0][0])[0]:
        raise ValueError(
            f"x: expected shape (N, {np.shape(params[0][0])[0]}) to match the first layer, "
            f"got {h.shape}"
        )
    caches = []
    for k, (w, b) in enumerate(params):
        z, dense_cache = ops.dense_forward(h, w, b)
        last = k == len(params) - 1
        h = ops.softmax(z) if last else ops.relu(z)
        caches.append((dense_cache, z))
    return h, caches


def mlp_backward(probs, labels, caches):
    """Gradients of the mean cross-entropy loss with respect to every parameter.

    At the output, softmax and cross-entropy together give dL/dz = (probs - one_hot) / N; each
    layer then passes its gradient back through :func:`deepvision.ops.dense_backward` and the ReLU
    derivative.

    Args:
        probs: Output of :func:`mlp_forward`, shape (N, num_classes).
        labels: True classes, integers of shape (N,).
        caches: The caches from the same forward pass.

    Returns:
        List of ``(dw, db)`` pairs, one per layer, shaped like ``params``.

    Taught in: chapter 03, "Learning: the backward pass of a layer".
    """
    probs = float_array(probs, "probs", ndim=2)
    labels = class_labels(np.asarray(labels).reshape(-1), probs.shape[1])
    if labels.shape != (probs.shape[0],):
        raise ValueError(f"labels: expected shape ({probs.shape[0]},), got {labels.shape}")
    dz = (probs - ops.one_hot(labels, probs.shape[1])) / probs.shape[0]
    grads = []
    for k in range(len(caches) - 1, -1, -1):
        dense_cache, _ = caches[k]
        dh, dw, db = ops.dense_backward(dz, dense_cache)
        grads.append((dw, db))
        if k > 0:
            dz = dh * ops.relu_derivative(caches[k - 1][1])
    return grads[::-1]


def sgd_update(params, grads, lr):
    """One gradient-descent step on every parameter: p <- p - lr * dp.

    Returns:
        New list of ``(w, b)`` pairs.

    Taught in: chapter 03, "A network that learns, from scratch".
    """
    lr = positive_number(lr, "lr")
    return [(w - lr * dw, b - lr * db) for (w, b), (dw, db) in zip(params, grads, strict=True)]


def predict(params, x):
    """Predicted class of each row of ``x``, shape (N,)."""
    probs, _ = mlp_forward(params, x)
    return np.argmax(probs, axis=1)


def accuracy(params, x, labels):
    """Fraction of rows of ``x`` whose predicted class equals ``labels`` (a float in [0, 1])."""
    predicted = predict(params, x)
    labels = np.asarray(labels)
    if labels.reshape(-1).shape != predicted.shape:
        raise ValueError(
            f"labels: expected shape ({predicted.shape[0]},), one per row of x, got {labels.shape}"
        )
    return float(np.mean(predicted == labels.reshape(-1)))


def _check_step_result(new, params):
    """``new`` (what a learner's step returned) must be params' list of (w, b) of equal shapes."""
    if not isinstance(new, (list, tuple)) or len(new) != len(params):
        raise ValueError(
            f"step: expected it to return a list of {len(params)} (w, b) pairs like params, "
            f"got {type(new).__name__}"
            + (f" of length {len(new)}" if isinstance(new, (list, tuple)) else "")
        )
    for k, (layer, (w, b)) in enumerate(zip(new, params, strict=True)):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise ValueError(f"step: layer {k} of what it returned is not a (w, b) pair")
        for name, got, expected in (("w", layer[0], w), ("b", layer[1], b)):
            if np.shape(got) != np.shape(expected):
                raise ValueError(
                    f"step: layer {k}'s {name} came back with shape {np.shape(got)}, "
                    f"expected {np.shape(expected)}"
                )
    return [(np.asarray(w, dtype=np.float64), np.asarray(b, dtype=np.float64)) for w, b in new]


def train_step(params, x, labels, lr):
    """One mini-batch step of the library's network: forward, backward, update.

    This is what :func:`train_mlp` does with each mini-batch unless it is given a ``step`` of
    its own (chapter 03's capstone passes the learner's).

    Args:
        params: List of ``(w, b)`` pairs (see :func:`init_mlp`).
        x: Inputs of the mini-batch, shape (N, n_in).
        labels: Their integer classes, shape (N,).
        lr: Learning rate.

    Returns:
        The new list of ``(w, b)`` pairs.

    Taught in: chapter 03, "Capstone: your network learns MNIST".
    """
    probs, caches = mlp_forward(params, x)
    return sgd_update(params, mlp_backward(probs, labels, caches), lr)


def train_mlp(
    x,
    labels,
    hidden=(128,),
    epochs=5,
    batch_size=32,
    lr=0.1,
    seed=0,
    x_val=None,
    labels_val=None,
    step=None,
):
    """Train a ReLU MLP with softmax output by mini-batch SGD on the cross-entropy loss.

    Args:
        x: Training inputs, shape (N, n_in), already scaled (e.g. pixels / 255).
        labels: Integer classes, shape (N,); the number of classes is ``labels.max() + 1``.
        hidden: Widths of the hidden layers.
        epochs: Passes over the training data.
        batch_size: Examples per gradient step.
        lr: Learning rate.
        seed: Seeds the initialization and the shuffling, so a run is repeatable.
        x_val, labels_val: Optional validation data, scored after every epoch.
        step: Optional ``step(params, x_batch, labels_batch, lr) -> params``, called on every
            mini-batch instead of :func:`train_step`: a learner's own forward pass, gradients
            and update (chapter 03's capstone). The library then only shuffles, batches, logs
            the loss (from its own forward pass on the batch) and scores.

    Returns:
        ``(params, history)``: ``history`` is a dict with ``"loss"`` (mean training loss of each
        mini-batch, in order), ``"epoch_loss"``, ``"train_accuracy"`` and ``"val_accuracy"``
        (one value per epoch; the last is empty without validation data).

    Taught in: chapter 03, "A network that learns, from scratch".
    """
    x = float_array(x, "x", ndim=2)
    labels = np.asarray(labels).reshape(-1)
    if labels.shape != (x.shape[0],):
        raise ValueError(
            f"labels: expected shape ({x.shape[0]},), one per row of x, got {labels.shape}"
        )
    labels = class_labels(labels, int(labels.max()) + 1 if labels.size else 1)
    if not isinstance(hidden, (list, tuple)):
        raise ValueError(f"hidden: expected a tuple of layer widths like (128,), got {hidden!r}")
    epochs = positive_int(epochs, "epochs")
    batch_size = positive_int(batch_size, "batch_size")
    if not isinstance(seed, numbers.Integral):
        raise ValueError(f"seed: expected an integer, got {seed!r}")
    if step is not None and not callable(step):
        raise ValueError(
            f"step: expected a function step(params, x, labels, lr) -> params, got {step!r}"
        )
    num_classes = int(labels.max()) + 1
    params = init_mlp([x.shape[1], *hidden, num_classes], seed=seed)
    rng = np.random.default_rng(seed + 1)
    history = {"loss": [], "epoch_loss": [], "train_accuracy": [], "val_accuracy": []}
    for _ in range(epochs):
        order = rng.permutation(len(x))
        losses = []
        for start in range(0, len(x), batch_size):
            batch = order[start : start + batch_size]
            probs, caches = mlp_forward(params, x[batch])
            losses.append(ops.cross_entropy(probs, labels[batch]))
            if step is None:
                params = sgd_update(params, mlp_backward(probs, labels[batch], caches), lr)
            else:
                new = step([(w.copy(), b.copy()) for w, b in params], x[batch], labels[batch], lr)
                params = _check_step_result(new, params)
        history["loss"].extend(losses)
        history["epoch_loss"].append(float(np.mean(losses)))
        history["train_accuracy"].append(accuracy(params, x, labels))
        if x_val is not None and labels_val is not None:
            history["val_accuracy"].append(accuracy(params, x_val, labels_val))
    return params, history
