"""Full mode of chapter 04: the book's MLP on all of MNIST, SGD(0.01), batch 32, 10 epochs.

Prints the test accuracy after each epoch and the wall time, the figures quoted in the chapter's
closing note. Needs the full MNIST (``DEEPVISION_DATA_DIR`` holding ``mnist.npz``, or Keras
online). Run: ``python benchmarks/mnist_mlp_full.py [epochs] [seed]``.
"""

import os
import sys
import time

os.environ.pop("DEEPVISION_QUICK", None)  # this script is full mode by definition

import keras  # noqa: E402
import numpy as np  # noqa: E402

from deepvision import data, models  # noqa: E402


def main(epochs=10, seed=0):
    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    print(f"train {x_train.shape}, test {x_test.shape}")
    model = models.mlp_sequential()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    history = model.fit(
        x_train, y_train, batch_size=32, epochs=epochs, shuffle=True, verbose=2,
        validation_data=(x_test, y_test),
    )
    seconds = time.perf_counter() - start
    for epoch, accuracy in enumerate(history.history["val_accuracy"], 1):
        print(f"epoch {epoch:2d}: test accuracy {accuracy:.4f}")
    _, accuracy = model.evaluate(x_test, y_test, batch_size=32, verbose=0)
    per_sample = seconds / (epochs * len(x_train)) * 1e3
    print(f"final test accuracy after {epochs} epochs: {accuracy:.4f} (seed {seed})")
    print(f"training wall time {seconds:.1f} s ({per_sample:.3f} ms per sample per epoch, "
          f"{np.float64(seconds) / epochs:.1f} s per epoch)")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*args)
