"""Plain against residual: gradient norms at initialisation and a training run of the twins.

:func:`gradient_norms` measures, with ``tf.GradientTape`` on one real batch, the norm of the
loss's gradient with respect to each convolution's kernel of a freshly initialised
:func:`deepvision.models.depth_stack`, from the input to the output. In the plain stack the norms
shrink layer after layer towards the input (vanishing gradients); with the identity shortcuts
each block's gradient is the upstream gradient plus the branch's, and they stay level.

:func:`plain_vs_residual` trains the two twins (same depth, same weights at the start, same
data, same budget) and returns their curves and test accuracies.

Taught in: chapter 09, "Plain against residual".
"""

from __future__ import annotations

import numpy as np

from deepvision import validate


def _prepared(images, labels):
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images: expected a batch (N, H, W, C), got shape {images.shape}")
    x = images.astype("float32") / (255.0 if images.dtype == np.uint8 else 1.0)
    y = np.asarray(labels).reshape(-1).astype("int64")
    if y.shape[0] != x.shape[0]:
        raise ValueError(
            f"labels: expected one label per image ({x.shape[0]}), got {y.shape[0]} labels"
        )
    return x, y


def _blocks(model):
    return sum(1 for layer in model.layers if layer.name.endswith("_conv2"))


def gradient_norms(depth, residual, images, labels, filters=16, seed=0, stack=None):
    """Norm of the gradient of the loss w.r.t. each conv kernel, input side first, at init.

    The network is the first ``depth`` blocks of a :func:`deepvision.models.depth_stack` (with
    its stem and its head), run eagerly on the batch under ``tf.GradientTape``.

    Args:
        depth: Blocks (2 * depth + 1 convolutions).
        residual: With the identity shortcuts.
        images: One batch (N, H, W, C), uint8 0-255 (scaled to [0, 1]) or float.
        labels: Their classes, shape (N,) or (N, 1).
        filters: Channels of the stack.
        seed: Seeds the initialisation (the twins of one seed start from the same weights).
        stack: A ``depth_stack(D, residual, filters, seed=seed)`` with D >= depth, built once
            and reused for every depth (what the widget does); default: build one of ``depth``.

    Returns:
        dict with ``layers`` (the convolutions' names, input side first), ``norms`` (array of
        their gradient norms) and ``loss`` (the batch's cross-entropy).

    Taught in: chapter 09, "Plain against residual".
    """
    import keras
    import tensorflow as tf

    from deepvision.models.resnet import depth_stack

    depth = validate.integer(depth, "depth", minimum=1)
    x, y = _prepared(images, labels)
    if stack is None:
        stack = depth_stack(depth, residual, filters, x.shape[1:], seed=seed)
    has_shortcuts = any(type(layer).__name__ == "Add" for layer in stack.layers)
    if _blocks(stack) < depth or has_shortcuts != bool(residual):
        raise ValueError(
            f"stack: expected a {'residual' if residual else 'plain'} depth_stack of at least "
            f"{depth} blocks, got {'a residual' if has_shortcuts else 'a plain'} one of "
            f"{_blocks(stack)}"
        )
    name = stack.name

    def layer(suffix):
        return stack.get_layer(f"{name}_{suffix}")

    used = [layer("stem")]
    for index in range(1, depth + 1):
        used += [layer(f"block{index}_conv1"), layer(f"block{index}_conv2")]
    kernels = [conv.kernel for conv in used]
    loss_function = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        net = layer("stem")(x)
        for index in range(1, depth + 1):
            out = layer(f"block{index}_conv1")(net)
            out = tf.nn.relu(out)
            out = layer(f"block{index}_conv2")(out)
            net = tf.nn.relu(net + out if residual else out)
        probs = layer("predictions")(tf.reduce_mean(net, axis=(1, 2)))
        loss = loss_function(y, probs)
    grads = tape.gradient(loss, kernels)
    norms = np.array([float(tf.norm(g)) for g in grads])
    return {"layers": [conv.name for conv in used], "norms": norms, "loss": float(loss)}


def plain_vs_residual(
    train, test, depth=10, epochs=1, batch_size=32, filters=16, seed=0, callbacks=None, verbose=0
):
    """Train the plain and the residual stack of the same depth under one budget.

    Args:
        train: ``(x_train, y_train)``, CIFAR-10 uint8 images and labels.
        test: ``(x_test, y_test)``.
        depth: Blocks of each stack.
        epochs: Passes over ``train``.
        batch_size: Images per step.
        filters: Channels of the stacks.
        seed: Initialisation seed (both twins start from the same weights) and shuffling seed.
        callbacks: Keras callbacks for both fits (e.g. ``models.time_estimate(runs=2)``).
        verbose: Keras' fit verbosity.

    Returns:
        dict ``{"plain": run, "residual": run}``, each run a dict with ``history`` (Keras'
        ``history.history``: loss, accuracy, val_loss, val_accuracy per epoch),
        ``test_accuracy``, ``params`` and ``model`` (the trained network).

    Taught in: chapter 09, "Plain against residual".
    """
    import keras

    from deepvision.models.resnet import depth_stack

    depth = validate.integer(depth, "depth", minimum=1)
    epochs = validate.integer(epochs, "epochs", minimum=1)
    batch_size = validate.integer(batch_size, "batch_size", minimum=1)
    x_train, y_train = _prepared(*train)
    x_test, y_test = _prepared(*test)
    runs = {}
    for kind in ("plain", "residual"):
        model = depth_stack(depth, kind == "residual", filters, x_train.shape[1:], seed=seed)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-3),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        order = np.random.default_rng(seed).permutation(len(x_train))
        history = model.fit(
            x_train[order],
            y_train[order],
            batch_size=batch_size,
            epochs=epochs,
            validation_data=(x_test, y_test),
            callbacks=list(callbacks or []),
            verbose=verbose,
            shuffle=False,
        )
        runs[kind] = {
            "history": history.history,
            "test_accuracy": float(history.history["val_accuracy"][-1]),
            "params": model.count_params(),
            "model": model,
        }
    return runs
