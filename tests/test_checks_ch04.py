"""Chapter 04 checkers: what their declarations cannot say.

tests/test_exercises.py tests every declared exercise (the reference passes, each declared
mistake fails with its hint, broken answers fail with a sentence, the kernel is left alone).
Here: other correct spellings pass too, and check_train_mlp grades on images the learner's
function never saw, trains once for the self-check and the graded cell, and takes a threshold.
"""

import numpy as np
import pytest

from deepvision import config
from deepvision.checks import ch04
from deepvision.models import mlp_functional


def test_other_spellings_of_prepare_images_pass():
    for spelling in (
        lambda x: (x / 255).reshape(-1, 784).astype(np.float32),
        lambda x: np.float32(x.reshape(x.shape[0], 28 * 28)) / np.float32(255),
    ):
        result = ch04.check_prepare_images(spelling)
        assert result, result.message


def test_other_spellings_of_one_hot_pass(keras):
    for spelling in (
        lambda labels, n: keras.utils.to_categorical(labels, n),
        lambda labels, n: np.eye(n, dtype="float32")[labels],
        lambda labels, n: (np.arange(n) == np.asarray(labels)[:, None]).astype(float),
    ):
        result = ch04.check_one_hot_labels(spelling)
        assert result, result.message


def test_a_functional_build_mlp_passes(keras):
    result = ch04.check_build_mlp(mlp_functional)
    assert result, result.message


def test_other_spellings_of_compile_mlp_pass(keras):
    def with_objects(model):
        model.compile(
            optimizer=keras.optimizers.SGD(0.01),
            loss=keras.losses.CategoricalCrossentropy(),
            metrics=[keras.metrics.CategoricalAccuracy()],
        )

    def with_names(model):  # "sgd" is SGD(learning_rate=0.01); returning nothing is fine
        model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["acc"])

    for spelling in (with_objects, with_names):
        result = ch04.check_compile_mlp(spelling)
        assert result, result.message


def test_every_mode_has_an_accuracy_threshold():
    assert set(ch04.ACCURACY_THRESHOLD) == {"full", "quick"}
    assert ch04.ACCURACY_THRESHOLD[config.mode_name()] > 0.5


@pytest.fixture
def untrained(keras, data_dir):
    """A train_mlp that records what it was given and returns an untrained model."""
    seen = []

    def train_mlp(x_train, y_train):
        seen.append((x_train, y_train))
        return ch04.reference_mlp()

    train_mlp.seen = seen
    return train_mlp


def test_train_mlp_is_graded_on_data_it_never_saw(untrained):
    ch04.check_train_mlp(untrained)
    assert len(untrained.seen) == 1
    x_train, y_train = untrained.seen[0]
    assert x_train.shape[1:] == (784,) and x_train.dtype == np.float32
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    assert y_train.shape == (len(x_train), 10) and np.all(y_train.sum(axis=1) == 1)
    x_test, _ = ch04.held_out_mnist()
    rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in rows for row in x_test)


def test_train_mlp_trains_once_and_takes_a_threshold(untrained):
    first = ch04.check_train_mlp(untrained)
    assert not first and "below the" in first.message
    assert ch04.check_train_mlp(untrained, 0.0)  # positional threshold, as the signature says
    assert ch04.check_train_mlp(untrained, threshold=0.0)
    assert len(untrained.seen) == 1  # the self-check and the graded cell share one run


def test_a_threshold_found_another_way_passes_and_the_outcome_is_what_it_says():
    import numpy as np

    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.4, 0.6], [0.55, 0.45]])
    labels = np.array([0, 0, 0, 0])
    assert ch04.threshold_outcome(probs, labels, 0.7) == (0.5, 1.0)
    assert ch04.threshold_outcome(probs, labels, 0.0) == (1.0, 0.75)
    assert ch04.threshold_outcome(probs, labels, 0.95) == (0.0, 1.0)

    def brute_force(probs, labels, target):  # every candidate, lowest first
        for threshold in np.sort(probs.max(axis=1)):
            if ch04.threshold_outcome(probs, labels, threshold)[1] >= target:
                return threshold
        return 1.0

    assert ch04.check_choose_threshold(brute_force)
