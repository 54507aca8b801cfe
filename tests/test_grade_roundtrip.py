"""The foundation's nbgrader round trip, with plain nbgrader and the course configuration.

Release ch01 in a temporary course, submit the solution notebook as one student and the untouched
student notebook as another, autograde: the first gets full marks, the second zero.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from deepvision import build

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[1]
NAME = "01_machine_learning_basics.ipynb"


def test_release_submit_autograde_round_trip(tmp_path):
    course, gradebook = tmp_path / "course", tmp_path / "gradebook.db"
    shutil.copytree(ROOT / "solutions" / "ch01", course / "solutions" / "ch01")
    result = build.nbgrader(["generate_assignment", "ch01"], course, gradebook, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    released = course / "chapters" / "ch01" / NAME
    assert released.exists()
    for student, source in (("solver", ROOT / "solutions" / "ch01" / NAME), ("idle", released)):
        folder = course / "submitted" / student / "ch01"
        folder.mkdir(parents=True)
        shutil.copyfile(source, folder / NAME)
    result = build.nbgrader(["autograde", "ch01"], course, gradebook, ROOT, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    with Gradebook(f"sqlite:///{gradebook}") as book:
        solver = book.find_submission("ch01", "solver")
        idle = book.find_submission("ch01", "idle")
        assert solver.max_score == idle.max_score == 11
        assert solver.score == 11
        assert idle.score == 0
        assert not [g.name for g in idle.notebooks[0].grades if g.auto_score is None]
