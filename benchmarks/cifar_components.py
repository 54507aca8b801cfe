"""Train the book's three chapter-07 CIFAR-10 networks under one budget; print their accuracies.

    python benchmarks/cifar_components.py                                  # 5,000 / 1,000 subset
    python benchmarks/cifar_components.py --train-samples 50000 --test-samples 10000 --epochs 20

The networks (deepvision.models.cifar): the plain MiniModel (dropout and global average
pooling), the pre-activation BN version, and the same after random flips, shifts and rotations.
All three get the same images, the same standardisation (per-channel statistics of the training
images only), the same validation split (the last 10% of the training images, never augmented),
Adam with the book's schedule, batches of 128, and the same number of epochs. The test set is
used once per network, at the end. The book reports 79%, 85.77% and 87.45% after 20 epochs on
all 50,000 images.

Reads CIFAR-10 from DEEPVISION_DATA_DIR (or Keras' cache). A figure, not a test.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main(argv=None):
    import keras

    from deepvision import data, ops
    from deepvision.models import cifar

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-samples", type=int, default=5000)
    parser.add_argument("--test-samples", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--width", type=float, default=1.0, help="fraction of the book's filters")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    (x_train, y_train), (x_test, y_test) = data.load_cifar10(args.train_samples, args.test_samples)
    y_train, y_test = y_train.reshape(-1), y_test.reshape(-1)
    held = len(x_train) // 10
    x_fit, y_fit = x_train[:-held], y_train[:-held]
    x_val, y_val = x_train[-held:], y_train[-held:]
    mean, std = ops.fit_standardization(x_fit)
    x_fit, x_val, x_test = (ops.standardize(x, mean, std) for x in (x_fit, x_val, x_test))
    print(
        f"CIFAR-10: {len(x_fit)} training, {len(x_val)} validation and {len(x_test)} test images; "
        f"{args.epochs} epoch(s), batch {args.batch_size}, width {args.width:g}, "
        f"{os.cpu_count()} CPU core(s) visible"
    )

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.times = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self.start)

    rows = []
    for label, builder in cifar.NETWORKS.items():
        keras.utils.set_random_seed(args.seed)
        model = builder(width=args.width)
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate=cifar.cifar_learning_rate(0)),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        timer = EpochTimer()
        history = model.fit(
            x_fit,
            y_fit,
            batch_size=args.batch_size,
            epochs=args.epochs,
            shuffle=True,
            validation_data=(x_val, y_val),
            callbacks=[
                keras.callbacks.LearningRateScheduler(cifar.cifar_learning_rate),
                timer,
            ],
            verbose=2,
        )
        _, test_accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
        rows.append(
            (
                label,
                model.count_params(),
                max(history.history["val_accuracy"]),
                test_accuracy,
                timer.times[-1],
                timer.times[-1] / len(x_fit) * 1000,
            )
        )
    print()
    print(
        f"{'network':<27} {'parameters':>10} {'best val':>9} {'test':>7} {'s/epoch':>8} "
        f"{'ms/image':>9}   (time of the last epoch, after tracing)"
    )
    for label, parameters, val, test, seconds, per_image in rows:
        print(
            f"{label:<27} {parameters:>10,} {val:>9.4f} {test:>7.4f} {seconds:>8.1f} "
            f"{per_image:>9.2f}"
        )
    tests = [row[3] for row in rows]
    ordered = tests[0] < tests[1] < tests[2]
    print(
        f"book's ordering plain < BN < BN + augmentation on test accuracy: "
        f"{'holds' if ordered else 'does not hold'} at this budget"
    )
    return rows


if __name__ == "__main__":
    main()
