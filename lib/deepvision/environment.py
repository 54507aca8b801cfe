"""The first cell of every notebook: prepare the environment and say what is on.

In Google Colab the notebook's first cell installs this package from :data:`REPO_URL` at
:data:`REPO_REF` (see :func:`install_spec`) and then calls :func:`prepare`, which enables Colab's
custom widget manager and reports whether a GPU is present. Elsewhere :func:`prepare` does nothing
slow: it does not import TensorFlow.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys

from deepvision import config

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


def prepare(chapter: str | None = None) -> dict:
    """Prepare a notebook and print one line per fact a learner should know.

    Args:
        chapter: The chapter id (``"ch01"``...), shown in the banner.

    Returns:
        A dict with ``mode`` ("quick" | "full"), ``colab``, ``gpu`` and ``data_dir``.

    Taught in: every chapter's first cell.
    """
    colab = in_colab()
    if colab:  # pragma: no cover - exercised in Colab only
        from google.colab import output

        output.enable_custom_widget_manager()
    info = {
        "mode": config.mode_name(),
        "colab": colab,
        "gpu": gpu_present(),
        "data_dir": config.data_dir(),
    }
    title = f"deepvision {chapter}" if chapter else "deepvision"
    if info["mode"] == "quick":
        mode = "QUICK mode (DEEPVISION_QUICK=1): small subsets and few epochs, for CI"
    else:
        mode = "full mode: real dataset sizes and the book's epochs"
    print(f"{title}: {mode}")
    where = "Google Colab (custom widget manager enabled)" if colab else "a local Jupyter kernel"
    print(f"  running in {where}; GPU: {'yes' if info['gpu'] else 'no, CPU only'}")
    if info["data_dir"]:
        print(f"  datasets are read from {info['data_dir']}")
    return info
