"""The first cells of every notebook, and prepare()."""

import json
import re
import subprocess
import sys

import pytest

from deepvision import environment
from tests.notebooks import ROOT, solution_notebooks, student_notebooks

NOTEBOOKS = solution_notebooks() + student_notebooks()


def _cells(path):
    return json.loads(path.read_text())["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_code_cell_installs_from_the_configured_repository_and_prepares(path):
    first = next(c for c in _cells(path) if c["cell_type"] == "code")
    source = "".join(first["source"])
    assert source == environment.setup_cell(path.parent.name)
    assert f'%pip install -q "{environment.install_spec()}"' in source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_first_markdown_cell_has_colab_and_binder_badges_for_the_student_copy(path):
    first = next(c for c in _cells(path) if c["cell_type"] == "markdown")
    text = "".join(first["source"])
    student_path = f"chapters/{path.parent.name}/{path.name}"
    assert environment.colab_url(student_path) in text
    assert environment.binder_url(student_path) in text
    assert re.match(r"# Chapter \d\d · ", text)


def test_prepare_reports_the_mode_without_importing_tensorflow(tmp_path):
    code = (
        "import sys, deepvision\n"
        "info = deepvision.prepare('ch01')\n"
        "print('TF', 'tensorflow' in sys.modules, info['mode'], info['colab'])\n"
    )
    for quick, mode in (("1", "QUICK mode"), ("0", "full mode")):
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env={"DEEPVISION_QUICK": quick, "PATH": "/usr/bin:/bin"},
        )
        assert result.returncode == 0, result.stderr
        assert f"deepvision ch01: {mode}" in result.stdout
        assert "TF False" in result.stdout and "False" in result.stdout.split("TF")[-1]


def test_urls_are_built_from_one_place():
    assert environment.install_spec() == (
        f"deepvision @ git+{environment.REPO_URL}@{environment.REPO_REF}"
    )
    assert environment.colab_url("chapters/ch01/x.ipynb").endswith(
        f"/blob/{environment.REPO_REF}/chapters/ch01/x.ipynb"
    )


def test_prepare_says_what_full_mode_does_in_each_chapter(monkeypatch, capsys):
    monkeypatch.setenv("DEEPVISION_QUICK", "0")
    environment.prepare("ch06")
    banner = capsys.readouterr().out.splitlines()[0]
    assert banner.startswith("deepvision ch06: full mode: the whole datasets; ")
    assert "ch06_mnist_cnn trains 3 epoch(s) (the book: 20)" in banner
    environment.prepare("ch04")
    assert "ch04_mlp trains 10 epoch(s) (as the book)" in capsys.readouterr().out
    environment.prepare("ch02")
    assert "ch02: full mode: the whole datasets\n" in capsys.readouterr().out
    assert environment.current_chapter() == "ch02"


@pytest.mark.keras
def test_tensorflow_starts_quietly_after_prepare():
    """TensorFlow's C++ start-up lines (absl, CUDA, oneDNN) never reach a notebook's output."""
    code = (
        "import deepvision\n"
        "deepvision.prepare('ch04')\n"
        "import tensorflow as tf\n"
        "print(float(tf.reduce_sum(tf.ones(3))))\n"
    )
    quiet = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.strip().endswith("3.0")
    for noise in ("absl::InitializeLog", "cuda drivers", "cuInit", "oneDNN"):
        assert noise not in quiet.stderr, quiet.stderr
    # without prepare() the same import is noisy here: the test would see it
    loud = subprocess.run(
        [sys.executable, "-c", "import tensorflow"],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert "absl::InitializeLog" in loud.stderr or "cuda" in loud.stderr.lower()


def test_an_import_error_inside_tensorflow_still_reaches_the_learner(tmp_path):
    fake = tmp_path / "tensorflow"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('broken tensorflow install')\n")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "import deepvision; deepvision.environment.quiet_tensorflow()\n"
        "import tensorflow\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 1 and "broken tensorflow install" in result.stderr


def test_the_first_cell_shows_the_banner_and_not_a_dict(monkeypatch, capsys):
    monkeypatch.setenv("DEEPVISION_QUICK", "0")
    info = environment.prepare("ch01")
    assert info["mode"] == "full" and info._ipython_display_() is None  # IPython shows nothing
    assert "ch01_linear_regression trains 500 step(s)" in capsys.readouterr().out


def _old_tensorflow(directory, tensorflow="2.15.0", keras="2.15.0"):
    """A directory that, first on ``sys.path``, looks like an old TensorFlow install: the
    ``tensorflow`` module and the dist-info metadata pip leaves (what prepare() reads)."""
    (directory / "tensorflow").mkdir()
    (directory / "tensorflow" / "__init__.py").write_text(f'__version__ = "{tensorflow}"\n')
    for name, version in (("tensorflow", tensorflow), ("keras", keras)):
        info = directory / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return directory


def _run_first_cell(tmp_path, chapter="ch04"):
    """Run a notebook's exact first cell in a real IPython shell, as Jupyter does."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "from deepvision import environment\n"
        "shell = InteractiveShell.instance()\n"
        f"result = shell.run_cell(environment.setup_cell({chapter!r}))\n"
        "print('RAISED', type(result.error_in_exec).__name__)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "DEEPVISION_QUICK": "1"},
    )


@pytest.mark.parametrize(
    "tensorflow, keras, says",
    [
        ("2.15.0", "2.15.0", "TensorFlow 2.15.0 with Keras 2.15.0"),
        ("2.12.1", "2.12.0", "TensorFlow 2.12.1 with Keras 2.12.0"),
        ("2.17.0", "2.15.0", "Keras 2.15.0"),
    ],
)
def test_an_old_tensorflow_stops_the_first_cell_with_one_sentence(
    tmp_path, tensorflow, keras, says
):
    result = _run_first_cell(_old_tensorflow(tmp_path, tensorflow, keras))
    assert result.returncode == 0, result.stderr
    shown = result.stdout.replace("RAISED UnsupportedEnvironment", "").strip()
    assert "RAISED UnsupportedEnvironment" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert shown.count("\n") == 0 and shown.count(". ") == 0, shown  # one line, one sentence
    assert says in shown and environment.INSTALL_HINT in shown and shown.endswith("kernel.")
    assert "deepvision ch04" not in shown  # stopped before the banner


def test_the_installed_tensorflow_and_keras_pass_the_check():
    assert environment.keras_problem() is None
    assert environment.keras_problem("2.16.1", "3.0.0") is None
    assert environment.keras_problem("2.20.0", "3.13.2") is None  # Colab's, August 2026


def test_an_old_python_gets_one_sentence_and_a_supported_one_none():
    sentence = environment.python_problem((3, 9, 18))
    assert sentence.startswith("This course needs Python 3.10 or newer")
    assert "Python 3.9.18" in sentence and sentence.count(". ") == 0
    assert environment.python_problem((3, 10, 0)) is None
    assert environment.python_problem((3, 13, 5)) is None
    assert environment.python_problem() is None


def test_the_minimum_versions_are_the_packages_own():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=" + ".".join(map(str, environment.MIN_PYTHON))
    dependencies = project["dependencies"]
    assert "tensorflow>=" + ".".join(map(str, environment.MIN_TENSORFLOW)) in dependencies
    assert f"keras>={environment.MIN_KERAS[0]}.{environment.MIN_KERAS[1]}" in dependencies
