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
