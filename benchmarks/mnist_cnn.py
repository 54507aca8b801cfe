"""Train the book's MNIST CNN; print its test accuracy and training time (a figure, not a test).

    python benchmarks/mnist_cnn.py                       # full mode: 60,000 images, chapter budget
    python benchmarks/mnist_cnn.py --train-samples 12000 --epochs 2   # a labelled subset

Reads the real MNIST from DEEPVISION_DATA_DIR (or Keras' cache). Always evaluates on all 10,000
test images unless --test-samples says otherwise.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def main():
    import keras
    import numpy as np

    from deepvision import config, data
    from deepvision.models.cnn import book_learning_rate, mnist_cnn

    full = config.BUDGETS["ch06_mnist_cnn"][0]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-samples", type=int, default=60000)
    parser.add_argument("--test-samples", type=int, default=10000)
    parser.add_argument("--epochs", type=int, default=full.epochs)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()

    (x_train, y_train), (x_test, y_test) = data.load_mnist(args.train_samples, args.test_samples)
    x_train = (x_train.astype("float32") / 255)[..., None]
    x_test = (x_test.astype("float32") / 255)[..., None]
    keras.utils.set_random_seed(0)
    model = mnist_cnn()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    model.fit(
        x_train,
        y_train,
        batch_size=args.batch_size,
        epochs=args.epochs,
        verbose=2,
        callbacks=[keras.callbacks.LearningRateScheduler(book_learning_rate)],
    )
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    per_sample = seconds / (len(x_train) * args.epochs) * 1000
    print(
        f"train samples {len(x_train)}, epochs {args.epochs}, batch {args.batch_size}: "
        f"{seconds:.0f} s of training ({per_sample:.2f} ms per sample per epoch)"
    )
    print(f"test accuracy on {len(x_test)} images: {accuracy:.4f}")
    return np.float64(accuracy)


if __name__ == "__main__":
    main()
