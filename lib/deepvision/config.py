"""Quick mode and full mode: the one place that decides how big each experiment is.

A learner runs the course in **full mode** (the default): the whole datasets, and the epochs
each experiment's budget gives, which are the book's where a CPU can afford them (each budget
records the book's epochs beside its own). CI runs it in **quick mode** (``DEEPVISION_QUICK=1``):
the same code on small, deterministic subsets, so every notebook executes in seconds. Notebooks
never write sizes of their own; they ask :func:`budget` for them.

What full mode costs is measured, once, here: each long experiment records the milliseconds per
training image per epoch that ``benchmarks/training_costs.py`` measured on the reference machine
(2 CPU cores, no GPU), and :func:`estimate` turns it into the time a notebook announces
(:func:`announce`) and the README quotes.

Taught in: every chapter's first cell ("Quick mode and full mode").
"""

from __future__ import annotations

import os
from dataclasses import dataclass

QUICK_ENV = "DEEPVISION_QUICK"
DATA_ENV = "DEEPVISION_DATA_DIR"


@dataclass(frozen=True)
class Budget:
    """How much data and training one experiment gets in the current mode.

    Attributes:
        epochs: Passes over the training data.
        train_samples: Training examples to use; ``None`` means the whole training set.
        test_samples: Test examples to use; ``None`` means the whole test set.
        book_epochs: The epochs the book trains this experiment for, when it says.
        ms_per_image: Measured full-mode cost on the reference machine (2 CPU cores): milliseconds
            per training image per epoch (``benchmarks/training_costs.py``).
        images_per_epoch: Training images one full-mode epoch sees (after any validation split).
        unit: What ``epochs`` counts: ``"epoch"`` (passes over the data), ``"step"`` for an
            experiment that counts gradient-descent steps, or ``"repeat"`` for a measurement
            that counts timed runs.
        width: Fraction of the book's filters each convolution gets (1.0: the book's network;
            quick mode may train a narrower one, the same code).
        image_size: Side of the square images an experiment feeds its networks, where it
            chooses one (``None``: the dataset's own size).
    """

    epochs: int
    train_samples: int | None
    test_samples: int | None
    book_epochs: int | None = None
    ms_per_image: float | None = None
    images_per_epoch: int | None = None
    unit: str = "epoch"
    width: float = 1.0
    image_size: int | None = None


#: Milliseconds per training image per epoch in full mode on the reference machine (2 CPU cores,
#: no GPU), measured by ``benchmarks/training_costs.py`` (see its output in the closing notes).
MEASURED_MS = {
    "ch03_numpy_mlp": 0.060,
    "ch04_mlp": 0.078,
    "ch04_experiments": 0.469,  # five networks, one after the other
    "ch05_mlp": 0.076,
    "ch06_mnist_cnn": 2.47,
    "ch07_cifar": 54.6,  # BN + augmentation, full width; measured on a shared, busy machine
    # Chapter 08: seven CIFAR-10 CNNs, one per rectifier, one after the other. Single networks at
    # a load of about 1 took 1.15 (ReLU), 1.91 (PReLU) and 3.05 (GELU) ms; benchmarks/
    # rectifiers.py measured 30.4 ms for all seven with the 2 cores shared at a load of 10.
    "ch08_rectifiers": 13.0,
    "ch08_dying": 2.4,  # two ReLU CNNs (1.15 ms each), a normal and a too-high learning rate
    # Chapter 09: the plain and the residual stack (8 blocks, 16 filters), one after the other;
    # 19.4 ms measured for the pair on 1,000 images x 2 epochs with the 2 cores at a load of 7.
    "ch09_plain_residual": 19.4,
    # Chapter 12 (cat/dog folder, 32x32; benchmarks/transfer.py in full mode, load 5-10): from
    # scratch, the head on cached bottleneck features (their extraction: 56 s once), fine-tuning.
    "ch12_scratch": 1.46,
    "ch12_features": 0.29,
    "ch12_fine_tune": 2.99,
}

# name -> (full mode, quick mode). Add an experiment here, never in a notebook.
BUDGETS: dict[str, tuple[Budget, Budget]] = {
    # Dataset subsets used when a loader is called without explicit sizes.
    "mnist": (Budget(0, None, None), Budget(0, 2000, 500)),
    "cifar10": (Budget(0, None, None), Budget(0, 1000, 200)),
    # Chapter 01: linear regression by gradient descent (steps, not epochs).
    "ch01_linear_regression": (
        Budget(500, 200, None, unit="step"),
        Budget(200, 200, None, unit="step"),
    ),
    # Chapter 03: the from-scratch numpy MLP on MNIST (epochs, train and test images).
    "ch03_numpy_mlp": (
        Budget(5, None, None, ms_per_image=MEASURED_MS["ch03_numpy_mlp"], images_per_epoch=60000),
        Budget(4, 2000, 500),
    ),
    # Chapter 04: the book's MLP on MNIST (the graded run), and the "do better" experiment
    # (five variants, trained one after the other: the cost is their sum).
    "ch04_mlp": (
        Budget(
            10,
            None,
            None,
            book_epochs=10,
            ms_per_image=MEASURED_MS["ch04_mlp"],
            images_per_epoch=54000,
        ),
        Budget(6, 2000, 500),
    ),
    "ch04_experiments": (
        Budget(5, None, None, ms_per_image=MEASURED_MS["ch04_experiments"], images_per_epoch=54000),
        Budget(2, 1000, 500),
    ),
    # Chapter 05: schedules, checkpoints and early stopping on the same MLP.
    "ch05_mlp": (
        Budget(
            20,
            None,
            None,
            book_epochs=20,
            ms_per_image=MEASURED_MS["ch05_mlp"],
            images_per_epoch=54000,
        ),
        Budget(3, 1000, 300),
    ),
    # Chapter 06: the book's MNIST CNN: 3 of the book's 20 epochs, which a CPU can afford.
    "ch06_mnist_cnn": (
        Budget(
            3,
            None,
            None,
            book_epochs=20,
            ms_per_image=MEASURED_MS["ch06_mnist_cnn"],
            images_per_epoch=54000,
        ),
        Budget(1, 600, 300),
    ),
    # Chapter 06's shifted digits: chapter 04's MLP trained on the CNN's images for as many
    # epochs, then both tested on test digits shifted by 0-4 pixels (test_samples of them: the
    # CNN's predictions on 5 x 2,000 digits take about a minute on a CPU).
    "ch06_shifts": (Budget(3, None, 2000), Budget(1, None, 300)),
    # Chapter 07: the book's BN + augmentation CIFAR-10 network at the book's sizes in full mode
    # (45,000 training images after the validation split, 20 epochs: hours on a CPU); quick mode
    # trains a network a quarter as wide on a small subset, with the same code.
    "ch07_cifar": (
        Budget(
            20,
            None,
            None,
            book_epochs=20,
            ms_per_image=MEASURED_MS["ch07_cifar"],
            images_per_epoch=45000,
        ),
        Budget(1, 500, 200, width=0.25),
    ),
    # Chapter 08: the same small CIFAR-10 CNN with each of seven rectifiers (the cost is their
    # sum), and two ReLU networks showing dying units (learning rates 0.001 and 0.01); quick mode
    # trains narrower networks (models.cifar_rectifier_cnn's (32, 64) filters times width).
    "ch08_rectifiers": (
        Budget(
            2,
            None,
            None,
            ms_per_image=MEASURED_MS["ch08_rectifiers"],
            images_per_epoch=50000,
        ),
        Budget(1, 400, 200, width=0.25),
    ),
    "ch08_dying": (
        Budget(1, None, None, ms_per_image=MEASURED_MS["ch08_dying"], images_per_epoch=50000),
        Budget(1, 800, 200, width=0.5),
    ),
    # Chapter 09: plain against residual, two 8-block stacks of the same depth and weights at the
    # start (models.plain_vs_residual); and the architecture benchmark (benchmarks/
    # architectures.py: ``epochs`` counts timed repeats; full mode on a GPU also trains the
    # book's mini ResNet for the book's 20 epochs).
    "ch09_plain_residual": (
        Budget(
            3,
            None,
            None,
            ms_per_image=MEASURED_MS["ch09_plain_residual"],
            images_per_epoch=50000,
        ),
        Budget(1, 320, 200),
    ),
    "ch09_benchmark": (
        Budget(5, None, None, unit="repeat", book_epochs=20),
        Budget(1, 2000, 500, unit="repeat", book_epochs=1),
    ),
    # Chapter 11: the book's mini mobile network, its standard-convolution twin and the chapter-09
    # mini ResNet trained under one budget (benchmarks/efficiency.py; not in the notebook).
    "ch11_efficiency": (
        Budget(10, None, None),
        Budget(2, 2000, 1000),
    ),
    # Chapter 12: transfer learning on CIFAR-10's cats and dogs written as a folder of PNGs
    # (``load_cifar10`` sizes: a fifth of them are cats or dogs), then three classifiers: the
    # small CNN from scratch, a head on the course backbone's cached bottleneck features, and
    # fine-tuning of the backbone's top block. Full mode: 8,000 training images after the
    # validation split.
    "ch12_folders": (Budget(0, None, None), Budget(0, 2000, 500)),
    "ch12_scratch": (
        Budget(15, None, None, ms_per_image=MEASURED_MS["ch12_scratch"], images_per_epoch=8000),
        Budget(2, None, None),
    ),
    "ch12_features": (
        Budget(30, None, None, ms_per_image=MEASURED_MS["ch12_features"], images_per_epoch=8000),
        Budget(10, None, None),
    ),
    "ch12_fine_tune": (
        Budget(5, None, None, ms_per_image=MEASURED_MS["ch12_fine_tune"], images_per_epoch=8000),
        Budget(1, None, None),
    ),
    # Chapter 10: latency against MACs. No training: ``epochs`` counts the timed repeats
    # (``unit="repeat"``); keras.applications at 224x224 in full mode, 64x64 in quick mode.
    "ch10_latency": (
        Budget(5, None, None, unit="repeat", image_size=224),
        Budget(2, None, None, unit="repeat", image_size=64),
    ),
}


def is_quick() -> bool:
    """True when quick mode is on (``DEEPVISION_QUICK`` set to 1, true or yes)."""
    return os.environ.get(QUICK_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def mode_name() -> str:
    """``"quick"`` or ``"full"``."""
    return "quick" if is_quick() else "full"


def budget(name: str) -> Budget:
    """The budget of experiment ``name`` in the current mode.

    Raises:
        ValueError: ``name`` is not a known experiment.
    """
    if name not in BUDGETS:
        known = ", ".join(sorted(BUDGETS))
        raise ValueError(f"budget: unknown experiment {name!r}; expected one of: {known}")
    full, quick = BUDGETS[name]
    return quick if is_quick() else full


def data_dir() -> str | None:
    """The local data directory named by ``DEEPVISION_DATA_DIR``, or None when unset."""
    value = os.environ.get(DATA_ENV, "").strip()
    return value or None


def estimate(name: str, images: int | None = None, epochs: int | None = None) -> str:
    """What one full-mode run of experiment ``name`` costs on the reference CPU, in words.

    Args:
        name: A budgeted experiment with a measured cost.
        images: Training images per epoch (default: the budget's ``images_per_epoch``).
        epochs: Epochs (default: the full-mode budget's).

    Returns:
        A sentence such as "about 16 minutes on a 2-core CPU (5.80 ms per image per epoch,
        measured by benchmarks/training_costs.py)".
    """
    full = budget_for(name, "full")
    if full.ms_per_image is None:
        return "not measured yet (run benchmarks/training_costs.py)"
    images = full.images_per_epoch if images is None else images
    epochs = full.epochs if epochs is None else epochs
    seconds = full.ms_per_image * images * epochs / 1000
    return (
        f"about {in_words(seconds)} on a 2-core CPU ({full.ms_per_image:.2f} ms per image per "
        f"epoch, measured by benchmarks/training_costs.py)"
    )


def in_words(seconds: float) -> str:
    """A duration as a learner reads it: "40 seconds", "12 minutes", "13.7 hours"."""
    if seconds < 90:
        return f"{max(5, round(seconds / 5) * 5):.0f} seconds"
    if seconds < 90 * 60:
        return f"{round(seconds / 60):.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


def budget_for(name: str, mode: str) -> Budget:
    """The budget of experiment ``name`` in ``mode`` ("full" or "quick"), whatever mode is on."""
    if name not in BUDGETS:
        known = ", ".join(sorted(BUDGETS))
        raise ValueError(f"name: unknown experiment {name!r}; expected one of: {known}")
    if mode not in ("full", "quick"):
        raise ValueError(f"mode: expected 'full' or 'quick', got {mode!r}")
    return BUDGETS[name][mode == "quick"]


def announce(name: str, images: int, epochs: int) -> str:
    """Say, before a training cell starts, what it will cost; returns the line it printed.

    In full mode it gives :func:`estimate` for these ``images`` and ``epochs``; in quick mode it
    says the run is a quick one.

    Taught in: every chapter's first cell, "Quick mode and full mode".
    """
    if is_quick():
        line = f"quick mode: {epochs} epoch(s) on {images:,} images, a few seconds"
    else:
        line = (
            f"full mode: {epochs} epoch(s) on {images:,} images, "
            f"{estimate(name, images, epochs)}; Keras shows its progress below"
        )
    print(line)
    return line
