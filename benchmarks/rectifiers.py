"""Chapter 08's experiment at a larger budget: one CIFAR-10 CNN per rectifier, a table of figures.

    python benchmarks/rectifiers.py                                  # full mode: 50,000 images
    python benchmarks/rectifiers.py --train-samples 10000 --epochs 2 # a stratified subset
    python benchmarks/rectifiers.py --dying                          # also ReLU at lr 0.01

Prints, per rectifier: test accuracy, the fraction of channels that never fire on the test
images, and seconds per epoch; then the milliseconds per training image per epoch of all seven
together (``config.MEASURED_MS["ch08_rectifiers"]``). Figures, not a test: the CPU is shared.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main():
    from deepvision import config, data, models

    full = config.BUDGETS["ch08_rectifiers"][0]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-samples", type=int, default=50000)
    parser.add_argument("--test-samples", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=full.epochs)
    parser.add_argument("--width", type=float, default=full.width)
    parser.add_argument("--theta", type=float, default=0.1, help="the thresholded ReLU's theta")
    parser.add_argument("--dying", action="store_true", help="also ReLU at learning rate 0.01")
    args = parser.parse_args()

    (x_train, y_train), (x_test, y_test) = data.load_cifar10(args.train_samples, args.test_samples)
    x_train, x_test = x_train.astype("float32") / 255, x_test.astype("float32") / 255
    print(
        f"{len(x_train)} training and {len(x_test)} test images, {args.epochs} epoch(s), "
        f"width {args.width}, Adam 0.001, batch 64"
    )
    start = time.perf_counter()
    rows = models.rectifier_experiment(
        x_train,
        y_train,
        x_test,
        y_test,
        parameters={"thresholded_relu": args.theta},
        epochs=args.epochs,
        width=args.width,
        verbose=2,
    )
    seconds = time.perf_counter() - start
    print(models.rectifier_table(rows))
    training = sum(row["seconds_per_epoch"] for row in rows)
    print(
        f"all {len(rows)} rectifiers: {training * 1000 / len(x_train):.2f} ms per training image "
        f"per epoch ({seconds:.0f} s in all, evaluation included)"
    )
    if args.dying:
        for learning_rate in (0.001, 0.01):
            (row,) = models.rectifier_experiment(
                x_train,
                y_train,
                x_test,
                y_test,
                rectifiers=("relu",),
                epochs=1,
                width=args.width,
                learning_rate=learning_rate,
                verbose=0,
            )
            fractions = models.dead_unit_fractions(row["model"], x_test)
            print(
                f"dying: ReLU at learning rate {learning_rate}, 1 epoch: test accuracy "
                f"{row['test_accuracy']:.1%}, dead channels per layer "
                f"{[round(f, 2) for f in fractions.values()]} "
                f"({1000 * row['seconds_per_epoch'] / len(x_train):.2f} ms per image)"
            )


if __name__ == "__main__":
    main()
