"""deepvision.plots: the data behind each plot, and the figures' layout."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from deepvision import plots


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("num_classes", [2, 5, 10])
def test_confusion_matrix_counts_every_pair(seed, num_classes):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, size=200)
    preds = np.where(rng.uniform(size=200) < 0.7, labels, rng.integers(0, num_classes, size=200))
    matrix = plots.confusion_matrix(labels, preds, num_classes)
    assert matrix.shape == (num_classes, num_classes)
    for i in range(num_classes):
        for j in range(num_classes):
            assert matrix[i, j] == np.sum((labels == i) & (preds == j))
    assert matrix.sum() == 200
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(labels, minlength=num_classes))
    assert np.trace(matrix) == np.sum(labels == preds)


def test_confusion_matrix_rows_are_true_classes():
    matrix = plots.confusion_matrix([0, 0, 1], [1, 1, 1], 2)
    np.testing.assert_array_equal(matrix, [[0, 2], [0, 1]])


def test_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match=r"labels: class indices must lie in \[0, 2\]"):
        plots.confusion_matrix([0, 3], [0, 1], 3)
    with pytest.raises(ValueError, match=r"labels and preds: .*\(3,\) and \(2,\)"):
        plots.confusion_matrix([0, 1, 2], [0, 1], 3)
    with pytest.raises(ValueError, match="preds: expected integer"):
        plots.confusion_matrix([0, 1], [0.5, 1.0], 3)


def test_misclassified():
    labels, preds = np.array([1, 2, 3, 4, 5]), np.array([1, 0, 3, 0, 0])
    np.testing.assert_array_equal(plots.misclassified(labels, preds), [1, 3, 4])
    np.testing.assert_array_equal(plots.misclassified(labels, preds, limit=2), [1, 3])
    assert plots.misclassified(labels, labels).size == 0
    with pytest.raises(ValueError, match="labels and preds"):
        plots.misclassified([1, 2], [1])


def test_history_curves_pairs_training_with_validation():
    history = {"loss": [1.0, 0.5], "val_loss": [1.2, 0.7], "accuracy": [0.6, 0.8],
               "val_accuracy": [0.5, 0.75], "learning_rate": [0.1, 0.1]}
    curves = plots.history_curves(history)
    assert set(curves) == {"loss", "accuracy", "learning_rate"}
    assert curves["loss"] == ([1.0, 0.5], [1.2, 0.7])
    assert curves["accuracy"] == ([0.6, 0.8], [0.5, 0.75])
    assert curves["learning_rate"] == ([0.1, 0.1], None)


def test_history_curves_accepts_a_history_object():
    class History:
        history = {"loss": [3.0, 2.0, 1.0]}

    assert plots.history_curves(History()) == {"loss": ([3.0, 2.0, 1.0], None)}
    with pytest.raises(ValueError, match="history: expected the History"):
        plots.history_curves([1, 2])
    with pytest.raises(ValueError, match="history: it is empty"):
        plots.history_curves({})


def test_plot_history_one_panel_per_metric():
    history = {"loss": [1.0, 0.5, 0.4], "val_loss": [1.2, 0.7, 0.6], "accuracy": [0.6, 0.8, 0.9]}
    fig = plots.plot_history(history, metrics=("loss", "accuracy"))
    axes = fig.axes
    assert len(axes) == 2
    assert len(axes[0].lines) == 2 and len(axes[1].lines) == 1  # accuracy has no validation curve
    np.testing.assert_array_equal(axes[0].lines[1].get_ydata(), [1.2, 0.7, 0.6])
    plt.close(fig)
    with pytest.raises(ValueError, match="metrics: .*'auc'"):
        plots.plot_history(history, metrics=("auc",))


def test_grid_shape():
    assert plots.grid_shape(16, 8) == (2, 8)
    assert plots.grid_shape(17, 8) == (3, 8)
    assert plots.grid_shape(3, 8) == (1, 3)
    with pytest.raises(ValueError, match="count"):
        plots.grid_shape(0)


def test_plot_image_grid_titles_and_flat_rows():
    images = np.random.default_rng(0).uniform(size=(5, 784))
    fig = plots.plot_image_grid(images, titles=[f"t{i}" for i in range(5)], columns=3)
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes[:5]] == ["t0", "t1", "t2", "t3", "t4"]
    assert fig.axes[0].images[0].get_array().shape == (28, 28)
    plt.close(fig)
    with pytest.raises(ValueError, match=r"images: .*got shape \(5, 10\)"):
        plots.plot_image_grid(np.zeros((5, 10)))
    with pytest.raises(ValueError, match="titles: expected 5"):
        plots.plot_image_grid(images, titles=["a"])


def test_plot_confusion_matrix_writes_counts():
    matrix = plots.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3)
    fig = plots.plot_confusion_matrix(matrix, class_names=["a", "b", "c"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts == ["1", "0", "0", "0", "1", "1", "0", "0", "1"]
    plt.close(fig)
    fig = plots.plot_confusion_matrix(matrix, normalize=True)
    assert fig.axes[0].texts[4].get_text() == "0.50"
    plt.close(fig)
    with pytest.raises(ValueError, match=r"matrix: expected a square"):
        plots.plot_confusion_matrix(np.zeros((2, 3)))
