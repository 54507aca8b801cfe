"""Checkers for chapter 04, "Neural networks in action" (the book's MLP on MNIST).

Each checker runs the learner's function on its own cases, compares with the reference in
:mod:`deepvision.models` (or numpy), and explains the first failure in terms of the usual mistake.
:func:`check_train_mlp` trains through the learner's function on the training split and grades on
the test split, which the learner's function never sees.

Taught in: chapter 04 (the exercises).
"""

from __future__ import annotations

import weakref

import numpy as np

from deepvision import config
from deepvision.checks._core import CaseFailed, as_array, call, close, run
from deepvision.checks.architecture import check_model

#: Test accuracy :func:`check_train_mlp` asks for, per mode. Full mode: the book reports about
#: 97% after 10 epochs of SGD(0.01) (the course measured 97.0%); quick mode trains on 2,000
#: images for a few epochs (about 80%).
ACCURACY_THRESHOLD = {"full": 0.95, "quick": 0.70}


def _images(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    x[0, 0, 0], x[-1, -1, -1] = 0, 255  # the full range is present
    return x


def check_prepare_images(prepare_images):
    """Check ``prepare_images(x)``: uint8 (N, 28, 28) -> float32 (N, 784) with values in [0, 1]."""
    name = "prepare_images"

    def cases():
        x = _images(7, 0)
        try:
            got = call(name, prepare_images, x.copy())
        except CaseFailed as failure:
            raise CaseFailed(
                f"{failure}. On a batch of 7 images reshape to (len(x), 784) or (-1, 784), "
                "not a fixed (60000, 784)"
            ) from failure
        expected = x.reshape(7, 784).astype(np.float32) / 255
        array = np.asarray(got)
        if array.shape == (7, 28, 28):
            raise CaseFailed("the images are still 28x28: flatten each one to 784 numbers")
        if array.shape == (784, 7):
            raise CaseFailed("you returned shape (784, 7); one row per image: (7, 784)")
        array = as_array(name, got, (7, 784))
        if close(array, x.reshape(7, 784)):
            raise CaseFailed("the values still go from 0 to 255: divide by 255")
        if close(array, x.reshape(7, 784).astype(np.float32) - 1):
            raise CaseFailed(
                "you computed x - 1: the book's `x - 127.5 / 127.5` divides before it subtracts. "
                "This exercise wants [0, 1] anyway: x / 255"
            )
        if close(array, x.reshape(7, 784) / 127.5 - 1, rtol=1e-5):
            raise CaseFailed("you scaled to [-1, 1]; this exercise asks for [0, 1]: x / 255")
        if close(array, x.reshape(7, 784) // 255):
            raise CaseFailed(
                "integer division (//) keeps only 0 and 1: convert to float32 first, then / 255"
            )
        if not close(array, expected, rtol=1e-6, atol=1e-7):
            raise CaseFailed(
                f"expected x / 255 flattened in row order (values 0 to 1); got values from "
                f"{array.min():.3g} to {array.max():.3g}"
            )
        if np.asarray(got).dtype != np.float32:
            raise CaseFailed(
                f"the values are right but the dtype is {np.asarray(got).dtype}; Keras computes "
                "in float32: use .astype('float32')"
            )
        return "float32 (N, 784) with values in [0, 1]"

    return run(name, cases)


def check_one_hot_labels(one_hot):
    """Check ``one_hot(labels, num_classes)``: (N,) integers -> (N, num_classes) rows of 0/1."""
    name = "one_hot"

    def cases():
        labels = np.array([3, 0, 1, 9, 3], dtype=np.uint8)
        got = np.asarray(call(name, one_hot, labels.copy(), 10))
        if got.shape == (10, 5):
            raise CaseFailed("you returned shape (10, 5): one row per label, (5, 10)")
        got = as_array(name, got, (5, 10))
        expected = np.eye(10, dtype=np.float32)[labels]
        wide = labels.astype(np.int64)
        if close(got, np.eye(10)[(wide - 1) % 10]) or close(got, np.eye(10)[(wide + 1) % 10]):
            raise CaseFailed("the 1 is one position off: label k puts its 1 in column k")
        if not close(got, expected):
            raise CaseFailed(
                f"for labels {labels.tolist()} expected rows with a single 1 in columns "
                f"{labels.tolist()}; got {got.argmax(axis=1).tolist()} (sums {got.sum(axis=1)})"
            )
        sparse = np.array([0, 2, 1])
        got = np.asarray(call(name, one_hot, sparse.copy(), 5))
        if got.shape == (3, 3):
            raise CaseFailed(
                "labels [0, 2, 1] with num_classes=5 gave 3 columns: use num_classes, not the "
                "largest label + 1 (a batch may not contain every class)"
            )
        if not close(as_array(name, got, (3, 5)), np.eye(5)[sparse]):
            raise CaseFailed("labels [0, 2, 1] with num_classes=5 gave the wrong rows")
        return "one row per label, a single 1 in the label's column"

    return run(name, cases)


def reference_mlp():
    """The model the chapter asks for (``deepvision.models.mlp_sequential()``)."""
    from deepvision.models import mlp_sequential

    return mlp_sequential()


def check_build_mlp(build_mlp):
    """Check ``build_mlp()``: the book's Dense 128-128-128-10 (ReLU, softmax) on (784,) inputs."""
    name = "build_mlp"

    def cases():
        model = call(name, build_mlp)
        result = check_model(model, reference_mlp(), name="your model")
        if not result:
            raise CaseFailed(result.message)
        return result.message

    return run(name, cases)


def _loss_name(loss):
    if isinstance(loss, str):
        return loss
    return getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)


def _metric_names(model):
    names = []
    for metric in model.get_compile_config().get("metrics") or []:
        if isinstance(metric, dict):
            metric = metric.get("config", {}).get("name", metric.get("class_name"))
        names.append(str(metric))
    return names


def check_compile_mlp(compile_mlp):
    """Check ``compile_mlp(model)``: SGD(learning_rate=0.01), categorical cross-entropy and
    accuracy."""
    name = "compile_mlp"

    def cases():
        import keras

        model = reference_mlp()
        returned = call(name, compile_mlp, model)
        if not getattr(model, "compiled", False):
            if isinstance(returned, keras.Model) and getattr(returned, "compiled", False):
                raise CaseFailed(
                    "compile the model you are given (model.compile(...)), not a new one"
                )
            raise CaseFailed(
                "the model is not compiled: call model.compile(optimizer=..., loss=...)"
            )
        optimizer = model.optimizer
        kind = type(optimizer).__name__
        if kind != "SGD":
            raise CaseFailed(
                f"the optimizer is {kind}; the book's network uses keras.optimizers.SGD (try the "
                "others in the experiment below)"
            )
        learning_rate = float(np.asarray(optimizer.learning_rate))
        if not np.isclose(learning_rate, 0.01, rtol=1e-5):
            raise CaseFailed(
                f"the learning rate is {learning_rate:g}; expected 0.01: "
                "keras.optimizers.SGD(learning_rate=0.01) (Keras 3 has no `lr=` argument)"
            )
        if float(optimizer.momentum) != 0.0 or optimizer.nesterov:
            raise CaseFailed("plain SGD: no momentum and no Nesterov for this exercise")
        loss = _loss_name(model.loss)
        if loss == "sparse_categorical_crossentropy":
            raise CaseFailed(
                "sparse_categorical_crossentropy expects integer labels; the labels here are "
                "one-hot vectors, so use categorical_crossentropy"
            )
        if loss != "categorical_crossentropy":
            raise CaseFailed(f"the loss is {loss!r}; expected 'categorical_crossentropy'")
        loss_config = model.get_compile_config().get("loss")
        if isinstance(loss_config, dict) and loss_config.get("config", {}).get("from_logits"):
            raise CaseFailed(
                "from_logits=True is for raw scores; the last layer already applies softmax"
            )
        metrics = _metric_names(model)
        if not any(m in ("accuracy", "acc", "categorical_accuracy") for m in metrics):
            raise CaseFailed(f"the metrics are {metrics}; add metrics=['accuracy']")
        return "SGD(learning_rate=0.01), categorical cross-entropy, accuracy"

    return run(name, cases)


def check_prediction_accuracy(accuracy):
    """Check ``accuracy(probs, labels)``: the fraction of rows whose argmax equals the label."""
    name = "accuracy"

    def cases():
        probs = np.array(
            [[0.1, 0.7, 0.2], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.25, 0.45, 0.3], [0.6, 0.2, 0.2]]
        )
        labels = np.array([1, 0, 1, 2, 0])  # rows 0, 1 and 4 are right
        got = float(as_array(name, call(name, accuracy, probs.copy(), labels.copy()), ()))
        if np.isclose(got, 3):
            raise CaseFailed(
                "you returned the number of correct rows (3); divide by the number of rows"
            )
        if np.isclose(got, 60):
            raise CaseFailed("you returned a percentage (60); return the fraction 0.6")
        if not np.isclose(got, 0.6):
            raise CaseFailed(
                f"expected 0.6 (3 of 5 rows have their highest probability at the label), got "
                f"{got:.4g}; take np.argmax(probs, axis=1) and compare it with labels"
            )
        square = np.array([[0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
        got = float(as_array(name, call(name, accuracy, square.copy(), np.array([0, 0, 2])), ()))
        if np.isclose(got, 2 / 3):
            raise CaseFailed("you took the argmax down the columns (axis=0); use axis=1, per row")
        if not np.isclose(got, 1.0):
            raise CaseFailed(f"for a (3, 3) batch that is all right expected 1.0, got {got:.4g}")
        return "fraction of rows whose argmax is the label"

    return run(name, cases)


# the learner's training function -> (its trained model, test accuracy): the self-check and the
# graded cell share one training run
_TRAINED = weakref.WeakKeyDictionary()


def held_out_mnist():
    """The test split as the checker grades it: float32 (N, 784) in [0, 1] and integer labels."""
    from deepvision import data

    _, (x_test, y_test) = data.load_mnist()
    return x_test.reshape(len(x_test), 784).astype(np.float32) / 255, y_test.astype(np.int64)


def check_train_mlp(train_mlp, threshold=None):
    """Check ``train_mlp(x_train, y_train)`` returns a model reaching the mode's test accuracy.

    The checker loads MNIST itself, prepares the training split (float32 (N, 784) in [0, 1],
    one-hot labels), calls the learner's function on it, and measures the returned model's
    accuracy on the test split. The threshold is :data:`ACCURACY_THRESHOLD` for the mode.
    """
    name = "train_mlp"
    threshold = ACCURACY_THRESHOLD[config.mode_name()] if threshold is None else threshold

    def cases():
        import keras

        from deepvision import data

        key = train_mlp if callable(train_mlp) else None
        if key is not None and key in _TRAINED:
            model, score = _TRAINED[key]
        else:
            (x_train, y_train), _ = data.load_mnist()
            x_train = x_train.reshape(len(x_train), 784).astype(np.float32) / 255
            y_train = np.eye(10, dtype=np.float32)[y_train]
            model = call(name, train_mlp, x_train, y_train)
            if not isinstance(model, keras.Model):
                raise CaseFailed(f"return the trained keras model; got {type(model).__name__}")
            try:
                input_shape = tuple(model.inputs[0].shape[1:])
            except (AttributeError, ValueError, IndexError):
                input_shape = None
            if input_shape != (784,):
                raise CaseFailed(
                    f"the model's input shape is {input_shape}; this exercise feeds flattened "
                    "images of shape (784,): start the model with keras.Input(shape=(784,))"
                )
            x_test, y_test = held_out_mnist()
            # one direct call: no tf.function tracing, no retracing warnings
            probs = np.asarray(model(x_test, training=False))
            if probs.shape != (len(x_test), 10):
                raise CaseFailed(f"the model outputs shape {probs.shape[1:]}; expected (10,)")
            score = float(np.mean(np.argmax(probs, axis=1) == y_test))
            if key is not None:
                _TRAINED[key] = (model, score)
        if score < threshold:
            raise CaseFailed(
                f"test accuracy {score:.1%}, below the {threshold:.0%} asked for in "
                f"{config.mode_name()} mode: train for config.budget('ch04_mlp').epochs epochs "
                "(check the data is scaled to [0, 1] and the labels are one-hot)"
            )
        return f"test accuracy {score:.1%} on {config.mode_name()}-mode held-out images"

    return run(name, cases)
