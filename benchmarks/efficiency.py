"""The book's mini mobile network against its standard-convolution twin and the mini ResNet.

    DEEPVISION_QUICK=1 python benchmarks/efficiency.py      # quick-mode budget (2,000 images)
    python benchmarks/efficiency.py                         # full mode: all of CIFAR-10

One run, one machine, the three networks one after the other: parameters and MACs per image
(deepvision.cost), measured CPU latency of a forward pass (inference mode, a traced function,
the best of several runs) at batch 1 and batch 32, then test accuracy after training each under
the same budget (config.budget("ch11_efficiency"): same images, same seed, Adam 1e-3, batch 32),
with the BatchNormalization statistics as training left them and recalibrated on 500 training
images.
It ends by saying where fewer MACs did not mean less time. Reads CIFAR-10 from
DEEPVISION_DATA_DIR. A figure, not a test: other work on the machine only adds time.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _latency(model, batch, repeats):
    import numpy as np
    import tensorflow as tf

    from deepvision import cost

    x = tf.constant(np.random.default_rng(0).normal(size=(batch, 32, 32, 3)).astype("float32"))
    forward = tf.function(lambda images: model(images, training=False))
    forward(x)  # trace once
    return cost.best_time(lambda: forward(x).numpy(), repeats)


def _recalibrate(model, images):
    """Set every BatchNormalization's moving statistics to those of ``images`` (no weight
    changes): one forward pass in training mode with momentum 0, then the momentum restored."""
    from keras import layers

    norms = [layer for layer in model.layers if isinstance(layer, layers.BatchNormalization)]
    kept = [layer.momentum for layer in norms]
    for layer in norms:
        layer.momentum = 0.0
    model(images, training=True)
    for layer, momentum in zip(norms, kept, strict=True):
        layer.momentum = momentum


def _speed(batch, mac_ratio, time_ratio):
    """One plain sentence: how much faster the mobile net was against how much fewer MACs."""
    if time_ratio < 1:
        return (
            f"at batch {batch} the mobile net, with {mac_ratio:.1f}x fewer MACs, was "
            f"{1 / time_ratio:.2f}x SLOWER than its standard twin"
        )
    if time_ratio < mac_ratio:
        return (
            f"at batch {batch} it was {time_ratio:.2f}x faster than its twin, not the "
            f"{mac_ratio:.1f}x its MACs promise"
        )
    return (
        f"at batch {batch} it was {time_ratio:.2f}x faster, as its {mac_ratio:.1f}x fewer MACs "
        "promise"
    )


def main():
    import keras

    from deepvision import config, cost, data, ops
    from deepvision.models import mobile, resnet

    networks = {
        "mini mobile (depthwise)": lambda: mobile.mini_mobile_net(),
        "standard-conv twin": lambda: mobile.mini_mobile_net(standard=True),
        "mini ResNet (ch. 09)": lambda: resnet.mini_resnet(),
    }
    budget = config.budget("ch11_efficiency")
    (x_train, y_train), (x_test, y_test) = data.load_cifar10(
        budget.train_samples, budget.test_samples
    )
    mean, std = ops.fit_standardization(x_train)
    x_train, x_test = ops.standardize(x_train, mean, std), ops.standardize(x_test, mean, std)
    y_train, y_test = y_train.reshape(-1), y_test.reshape(-1)
    print(
        f"{config.mode_name()} mode: {len(x_train)} training and {len(x_test)} test images, "
        f"{budget.epochs} epoch(s); {os.cpu_count()} CPU core(s) visible"
    )
    rows = []
    for label, build in networks.items():
        keras.utils.set_random_seed(0)
        model = build()
        counted = cost.model_cost(model)
        batch1 = _latency(model, 1, 30)
        batch32 = _latency(model, 32, 10)
        model.compile(
            optimizer=keras.optimizers.Adam(1e-3),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        start = time.perf_counter()
        model.fit(x_train, y_train, batch_size=32, epochs=budget.epochs, verbose=0)
        seconds = time.perf_counter() - start
        accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)[1]
        _recalibrate(model, x_train[:500])
        recalibrated = model.evaluate(x_test, y_test, batch_size=256, verbose=0)[1]
        rows.append(
            (label, counted.params, counted.macs, batch1, batch32, seconds, accuracy, recalibrated)
        )

    header = (
        f"{'network':<26}{'params':>11}{'MACs':>13}{'batch 1 ms':>12}{'batch 32 ms':>13}"
        f"{'train s':>9}{'accuracy':>10}{'recalibrated':>14}"
    )
    print(header)
    print("-" * len(header))
    for label, params, macs, b1, b32, seconds, accuracy, recalibrated in rows:
        print(
            f"{label:<26}{params:>11,}{macs:>13,}{b1 * 1e3:>12.2f}{b32 * 1e3:>13.2f}"
            f"{seconds:>9.1f}{accuracy:>10.1%}{recalibrated:>14.1%}"
        )
    print(
        "accuracy: test accuracy with the moving statistics BatchNormalization kept in training; "
        "recalibrated: after setting them to the statistics of 500 training images (a short "
        "run leaves them far from the trained weights' own)"
    )
    mobile_row, twin_row, resnet_row = rows
    print()
    for batch, column in ((1, 3), (32, 4)):
        mac_ratio = twin_row[2] / mobile_row[2]
        time_ratio = twin_row[column] / mobile_row[column]
        print(
            f"batch {batch}: the twin has {mac_ratio:.1f}x the MACs of the mobile net and takes "
            f"{time_ratio:.2f}x its time; the mini ResNet {resnet_row[2] / mobile_row[2]:.1f}x "
            f"the MACs, {resnet_row[column] / mobile_row[column]:.2f}x the time"
        )
    plain = [
        _speed(batch, twin_row[2] / mobile_row[2], twin_row[column] / mobile_row[column])
        for batch, column in ((1, 3), (32, 4))
    ]
    print(
        "Where fewer MACs did not mean less time: "
        + "; ".join(plain)
        + ". A depthwise convolution does few MACs per byte it reads (each input channel meets "
        "one 3x3 kernel), so on a CPU it is bound by memory, not arithmetic, and the "
        "BatchNormalization, ReLU and Add layers, which count 0 MACs, still cost time."
    )


if __name__ == "__main__":
    main()
