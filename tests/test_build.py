"""chapters/ is generated from solutions/: up to date, no outputs, no solution text."""

import json
import shutil

import pytest

from deepvision import build
from tests.notebooks import ROOT

pytestmark = pytest.mark.nbgrader


def test_chapters_match_a_fresh_generation_and_hold_no_solutions():
    assert build.problems(ROOT) == []


def test_the_check_catches_outputs_leaks_and_stale_copies(tmp_path):
    copy = tmp_path / "course"
    for part in ("solutions", "chapters", "autograder"):
        shutil.copytree(ROOT / part, copy / part)
    student = sorted((copy / "chapters").glob("ch01/*.ipynb"))[0]
    notebook = json.loads(student.read_text())
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    notebook["cells"].append(
        {
            "cell_type": "markdown",
            "metadata": {},
            "source": "### BEGIN SOLUTION\nleaked\n### END SOLUTION",
        }
    )
    student.write_text(json.dumps(notebook))
    found = "\n".join(build.problems(copy, ["ch01"]))  # one chapter regenerated is enough
    assert "has committed outputs" in found
    assert "contains 'BEGIN SOLUTION'" in found
    assert f"chapters/ch01/{student.name}: differs from solutions/ch01" in found
