"""The first cell of every notebook: prepare the environment and say what is on.

In Google Colab the notebook's first cell installs this package from :data:`REPO_URL` at
:data:`REPO_REF` (see :func:`install_spec`) and then calls :func:`prepare`, which enables Colab's
custom widget manager and reports whether a GPU is present. Everywhere :func:`prepare` also
quiets TensorFlow's C++ start-up lines (:func:`quiet_tensorflow`) before anything imports it,
and remembers the chapter (for ``checks.hint``). It does nothing slow: it does not import
TensorFlow.

On a Python, TensorFlow or Keras older than the course supports (:data:`MIN_PYTHON`,
:data:`MIN_TENSORFLOW`, :data:`MIN_KERAS`; pyproject.toml requires the same) the first cell stops
with :class:`UnsupportedEnvironment`: one sentence saying what to install, not a traceback from
inside Keras. Python is checked when the package is imported, TensorFlow and Keras by
:func:`prepare`, from their installed metadata (without importing them).
"""

from __future__ import annotations

import importlib.abc
import importlib.metadata
import importlib.util
import os
import re
import shutil
import sys

#: The oldest Python, TensorFlow and Keras the course runs on (pyproject.toml's
#: ``requires-python`` and dependencies say the same; tests/test_environment.py checks it).
MIN_PYTHON = (3, 10)
MIN_TENSORFLOW = (2, 16)
MIN_KERAS = (3, 0)
#: The distributions that provide the ``tensorflow`` module, in the order they are looked for.
TENSORFLOW_DISTRIBUTIONS = (
    "tensorflow",
    "tensorflow-cpu",
    "tensorflow-macos",
    "tensorflow-intel",
    "tf-nightly",
)
INSTALL_HINT = 'pip install -U "tensorflow>=2.16" "keras>=3"'


class UnsupportedEnvironment(RuntimeError):
    """The environment is too old for the course; the message says what to install.

    IPython shows only the message (``_render_traceback_``), so the first cell stops with one
    sentence instead of a traceback.
    """

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


def _version_tuple(text):
    match = re.match(r"(\d+)\.(\d+)", text or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def _dotted(version):
    return ".".join(str(part) for part in version)


def python_problem(version=None):
    """The sentence to show when ``version`` (default: this Python) is too old, else None."""
    version = tuple(sys.version_info[:3]) if version is None else tuple(version)
    if version[:2] >= MIN_PYTHON:
        return None
    return (
        f"This course needs Python {_dotted(MIN_PYTHON)} or newer and this kernel runs Python "
        f"{_dotted(version)}: install a newer Python (or use Google Colab or Binder, which have "
        "one) and open the notebook in a kernel that uses it."
    )


def installed_version(*names):
    """The installed version of the first of the distributions ``names`` found, else None."""
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return None


def keras_problem(tensorflow_version=None, keras_version=None):
    """The sentence to show when TensorFlow or Keras is too old for the course, else None.

    Both default to what is installed (read from the packages' metadata: nothing is imported).
    TensorFlow below 2.16 brings Keras 2 (``tf.keras``); the course is written for Keras 3. A
    missing package is not reported here: the package's own dependencies install both.
    """
    if tensorflow_version is None:
        tensorflow_version = installed_version(*TENSORFLOW_DISTRIBUTIONS)
    if keras_version is None:
        keras_version = installed_version("keras")
    tensorflow = _version_tuple(tensorflow_version)
    keras = _version_tuple(keras_version)
    if tensorflow is not None and tensorflow < MIN_TENSORFLOW:
        keras_text = f" with Keras {keras_version}" if keras_version else ""
        return (
            f"This course needs TensorFlow {_dotted(MIN_TENSORFLOW)} or newer with Keras 3 and "
            f"this environment has TensorFlow {tensorflow_version}{keras_text}: install them "
            f"with `{INSTALL_HINT}`, then restart the kernel."
        )
    if keras is not None and keras < MIN_KERAS:
        return (
            f"This course needs Keras {_dotted(MIN_KERAS)} or newer and this environment has "
            f"Keras {keras_version}: install it with `{INSTALL_HINT}`, then restart the kernel."
        )
    return None


if python_problem() is not None:  # before anything below needs a newer Python
    raise UnsupportedEnvironment(python_problem())

from deepvision import config  # noqa: E402 - after the Python check

#: Where Colab installs the course package from. Defined here once; a test checks that every
#: notebook's first cell uses exactly :func:`install_spec`.
REPO_URL = "https://github.com/deepvision-course/deepvision"
#: The git ref (branch or tag) that Colab installs.
REPO_REF = "main"


def install_spec() -> str:
    """The pip requirement that installs this package from the repository."""
    return f"deepvision @ git+{REPO_URL}@{REPO_REF}"


def setup_cell(chapter: str) -> str:
    """The exact source of every notebook's first code cell (tests hold the notebooks to it).

    It cannot be a bare call into this package, because on Colab the package is not installed
    yet: it installs it from :func:`install_spec` there, then calls :func:`prepare`.
    """
    return (
        "# Set up this notebook. On Colab this first installs the course package from its "
        "repository.\n"
        "import importlib.util\n"
        "import sys\n"
        "\n"
        'if "google.colab" in sys.modules and importlib.util.find_spec("deepvision") is None:\n'
        f'    %pip install -q "{install_spec()}"\n'
        "import deepvision\n"
        "\n"
        f'deepvision.prepare("{chapter}")'
    )


def colab_url(notebook_path: str) -> str:
    """Open-in-Colab address of a notebook, given its path inside the repository."""
    return f"https://colab.research.google.com/github/{_slug()}/blob/{REPO_REF}/{notebook_path}"


def binder_url(notebook_path: str) -> str:
    """Binder address that opens a notebook in JupyterLab, given its path in the repository."""
    return f"https://mybinder.org/v2/gh/{_slug()}/{REPO_REF}?urlpath=lab/tree/{notebook_path}"


def _slug() -> str:
    return REPO_URL.removeprefix("https://github.com/")


def in_colab() -> bool:
    """True inside a Google Colab kernel."""
    return "google.colab" in sys.modules or importlib.util.find_spec("google.colab") is not None


def gpu_present() -> bool:
    """Whether an NVIDIA GPU is visible, without importing TensorFlow."""
    return shutil.which("nvidia-smi") is not None or os.path.exists("/proc/driver/nvidia/version")


#: What :func:`prepare` remembers. A dict changed in place, never rebound: the grader's tamper
#: guard (deepvision.grade.guard) reports any module attribute that a cell rebinds.
_STATE: dict = {"chapter": None}


class PreparedEnvironment(dict):
    """What :func:`prepare` found (``mode``, ``colab``, ``gpu``, ``data_dir``).

    A notebook shows nothing for it under the first cell (the banner already said it all).
    """

    def _ipython_display_(self):
        return None


def current_chapter() -> str | None:
    """The chapter the notebook prepared (``"ch01"``...), or None before :func:`prepare`."""
    return _STATE["chapter"]


#: Environment TensorFlow reads when it loads: only errors from its C++ logging.
TENSORFLOW_QUIET_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3"}


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """Runs the first ``import tensorflow`` with the process's stderr (fd 2) sent to /dev/null.

    TensorFlow's C++ libraries print a few lines when they load, before its own logging is set
    up ("All log messages before absl::InitializeLog() ...", "Could not find cuda drivers",
    oneDNN notices); no environment variable silences them. They go straight to file descriptor
    2, which Jupyter shows under the first cell that imports Keras and in every feedback page.
    Python's own errors are unaffected: they travel through ``sys.stderr``, and an import error is
    raised as usual.
    """

    busy = False

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow" or self.busy or "tensorflow" in sys.modules:
            return None
        self.busy = True
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self.busy = False
        if spec is None or spec.loader is None:
            return None
        loader = spec.loader
        exec_module = loader.exec_module

        def quiet_exec_module(module):
            with _stderr_to_devnull():
                exec_module(module)

        loader.exec_module = quiet_exec_module
        return spec


class _stderr_to_devnull:
    def __enter__(self):
        try:
            sys.stderr.flush()
            self.saved = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        except OSError:  # no file descriptor 2 to redirect: nothing to quiet
            self.saved = None
        return self

    def __exit__(self, *exc):
        if self.saved is not None:
            os.dup2(self.saved, 2)
            os.close(self.saved)
        return False


def quiet_tensorflow() -> bool:
    """Quiet TensorFlow's start-up noise, if it is not imported yet; True when it is set up.

    Sets :data:`TENSORFLOW_QUIET_ENV` (unless already set) and installs a one-shot import hook
    (:class:`_QuietTensorFlowImport`). Safe to call twice.
    """
    for key, value in TENSORFLOW_QUIET_ENV.items():
        os.environ.setdefault(key, value)
    if "tensorflow" in sys.modules:
        return False
    if not any(isinstance(finder, _QuietTensorFlowImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowImport())
    return True


def full_mode_summary(chapter: str | None) -> str:
    """What full mode does in ``chapter``: the epochs of its experiments against the book's."""
    parts = []
    for name, (full, _quick) in config.BUDGETS.items():
        if not chapter or not name.startswith(f"{chapter}_"):
            continue
        text = f"{name} trains {full.epochs} {full.unit}(s)"
        if full.book_epochs is not None and full.book_epochs != full.epochs:
            text += f" (the book: {full.book_epochs})"
        elif full.book_epochs is not None:
            text += " (as the book)"
        parts.append(text)
    return "the whole datasets" + ("; " + ", ".join(parts) if parts else "")


def prepare(chapter: str | None = None) -> dict:
    """Prepare a notebook and print one line per fact a learner should know.

    Args:
        chapter: The chapter id (``"ch01"``...), shown in the banner.

    Returns:
        A :class:`PreparedEnvironment`, a dict with ``mode`` ("quick" | "full"), ``colab``,
        ``gpu`` and ``data_dir``, which a notebook does not display.

    Raises:
        UnsupportedEnvironment: TensorFlow older than 2.16 or Keras older than 3 is installed.

    Taught in: every chapter's first cell.
    """
    problem = keras_problem()
    if problem is not None:
        raise UnsupportedEnvironment(problem)
    if chapter is not None:
        _STATE["chapter"] = chapter
    quiet_tensorflow()
    colab = in_colab()
    if colab:  # pragma: no cover - exercised in Colab only
        from google.colab import output

        output.enable_custom_widget_manager()
    info = PreparedEnvironment(
        mode=config.mode_name(), colab=colab, gpu=gpu_present(), data_dir=config.data_dir()
    )
    title = f"deepvision {chapter}" if chapter else "deepvision"
    if info["mode"] == "quick":
        mode = "QUICK mode (DEEPVISION_QUICK=1): small subsets and few epochs, for CI"
    else:
        mode = f"full mode: {full_mode_summary(chapter)}"
    print(f"{title}: {mode}")
    where = "Google Colab (custom widget manager enabled)" if colab else "a local Jupyter kernel"
    print(f"  running in {where}; GPU: {'yes' if info['gpu'] else 'no, CPU only'}")
    if info["data_dir"]:
        print(f"  datasets are read from {info['data_dir']}")
    return info
