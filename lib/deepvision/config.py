"""Quick mode and full mode: the one place that decides how big each experiment is.

A learner runs the course in **full mode** (the default): the real dataset sizes and the epochs
the book uses. CI runs it in **quick mode** (``DEEPVISION_QUICK=1``): the same code on small,
deterministic subsets, so every notebook executes in seconds. Notebooks never write sizes of
their own; they ask :func:`budget` for them.

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
    """

    epochs: int
    train_samples: int | None
    test_samples: int | None


# name -> (full mode, quick mode). Add an experiment here, never in a notebook.
BUDGETS: dict[str, tuple[Budget, Budget]] = {
    # Dataset subsets used when a loader is called without explicit sizes.
    "mnist": (Budget(0, None, None), Budget(0, 2000, 500)),
    "cifar10": (Budget(0, None, None), Budget(0, 1000, 200)),
    # Chapter 01: linear regression by gradient descent (steps, not epochs).
    "ch01_linear_regression": (Budget(500, 200, None), Budget(200, 200, None)),
    # Chapter 03: the from-scratch numpy MLP on MNIST (epochs, train and test images).
    "ch03_numpy_mlp": (Budget(5, None, None), Budget(4, 2000, 500)),
    # Chapter 04: the book's MLP on MNIST (the graded run), and the "do better" experiment.
    "ch04_mlp": (Budget(10, None, None), Budget(6, 2000, 500)),
    "ch04_experiments": (Budget(5, None, None), Budget(2, 1000, 500)),
    # Chapter 05: schedules, checkpoints and early stopping on the same MLP.
    "ch05_mlp": (Budget(20, None, None), Budget(3, 1000, 300)),
    # Chapter 06: the book's MNIST CNN (epochs, train and test images).
    "ch06_mnist_cnn": (Budget(3, None, None), Budget(1, 600, 300)),
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
