"""Train chapter 03's numpy MLP (784-128-10, SGD) on MNIST and print its test accuracy and time.

Run in full mode for the figure quoted in the chapter (all 60,000 training images, 5 epochs):

    DEEPVISION_DATA_DIR=../shared/data python benchmarks/numpy_mlp_mnist.py

With DEEPVISION_QUICK=1 it uses the quick-mode budget instead.
"""

import time

from deepvision import config, data
from deepvision.models import numpy_mlp


def main():
    budget = config.budget("ch03_numpy_mlp")
    (x_train, y_train), (x_test, y_test) = data.load_mnist(
        budget.train_samples, budget.test_samples
    )
    x_train = x_train.reshape(len(x_train), -1) / 255.0
    x_test = x_test.reshape(len(x_test), -1) / 255.0
    start = time.perf_counter()
    params, history = numpy_mlp.train_mlp(
        x_train,
        y_train,
        hidden=(128,),
        epochs=budget.epochs,
        batch_size=32,
        lr=0.1,
        seed=0,
        x_val=x_test,
        labels_val=y_test,
    )
    seconds = time.perf_counter() - start
    print(
        f"mode: {config.mode_name()}, {len(x_train)} train / {len(x_test)} test images, "
        f"{budget.epochs} epochs"
    )
    for epoch, accuracy in enumerate(history["val_accuracy"], start=1):
        print(f"epoch {epoch}: test accuracy {accuracy:.4f}")
    print(f"training time: {seconds:.1f} s")


if __name__ == "__main__":
    main()
