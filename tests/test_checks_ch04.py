"""Chapter 04 checkers: the reference passes, plausible wrong answers fail with the right hint."""

import keras
import numpy as np
import pytest

from deepvision.checks import ch04
from deepvision.models import mlp_functional, mlp_sequential

# ---- prepare_images -------------------------------------------------------------------------


def prepare_images(x):
    return x.reshape(len(x), 784).astype("float32") / 255


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda x: x.astype("float32") / 255, "flatten"),
        (lambda x: x.reshape(len(x), 784).astype("float32"), "divide by 255"),
        (lambda x: x.reshape(len(x), 784).astype("float32") - 127.5 / 127.5, "x - 1"),
        (lambda x: (x.reshape(len(x), 784).astype("float32") - 127.5) / 127.5, "[-1, 1]"),
        (lambda x: x.reshape(len(x), 784) // 255, "integer division"),
        (lambda x: x.reshape(len(x), 784) / 255, "dtype is float64"),
        (lambda x: x.reshape(60000, 784).astype("float32") / 255, "not a fixed (60000, 784)"),
        (lambda x: x.reshape(784, len(x)).astype("float32") / 255, "(784, 7)"),
        (lambda x: x.reshape(len(x), 28, 28).transpose(0, 2, 1).reshape(len(x), 784) / 255,
         "row order"),
    ],
)
def test_prepare_images_wrong(wrong, hint):
    result = ch04.check_prepare_images(wrong)
    assert not result
    assert hint in result.message


def test_prepare_images_reference():
    result = ch04.check_prepare_images(prepare_images)
    assert result, result.message


def test_unimplemented_raises_not_implemented():
    def prepare_images(x):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError, match="prepare_images is not implemented"):
        ch04.check_prepare_images(prepare_images)


# ---- one_hot --------------------------------------------------------------------------------


def test_one_hot_reference_and_keras():
    assert ch04.check_one_hot_labels(lambda labels, n: keras.utils.to_categorical(labels, n))
    assert ch04.check_one_hot_labels(lambda labels, n: np.eye(n, dtype="float32")[labels])


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda labels, n: np.eye(n)[labels].T, "(5, 10)"),
        (lambda labels, n: np.eye(n)[(labels + 1) % n], "one position off"),
        (lambda labels, n: np.eye(labels.max() + 1)[labels], "not the largest label"),
        (lambda labels, n: labels, "returned shape (5,)"),
    ],
)
def test_one_hot_wrong(wrong, hint):
    result = ch04.check_one_hot_labels(wrong)
    assert not result
    assert hint in result.message


# ---- build_mlp ------------------------------------------------------------------------------


def test_build_mlp_reference_and_functional_pass():
    assert ch04.check_build_mlp(mlp_sequential)
    assert ch04.check_build_mlp(mlp_functional)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda: mlp_sequential(hidden_units=(128, 128)), "3 layers; expected 4"),
        (lambda: mlp_sequential(activation="sigmoid"), "activation='sigmoid'"),
        (lambda: mlp_sequential(hidden_units=(128, 128, 64)), "units=64"),
        (lambda: mlp_sequential(input_shape=(28 * 28 * 3,)), "input shape is (2352,)"),
        (lambda: keras.Sequential([keras.layers.Dense(128, activation="relu")]), "keras.Input"),
        (lambda: None, "expected a keras.Model, got NoneType"),
    ],
)
def test_build_mlp_wrong(wrong, hint):
    result = ch04.check_build_mlp(wrong)
    assert not result
    assert hint in result.message


# ---- compile_mlp ----------------------------------------------------------------------------


def compile_mlp(model):
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )


def test_compile_reference_and_equivalents_pass():
    assert ch04.check_compile_mlp(compile_mlp)

    def with_objects(model):
        model.compile(optimizer=keras.optimizers.SGD(0.01),
                      loss=keras.losses.CategoricalCrossentropy(),
                      metrics=[keras.metrics.CategoricalAccuracy()])
        return model

    result = ch04.check_compile_mlp(with_objects)
    assert result, result.message


def _compiler(**kwargs):
    settings = dict(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                    loss="categorical_crossentropy", metrics=["accuracy"])

    def compile_mlp(model):
        settings.update(kwargs)
        model.compile(**settings)

    return compile_mlp


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (_compiler(optimizer=keras.optimizers.Adam(0.01)), "the optimizer is Adam"),
        (_compiler(optimizer=keras.optimizers.SGD(learning_rate=0.1)), "learning rate is 0.1"),
        (_compiler(optimizer=keras.optimizers.SGD(0.01, momentum=0.9)), "no momentum"),
        (_compiler(loss="sparse_categorical_crossentropy"), "one-hot"),
        (_compiler(loss="mse"), "the loss is 'mse'"),
        (_compiler(loss=keras.losses.CategoricalCrossentropy(from_logits=True)), "from_logits"),
        (_compiler(metrics=None), "metrics=['accuracy']"),
        (lambda model: None, "not compiled"),
        (lambda model: compile_mlp(mlp_sequential()) or None, "not compiled"),
    ],
)
def test_compile_wrong(wrong, hint):
    result = ch04.check_compile_mlp(wrong)
    assert not result
    assert hint in result.message


def test_compile_a_new_model_is_explained():
    def new_model(model):
        other = mlp_sequential()
        compile_mlp(other)
        return other

    result = ch04.check_compile_mlp(new_model)
    assert not result and "not a new one" in result.message


# ---- accuracy -------------------------------------------------------------------------------


def accuracy(probs, labels):
    return np.mean(np.argmax(probs, axis=1) == labels)


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda p, l: np.sum(np.argmax(p, axis=1) == l), "number of correct rows"),
        (lambda p, l: 100 * np.mean(np.argmax(p, axis=1) == l), "percentage"),
        (lambda p, l: np.mean(np.argmax(p, axis=0)[: len(l)] == l[: p.shape[1]]), "axis"),
        (lambda p, l: np.mean(np.max(p, axis=1)), "expected 0.6"),
    ],
)
def test_accuracy_wrong(wrong, hint):
    result = ch04.check_prediction_accuracy(wrong)
    assert not result
    assert hint in result.message


def test_accuracy_reference():
    assert ch04.check_prediction_accuracy(accuracy)


# ---- train_mlp (held-out accuracy) ----------------------------------------------------------


def test_train_mlp_reference_passes(data_dir):
    def train_mlp(x_train, y_train):
        keras.utils.set_random_seed(0)
        model = mlp_sequential()
        compile_mlp(model)
        model.fit(x_train, y_train, batch_size=32, epochs=8, verbose=0)
        return model

    result = ch04.check_train_mlp(train_mlp)
    assert result, result.message
    assert result.message.startswith("test accuracy")


def test_train_mlp_untrained_model_fails(data_dir):
    def train_mlp(x_train, y_train):
        keras.utils.set_random_seed(0)
        return mlp_sequential()

    result = ch04.check_train_mlp(train_mlp)
    assert not result and "below the 70%" in result.message


def test_train_mlp_wrong_input_shape_is_explained(data_dir):
    def train_mlp(x_train, y_train):
        return keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                 keras.layers.Dense(10, activation="softmax")])

    result = ch04.check_train_mlp(train_mlp)
    assert not result and "input shape is (28, 28)" in result.message


def test_train_mlp_must_return_a_model(data_dir):
    result = ch04.check_train_mlp(lambda x, y: None)
    assert not result and "return the trained keras model" in result.message


def test_train_mlp_is_graded_on_data_it_never_saw(data_dir):
    seen = []

    def train_mlp(x_train, y_train):
        seen.append(x_train)
        return mlp_sequential()

    ch04.check_train_mlp(train_mlp)
    x_test, _ = ch04.held_out_mnist()
    rows = {row.tobytes() for row in seen[0]}
    assert not any(row.tobytes() in rows for row in x_test)
    assert seen[0].shape[1:] == (784,) and seen[0].dtype == np.float32
