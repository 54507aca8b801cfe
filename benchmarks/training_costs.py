"""What full mode costs: measured milliseconds per training image per epoch, per experiment.

    DEEPVISION_DATA_DIR=../shared/data python benchmarks/training_costs.py [images]

Trains each budgeted experiment of ``deepvision.config`` for two epochs on ``images`` real MNIST
images (default 6,000) with the batch size its notebook uses, times the second epoch (the first
includes tracing), and prints the measured cost beside the figure ``config.BUDGETS`` records and
the full-mode estimate that ``config.estimate`` shows in the notebooks. Run it on the reference
machine (2 cores, no GPU) and copy the measured column into ``config.py`` when it moves.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.pop("DEEPVISION_QUICK", None)  # full-mode budgets


def _keras_cost(build, x, y, loss, optimizer, batch_size=32):
    import keras

    keras.utils.set_random_seed(0)
    model = build()
    model.compile(optimizer=optimizer(), loss=loss)
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
    return (time.perf_counter() - start) / len(x) * 1000


def main(images=6000):
    import keras
    import numpy as np

    from deepvision import config, data, models
    from deepvision.models import numpy_mlp

    (x, y), _ = data.load_mnist(images, 100)
    flat = x.reshape(len(x), 784).astype("float32") / 255
    one_hot = keras.utils.to_categorical(y, 10)
    square = (x.astype("float32") / 255)[..., None]
    sgd = lambda: keras.optimizers.SGD(0.01)  # noqa: E731
    measured = {
        "ch04_mlp": _keras_cost(
            models.mlp_sequential, flat, one_hot, "categorical_crossentropy", sgd
        ),
        "ch05_mlp": _keras_cost(
            models.mlp_sequential, flat, one_hot, "categorical_crossentropy", sgd
        ),
        "ch06_mnist_cnn": _keras_cost(
            models.mnist_cnn,
            square,
            y,
            "sparse_categorical_crossentropy",
            lambda: keras.optimizers.SGD(0.1),
        ),
    }
    # chapter 04's experiment trains five variants one after the other: the sum of their costs
    variants = [(128,) * 3, (512,) * 3, (128,) * 3, (128,) * 3, (128,) * 5]
    measured["ch04_experiments"] = sum(
        _keras_cost(
            lambda hidden=hidden: models.mlp_sequential(hidden_units=hidden),
            flat,
            one_hot,
            "categorical_crossentropy",
            sgd,
        )
        for hidden in variants
    )
    start = time.perf_counter()
    numpy_mlp.train_mlp(flat.astype(np.float64), y, hidden=(128,), epochs=1, batch_size=32, lr=0.1)
    measured["ch03_numpy_mlp"] = (time.perf_counter() - start) / len(flat) * 1000

    print(
        f"{'experiment':18s} {'measured ms/image':>18s} {'config ms/image':>16s}  estimate"
    )
    for name, cost in measured.items():
        recorded = config.BUDGETS[name][0].ms_per_image
        shown = "-" if recorded is None else f"{recorded:.2f}"
        print(f"{name:18s} {cost:18.3f} {shown:>16s}  {config.estimate(name)}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
