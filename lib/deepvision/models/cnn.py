"""The book's MNIST convolutional network, and chapter 08's CIFAR-10 CNN with a pluggable
rectifier, in Keras 3.

Taught in: chapter 06, "The book's MNIST CNN"; chapter 08, "The same network with each rectifier".
"""

from __future__ import annotations


def mnist_cnn(input_shape=(28, 28, 1), num_classes=10, name="mnist_cnn"):
    """The book's "MiniModel": two 64-filter convs, a 2x2 max-pool, two 128-filter convs, a
    softmax classifier.

    Conv2D(64, 3x3, same, relu) -> Conv2D(64) -> MaxPooling2D(2x2) -> Conv2D(128) -> Conv2D(128)
    -> Flatten -> Dense(num_classes, softmax). On 28x28x1 inputs that is 509,898 parameters,
    half of them (250,890) in the final dense layer that reads 14 * 14 * 128 = 25,088 features.

    Args:
        input_shape: (H, W, C) of one image.
        num_classes: Units of the softmax layer.
        name: Prefix of the model's and every layer's name (``f"{name}_conv1"``...).

    Returns:
        keras.Model (not compiled).

    Taught in: chapter 06, "The book's MNIST CNN".
    """
    import keras
    from keras import layers

    inputs = keras.Input(shape=tuple(input_shape), name=f"{name}_input")
    net = inputs
    for index, filters in enumerate((64, 64), start=1):
        net = layers.Conv2D(
            filters, 3, strides=1, padding="same", activation="relu", name=f"{name}_conv{index}"
        )(net)
    net = layers.MaxPooling2D(pool_size=2, name=f"{name}_pool")(net)
    for index, filters in enumerate((128, 128), start=3):
        net = layers.Conv2D(
            filters, 3, strides=1, padding="same", activation="relu", name=f"{name}_conv{index}"
        )(net)
    net = layers.Flatten(name=f"{name}_flatten")(net)
    outputs = layers.Dense(num_classes, activation="softmax", name=f"{name}_dense")(net)
    return keras.Model(inputs, outputs, name=name)


def book_learning_rate(epoch, learning_rate=None):
    """The book's step schedule for SGD: 0.1, 0.02 after epoch 5, 0.01 after 10, 0.001 after 15.

    Use with ``keras.callbacks.LearningRateScheduler(book_learning_rate)`` (epochs count from 0).

    Taught in: chapter 06, "The book's MNIST CNN".
    """
    if epoch > 15:
        return 0.1 / 100
    if epoch > 10:
        return 0.1 / 10
    if epoch > 5:
        return 0.1 / 5
    return 0.1


#: The rectifiers :func:`cifar_rectifier_cnn` accepts, in the order chapter 08 teaches them.
RECTIFIERS = ("relu", "leaky_relu", "prelu", "elu", "thresholded_relu", "gelu", "silu")

#: Each rectifier's default parameter: Keras' own defaults (LeakyReLU's negative_slope, ELU's
#: alpha, Keras 2's ThresholdedReLU theta), and He et al.'s initial PReLU slope, 0.25.
RECTIFIER_DEFAULTS = {"leaky_relu": 0.3, "prelu": 0.25, "elu": 1.0, "thresholded_relu": 1.0}


def rectifier_layer(rectifier="relu", parameter=None, name=None, shared_axes=(1, 2)):
    """One rectifier as a Keras 3 layer.

    | rectifier | layer |
    |---|---|
    | ``relu`` | ``ReLU()`` |
    | ``leaky_relu`` | ``LeakyReLU(negative_slope=alpha)`` (Keras 2's ``alpha=`` is deprecated) |
    | ``prelu`` | ``PReLU(alpha_initializer=Constant(alpha), shared_axes=shared_axes)`` |
    | ``elu`` | ``ELU(alpha=alpha)`` |
    | ``thresholded_relu`` | ``ReLU(threshold=theta)`` (Keras 3 has no ``ThresholdedReLU``) |
    | ``gelu``, ``silu`` | ``Activation("gelu")``, ``Activation("silu")`` |

    Args:
        rectifier: One of :data:`RECTIFIERS`.
        parameter: alpha (leaky, PReLU's initial slope, ELU) or theta (thresholded); default
            :data:`RECTIFIER_DEFAULTS`. Refused for the rectifiers that take none.
        name: The layer's name.
        shared_axes: PReLU only: the axes that share one slope; (1, 2) on (N, H, W, C) maps
            gives one learned slope per channel, as He et al. do.

    Returns:
        keras.layers.Layer.

    Taught in: chapter 08, "The same network with each rectifier".
    """
    from keras import initializers, layers

    from deepvision.validate import choice, positive_number

    rectifier = choice(rectifier, "rectifier", RECTIFIERS)
    if parameter is not None and rectifier not in RECTIFIER_DEFAULTS:
        raise ValueError(f"parameter: {rectifier} takes no parameter, got {parameter!r}")
    if parameter is None:
        parameter = RECTIFIER_DEFAULTS.get(rectifier)
    elif rectifier == "thresholded_relu":
        parameter = positive_number(parameter, "parameter", allow_zero=True)
    else:
        parameter = positive_number(parameter, "parameter", allow_zero=rectifier != "elu")
    if rectifier == "relu":
        return layers.ReLU(name=name)
    if rectifier == "leaky_relu":
        return layers.LeakyReLU(negative_slope=parameter, name=name)
    if rectifier == "prelu":
        return layers.PReLU(
            alpha_initializer=initializers.Constant(parameter),
            shared_axes=list(shared_axes) if shared_axes else None,
            name=name,
        )
    if rectifier == "elu":
        return layers.ELU(alpha=parameter, name=name)
    if rectifier == "thresholded_relu":
        return layers.ReLU(threshold=parameter, name=name)
    return layers.Activation(rectifier, name=name)


def cifar_rectifier_cnn(
    rectifier="relu",
    parameter=None,
    filters=(32, 64),
    width=1.0,
    input_shape=(32, 32, 3),
    num_classes=10,
    name=None,
):
    """A small CIFAR-10 CNN whose every rectifier is ``rectifier``: chapter 08's experiment.

    conv(f1) -> rectifier -> conv(f1) -> rectifier -> max-pool 2x2 -> conv(f2) -> rectifier ->
    conv(f2) -> rectifier -> global average pooling -> Dense(num_classes, softmax); 3x3 kernels,
    padding "same". The convolutions have no activation of their own: each rectifier is a layer
    (``f"{name}_act1"``...), so its input, the pre-activation, can be read
    (:func:`pre_activations`). With the default filters (32, 64) it has 66,218 parameters, plus
    one learned slope per channel with PReLU (192 more).

    Args:
        rectifier: One of :data:`RECTIFIERS`.
        parameter: The rectifier's alpha or theta (see :func:`rectifier_layer`).
        filters: (f1, f2), the filters of the two stages.
        width: Scales both (quick mode's ``config.budget(...).width``, 0.5: (16, 32)); each
            stage keeps at least one filter.
        input_shape: (H, W, C) of one image.
        num_classes: Units of the softmax layer.
        name: Prefix of the model's and every layer's name; default ``f"cifar_{rectifier}"``.

    Returns:
        keras.Model (not compiled).

    Taught in: chapter 08, "The same network with each rectifier".
    """
    import keras
    from keras import layers

    from deepvision.validate import positive_int, positive_number

    if not isinstance(filters, (tuple, list)) or len(filters) != 2:
        raise ValueError(f"filters: expected a pair (f1, f2) of integers >= 1, got {filters!r}")
    width = positive_number(width, "width")
    widths = [max(1, round(positive_int(f, "filters") * width)) for f in filters]
    name = name or f"cifar_{rectifier}"
    inputs = keras.Input(shape=tuple(input_shape), name=f"{name}_input")
    net = inputs
    index = 0
    for stage, width in enumerate(widths, start=1):
        for _ in range(2):
            index += 1
            net = layers.Conv2D(width, 3, padding="same", name=f"{name}_conv{index}")(net)
            net = rectifier_layer(rectifier, parameter, name=f"{name}_act{index}")(net)
        if stage == 1:
            net = layers.MaxPooling2D(pool_size=2, name=f"{name}_pool")(net)
    net = layers.GlobalAveragePooling2D(name=f"{name}_gap")(net)
    outputs = layers.Dense(num_classes, activation="softmax", name=f"{name}_dense")(net)
    return keras.Model(inputs, outputs, name=name)


def _forward(probe, x, batch_size):
    """``probe``'s outputs (a list of numpy arrays) on ``x``, called batch by batch.

    Called directly rather than through ``predict``: no graph to trace, which on the few hundred
    images a chapter reads costs more than the forward pass itself.
    """
    import numpy as np

    parts = []
    for start in range(0, len(x), batch_size):
        out = probe(x[start : start + batch_size], training=False)
        out = out if isinstance(out, (list, tuple)) else [out]
        parts.append([np.asarray(value) for value in out])
    return [np.concatenate(column) for column in zip(*parts, strict=True)]


_RECTIFIER_TYPES = ("ReLU", "LeakyReLU", "PReLU", "ELU", "Activation")


def rectifier_layers(model):
    """The model's rectifier layers (ReLU, LeakyReLU, PReLU, ELU and Activation), in order.

    Taught in: chapter 08, "Dying ReLUs".
    """
    return [layer for layer in model.layers if type(layer).__name__ in _RECTIFIER_TYPES]


def pre_activations(model, x, layer_names=None, batch_size=256):
    """What reaches each rectifier of ``model`` for the images ``x``: the pre-activations.

    Args:
        model: A functional keras.Model.
        x: Inputs, shape (N, ...) as the model takes them.
        layer_names: Rectifier layers to read; default all of :func:`rectifier_layers`.
        batch_size: Images per forward pass.

    Returns:
        dict layer name -> numpy array (N, H, W, C) (or (N, units)), the layer's input.

    Taught in: chapter 08, "Dying ReLUs".
    """
    import keras

    if layer_names is None:
        chosen = rectifier_layers(model)
    else:
        chosen = [model.get_layer(layer_name) for layer_name in layer_names]
    if not chosen:
        raise ValueError("model: expected a model with rectifier layers, found none")
    probe = keras.Model(model.input, [layer.input for layer in chosen])
    outputs = _forward(probe, x, batch_size)
    return {layer.name: output for layer, output in zip(chosen, outputs, strict=True)}


def dead_unit_fractions(model, x, batch_size=256):
    """For each rectifier layer: the fraction of its channels that never fire on ``x``.

    A channel is dead when its pre-activation is <= the rectifier's threshold (0, or theta for
    ``ReLU(threshold=theta)``) at every position of every image
    (:func:`deepvision.ops.dead_unit_fraction`).

    Returns:
        dict layer name -> float in [0, 1].

    Taught in: chapter 08, "Dying ReLUs".
    """
    from deepvision.ops.rectifiers import dead_unit_fraction

    found = pre_activations(model, x, batch_size=batch_size)
    thresholds = {
        layer.name: float(getattr(layer, "threshold", 0.0) or 0.0)
        for layer in rectifier_layers(model)
    }
    return {name: dead_unit_fraction(values, thresholds[name]) for name, values in found.items()}


#: Below this many training images :func:`rectifier_experiment` trains eagerly (no graph).
EAGER_BELOW = 2000


def rectifier_experiment(
    x_train,
    y_train,
    x_test,
    y_test,
    rectifiers=RECTIFIERS,
    parameters=None,
    epochs=1,
    width=1.0,
    batch_size=64,
    learning_rate=1e-3,
    seed=0,
    verbose=1,
    run_eagerly=None,
):
    """Train :func:`cifar_rectifier_cnn` once per rectifier under the same budget.

    Every network starts from the same seed, sees the same images in the same order (Adam,
    ``learning_rate``, ``batch_size``, ``epochs``) and is scored on the same test images.

    Args:
        x_train, y_train: Training images (N, 32, 32, 3) scaled to [0, 1], integer labels.
        x_test, y_test: Test images and labels.
        rectifiers: Names from :data:`RECTIFIERS`.
        parameters: dict rectifier -> alpha or theta (default :data:`RECTIFIER_DEFAULTS`).
        epochs, width, batch_size, learning_rate, seed: The shared budget.
        verbose: Keras' progress bar (1) or silence (0); with 1, the first network also times its
            first batches and says what the whole experiment will take on this machine
            (:func:`deepvision.models.callbacks.time_estimate`).
        run_eagerly: Train without tracing a graph; default: when there are fewer than
            :data:`EAGER_BELOW` training images (quick mode), where tracing costs more than it
            saves.

    Returns:
        list of dicts, one per rectifier: ``rectifier``, ``parameter``, ``parameters`` (the
        count), ``test_accuracy``, ``dead_fraction`` (of all channels, on the test images:
        :func:`dead_unit_fractions`, weighted by each layer's channels), ``seconds_per_epoch``
        and ``model`` (the trained keras.Model).

    Taught in: chapter 08, "The same network with each rectifier".
    """
    import time

    import keras
    import numpy as np

    from deepvision.models.callbacks import time_estimate
    from deepvision.ops.rectifiers import dead_unit_fraction

    parameters = dict(parameters or {})
    rows = []
    for index, rectifier in enumerate(rectifiers):
        parameter = parameters.get(rectifier, RECTIFIER_DEFAULTS.get(rectifier))
        keras.utils.set_random_seed(seed)
        model = cifar_rectifier_cnn(rectifier, parameter, width=width)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            jit_compile=False,  # XLA's compile time outweighs its gain on these small runs
            run_eagerly=len(x_train) < EAGER_BELOW if run_eagerly is None else run_eagerly,
        )
        if verbose:
            print(f"{rectifier}:")
        start = time.perf_counter()
        # the first network times its first batches and says what all of them will take here
        estimate = [time_estimate(runs=len(rectifiers))] if verbose and index == 0 else []
        model.fit(
            x_train,
            y_train,
            batch_size=batch_size,
            epochs=epochs,
            verbose=verbose,
            callbacks=estimate,
        )
        seconds = (time.perf_counter() - start) / epochs
        found = rectifier_layers(model)
        probe = keras.Model(model.input, [model.output] + [layer.input for layer in found])
        probs, *values = _forward(probe, x_test, 256)
        accuracy = np.mean(np.argmax(probs, axis=-1) == np.reshape(y_test, -1))
        fractions = [
            dead_unit_fraction(value, float(getattr(layer, "threshold", 0.0) or 0.0))
            for layer, value in zip(found, values, strict=True)
        ]
        sizes = [value.shape[-1] for value in values]
        dead = float(np.average(fractions, weights=sizes))
        rows.append(
            {
                "rectifier": rectifier,
                "parameter": parameter,
                "parameters": model.count_params(),
                "test_accuracy": float(accuracy),
                "dead_fraction": dead,
                "seconds_per_epoch": seconds,
                "model": model,
            }
        )
    return rows


def rectifier_table(rows):
    """The rows of :func:`rectifier_experiment` as a text table, one line per rectifier.

    Taught in: chapter 08, "The same network with each rectifier".
    """
    lines = [
        f"{'rectifier':<18}{'parameter':>10}{'weights':>9}{'test acc':>10}{'dead units':>12}"
        f"{'s/epoch':>9}"
    ]
    for row in rows:
        parameter = "-" if row["parameter"] is None else f"{row['parameter']:g}"
        lines.append(
            f"{row['rectifier']:<18}{parameter:>10}{row['parameters']:>9,}"
            f"{row['test_accuracy']:>10.1%}{row['dead_fraction']:>12.1%}"
            f"{row['seconds_per_epoch']:>9.1f}"
        )
    return "\n".join(lines)
