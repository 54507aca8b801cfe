"""The suite's tiers and shared fixtures.

Tiers (markers, see pyproject.toml): ``keras`` (imports TensorFlow/Keras), ``notebook``
(executes a notebook in a kernel), ``nbgrader`` (a real gradebook), ``browser`` (a real
JupyterLab in Chromium). ``make test-fast`` runs what is none of these, and must not import
TensorFlow at all: with ``DEEPVISION_NO_TENSORFLOW=1`` (which it sets) any import of tensorflow
or keras raises at once, naming the test, so a test that needs Keras cannot hide in the fast tier.
A test that needs Keras asks for the ``keras`` (or ``tf``) fixture and is marked ``keras``
automatically.
"""

import importlib
import importlib.abc
import os
import sys
from pathlib import Path

import matplotlib
import pytest

# Figures drawn by the tests themselves need no screen (tests/notebooks.py says how notebook
# kernels draw; the browser test's JupyterLab draws inline, as for a learner).
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

# The suite runs the course in quick mode on the real datasets when they are beside the repository.
os.environ.setdefault("DEEPVISION_QUICK", "1")
if SHARED_DATA.is_dir():
    os.environ.setdefault("DEEPVISION_DATA_DIR", str(SHARED_DATA))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

NO_TENSORFLOW = os.environ.get("DEEPVISION_NO_TENSORFLOW") == "1"
FORBIDDEN = ("tensorflow", "keras")


class TensorFlowForbidden(RuntimeError):
    """Raised when the fast tier imports TensorFlow or Keras (not an ImportError, so that no
    ``try: import keras`` nor ``pytest.importorskip`` can swallow it)."""


class _Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in FORBIDDEN:
            raise TensorFlowForbidden(
                f"the fast tier (make test-fast) imported {name!r}: a test that needs Keras asks "
                "for the `keras` fixture (which marks it `keras`), or is marked by hand"
            )
        return None


if NO_TENSORFLOW:
    sys.meta_path.insert(0, _Blocker())


#: Module-scoped fixtures that cost minutes (a graded batch of a whole class, four ImageNet-size
#: networks): every test that uses one runs on the same pytest-xdist worker, so the fixture is
#: built once, not once per worker (``make test`` runs ``-n 2 --dist loadgroup``).
SHARED_EXPENSIVE_FIXTURES = {"batch", "graded", "applications"}


def pytest_collection_modifyitems(config, items):
    """Tests that use the ``keras`` or ``tf`` fixture belong to the ``keras`` tier; tests that
    share an expensive module fixture share a worker."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if {"keras", "tf"} & names:
            item.add_marker(pytest.mark.keras)
        for fixture in sorted(SHARED_EXPENSIVE_FIXTURES & names):
            item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}.{fixture}"))
    if getattr(config.option, "loadgroup", False):  # a pytest-xdist worker under --dist loadgroup
        _keep_groups_together(items)


def _keep_groups_together(items):
    """Give each test in an ``xdist_group`` the ``@group`` suffix on its node id by which
    pytest-xdist's ``loadgroup`` scheduler keeps a group on one worker.

    pytest-xdist 3.8 writes that suffix to ``item._nodeid``, which pytest 9 no longer reads (a
    node id lives in ``item._id``): every group was split across the workers (two Colab
    simulations uninstalling each other's course, a class graded twice). This writes it where
    pytest reads it; tests/test_workers.py checks that it does.
    """
    try:
        from _pytest.nodeid import coerce_node_id
    except ImportError:  # pytest 8 and older: pytest-xdist's own suffix works
        return
    for item in items:
        groups = sorted(
            {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
             for mark in item.iter_markers("xdist_group")}
        )  # fmt: skip
        nodeid = item.nodeid
        if groups and nodeid.rfind("@") <= nodeid.rfind("]"):
            item._id = coerce_node_id(f"{nodeid}@{'_'.join(groups)}")


@pytest.fixture(scope="session")
def keras():
    """Keras 3 (imports TensorFlow): the test is in the ``keras`` tier."""
    return importlib.import_module("keras")


@pytest.fixture(scope="session")
def tf(keras):
    """TensorFlow: the test is in the ``keras`` tier."""
    return importlib.import_module("tensorflow")


@pytest.fixture(scope="session")
def data_dir():
    """The real datasets (../shared/data); tests that need them skip without them."""
    directory = os.environ.get("DEEPVISION_DATA_DIR")
    if not directory or not Path(directory).is_dir():
        pytest.skip("needs the real datasets: set DEEPVISION_DATA_DIR (CI uses ../shared/data)")
    return Path(directory)
