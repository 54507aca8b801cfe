"""Chapter 09's networks side by side: parameters, MACs and forward time on this machine.

    DEEPVISION_QUICK=1 python benchmarks/architectures.py   # one timed repeat each
    python benchmarks/architectures.py                      # five repeats; with a GPU, also the
                                                            # book's mini ResNet for 20 epochs

For each course network (LeNet-5 ... ResNet-50, at its own input size): parameters and MACs per
image (deepvision.cost), and the time of a forward pass in inference mode (a traced function,
the best of the budget's repeats, cost.best_time) per image at batch 1 and at batch 32. In full
mode on a machine with a GPU it then trains the book's mini ResNet on CIFAR-10 for the book's 20
epochs (Adam 1e-3, batch 64) and prints its test accuracy; without a GPU it says why it skips
that (hours on a 2-core CPU). A figure, not a test: other work on the machine only adds time.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

NETWORKS = (
    ("LeNet-5", "lenet5"),
    ("AlexNet", "alexnet"),
    ("VGG16", "vgg16"),
    ("VGG19", "vgg19"),
    ("mini GoogLeNet", "mini_googlenet"),
    ("mini ResNet (book)", "mini_resnet"),
    ("mini DenseNet", "mini_densenet"),
    ("SE-ResNet (mini)", "se_resnet"),
    ("ResNet-50", "resnet50"),
)


def _latency(model, batch, repeats):
    import numpy as np
    import tensorflow as tf

    from deepvision import cost

    shape = (batch, *model.input_shape[1:])
    x = tf.constant(np.random.default_rng(0).normal(size=shape).astype("float32"))
    forward = tf.function(lambda images: model(images, training=False))
    forward(x)  # trace once
    return cost.best_time(lambda: forward(x).numpy(), repeats)


def _train_mini_resnet(epochs):
    import keras
    import numpy as np

    from deepvision import data, models

    (x_train, y_train), (x_test, y_test) = data.load_cifar10()
    x_train, x_test = x_train.astype("float32") / 255, x_test.astype("float32") / 255
    model = models.mini_resnet()
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    history = model.fit(
        x_train, y_train, batch_size=64, epochs=epochs, validation_data=(x_test, y_test), verbose=2
    )
    seconds = time.perf_counter() - start
    best = int(np.argmax(history.history["val_accuracy"]))
    print(
        f"\nmini ResNet, {epochs} epochs on 50,000 CIFAR-10 images: test accuracy "
        f"{history.history['val_accuracy'][-1]:.1%} after the last epoch (best "
        f"{history.history['val_accuracy'][best]:.1%} after epoch {best + 1}), "
        f"{seconds / 60:.1f} minutes"
    )


def main():
    import tensorflow as tf

    from deepvision import config, cost, models

    budget = config.budget("ch09_benchmark")
    gpus = tf.config.list_physical_devices("GPU")
    print(
        f"{config.mode_name()} mode: best of {budget.epochs} timed repeat(s); "
        f"{os.cpu_count()} CPU core(s) visible; {len(gpus)} GPU(s)"
    )
    header = (
        f"{'network':<20} {'input':>13} {'params':>13} {'MACs':>16} "
        f"{'ms/image b=1':>13} {'ms/image b=32':>14}"
    )
    print(header)
    print("-" * len(header))
    for title, builder in NETWORKS:
        model = getattr(models, builder)()
        counted = cost.model_cost(model)
        one = _latency(model, 1, budget.epochs) * 1000
        many = _latency(model, 32, budget.epochs) * 1000 / 32
        size = "x".join(str(s) for s in model.input_shape[1:])
        print(
            f"{title:<20} {size:>13} {counted.params:>13,} {counted.macs:>16,} "
            f"{one:>13.2f} {many:>14.2f}"
        )
        del model
    if config.is_quick():
        print("\nquick mode: the 20-epoch mini ResNet run is full mode's, on a GPU")
    elif not gpus:
        print("\nno GPU: the 20-epoch mini ResNet run (hours on a 2-core CPU) is skipped")
    else:
        _train_mini_resnet(budget.book_epochs)


if __name__ == "__main__":
    main()
