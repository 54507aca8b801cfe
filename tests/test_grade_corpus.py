"""The adversarial submission corpus, graded in one batch with honest submissions.

Every submission is made here from chapters/ch01 (the student notebook) and solutions/ch01 (the
reference answers) by a small transformation, laid out as nbgrader's ``submitted/`` folder, and
graded by ``python -m deepvision.grade autograde`` with short limits (15 s per cell, 60 s per
attempt, 1.5 GB per kernel). Each case asserts its status and its score; honest work keeps full
marks; the feedback never contains a hidden-test line; grading again changes nothing.
"""

from __future__ import annotations

import copy
import csv
import html
import json
import re
from pathlib import Path

import nbformat
import pytest

from deepvision.grade import cli, report
from deepvision.grade.hooks import hidden_lines

pytestmark = pytest.mark.nbgrader

ROOT = Path(__file__).resolve().parents[1]
NAME = "01_machine_learning_basics"
SOLUTION = ROOT / "solutions" / "ch01" / f"{NAME}.ipynb"
RELEASED = ROOT / "chapters" / "ch01" / f"{NAME}.ipynb"
POINTS = {"mse": 1, "softmax": 2, "cross_entropy": 2, "l2_penalty": 1,
          "gradient_descent_step": 1, "train_linear_regression": 3, "choose_learning_rate": 1}
FULL = float(sum(POINTS.values()))
LIMITS = ["--cell-timeout", "15", "--timeout", "60", "--memory", "1.5G", "--retries", "2"]
WRONG_SOFTMAX = "def softmax(scores):\n    return np.asarray(scores, dtype=float)\n"


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _solved(exercises=tuple(POINTS)):
    """The student notebook with the reference answer in the solution cells of ``exercises``."""
    notebook = nbformat.read(str(RELEASED), as_version=4)
    answers = {_grade_id(c): c.source for c in nbformat.read(str(SOLUTION), as_version=4).cells}
    for cell in notebook.cells:
        if _grade_id(cell) in exercises:
            cell.source = answers[_grade_id(cell)]
    return notebook


def _index(notebook, grade_id):
    return next(i for i, c in enumerate(notebook.cells) if _grade_id(c) == grade_id)


def _insert_after(notebook, grade_id, source):
    notebook.cells.insert(_index(notebook, grade_id) + 1, nbformat.v4.new_code_cell(source))
    return notebook


def _wrong_softmax(notebook, extra=""):
    """Every answer right except softmax (returns the scores), plus ``extra`` code after it."""
    notebook.cells[_index(notebook, "softmax")].source = WRONG_SOFTMAX + extra
    return notebook


def _cases():
    """``{student: (file name or None, notebook or raw bytes, status, score)}``."""
    truncated = nbformat.writes(_solved()).encode()
    edited = _wrong_softmax(_solved())
    edited.cells[_index(edited, "softmax_test")].source = "assert True"
    deleted = _solved()
    del deleted.cells[_index(deleted, "softmax_test")]
    return {
        "honest": (None, nbformat.read(str(SOLUTION), as_version=4), "graded", FULL),
        "partial": (None, _solved(("mse", "softmax")), "graded", 3.0),
        "untouched": (None, nbformat.read(str(RELEASED), as_version=4), "graded", 0.0),
        "infinite_loop": (None, _insert_after(_solved(), "mse", "while True:\n    pass"),
                          "attention", FULL),
        "sigint_loop": (None, _insert_after(_solved(), "mse", (
            "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
            "    except KeyboardInterrupt:\n        pass")), "attention", FULL),
        "memory_bomb": (None, _insert_after(_solved(), "softmax",
                                            "huge = np.ones(400_000_000)  # 3.2 GB"),
                        "attention", FULL),
        "os_exit": (None, _insert_after(_solved(), "softmax", "import os\nos._exit(1)"),
                    "attention", FULL),
        "sys_exit": (None, _insert_after(_solved(), "softmax", "import sys\nsys.exit(3)"),
                     "attention", FULL),
        "killed_kernel": (None, _insert_after(_solved(), "cross_entropy", (
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")), "attention", FULL),
        "truncated": (None, truncated[: len(truncated) // 2], "unreadable", 0.0),
        "empty": (None, b"", "unreadable", 0.0),
        "wrong_name": ("homework (1).ipynb", _solved(), "attention", FULL),
        "deleted_test": (None, deleted, "attention", FULL),
        "edited_test": (None, edited, "attention", FULL - 2),
        "big_output": (None, _insert_after(_solved(), "mse", (
            "print('x' * 5_000_000)\nfor i in range(20_000):\n    print(i, 'line of output')")),
            "graded", FULL),
        "monkeypatch": (None, _wrong_softmax(_solved(), (
            "\nimport deepvision\nchecks.check_softmax = lambda f: True\n"
            "deepvision.checks.ch01.check_softmax = lambda f: True\n"
            "deepvision.checks._core.run.__code__ = (lambda name, cases: True).__code__\n"
            "np.allclose = lambda *args, **kwargs: True\n")), "attention", FULL - 2),
        "rebind_names": (None, _wrong_softmax(_solved(), (
            "\nimport types\nchecks = types.SimpleNamespace(check_softmax=lambda f: True)\n"
            "np = types.SimpleNamespace(allclose=lambda *a, **k: True)\n")),
            "attention", FULL - 2),
        "builtins": (None, _wrong_softmax(_solved(), (
            "\nimport builtins\nbuiltins.bool = lambda value=False: True\n")),
            "attention", FULL - 2),
        "ipython_hooks": (None, _wrong_softmax(_solved(), (
            "\nget_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)\n")),
            "attention", FULL - 2),
        "input_transformer": (None, _wrong_softmax(_solved(), (
            "\nget_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])\n")),
            "attention", 1.0),
        "exfiltrate": (None, _insert_after(nbformat.read(str(SOLUTION), as_version=4),
                                           "train_linear_regression_test",
                                           "print('\\n'.join(_ih))"), "attention", FULL),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    submitted = course / "submitted"
    cases = _cases()
    for student, (name, content, _, _) in cases.items():
        folder = submitted / student / "ch01"
        folder.mkdir(parents=True)
        path = folder / (name or f"{NAME}.ipynb")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            nbformat.write(content, str(path))
    code = cli.main(["autograde", "ch01", "--course", str(course), "--workers", "2", *LIMITS])
    assert code == 0
    records = {r["student"]: r for r in report.read_records(course, ["ch01"])}
    return course, cases, records


@pytest.mark.parametrize("student", list(_cases()))
def test_each_submission_gets_its_status_and_score(graded, student):
    _, cases, records = graded
    _, _, status, score = cases[student]
    record = records[student]
    assert (record["status"], record["score"]) == (status, score), record
    assert record["max_score"] == FULL
    if status == "attention":
        assert record["notes"], "a submission that needs attention must say why"


@pytest.mark.parametrize("student,words", [
    ("infinite_loop", "per-cell time limit"),
    ("sigint_loop", "time limit: skipped"),
    ("memory_bomb", "memory limit"),
    ("os_exit", "killed the grading kernel"),
    ("killed_kernel", "killed the grading kernel"),
    ("sys_exit", "exits the interpreter"),
    ("wrong_name", "graded as"),
    ("deleted_test", "'softmax_test' was deleted"),
    ("edited_test", "'softmax_test' was edited"),
    ("monkeypatch", "deepvision.checks.ch01.check_softmax"),
    ("monkeypatch", "deepvision.checks._core.run.__code__"),
    ("rebind_names", "notebook name 'checks'"),
    ("builtins", "builtins.bool"),
    ("ipython_hooks", "custom exception handler"),
    ("input_transformer", "did not run"),
    ("exfiltrate", "reads cell history"),
])
def test_notes_say_what_happened(graded, student, words):
    _, _, records = graded
    assert any(words in note for note in records[student]["notes"]), records[student]["notes"]


def test_unreadable_files_are_explained(graded):
    _, _, records = graded
    assert "empty file" in records["empty"]["reason"]
    assert "not valid notebook JSON" in records["truncated"]["reason"]


def test_feedback_never_shows_hidden_tests(graded):
    course, _, records = graded
    solution = nbformat.read(str(SOLUTION), as_version=4)
    secrets = [line for cell in solution.cells for line in hidden_lines(cell.source)]
    assert len(secrets) >= 10
    pages = sorted((course / "feedback").glob("*/ch01/*.html"))
    graded_students = [s for s, r in records.items() if r["status"] != "unreadable"]
    assert len(pages) == len(graded_students)
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        leaked = [line for line in secrets if line in text]
        assert not leaked, f"{page}: {leaked[:2]}"
        assert "BEGIN HIDDEN TESTS" not in text


def test_exports_list_every_exercise_and_every_problem(graded):
    course, cases, records = graded
    with open(course / "grading" / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(cases) * len(POINTS)
    honest = {r["exercise"]: float(r["score"]) for r in rows if r["student"] == "honest"}
    assert honest == {f"{name}_test": float(points) for name, points in POINTS.items()}
    transformer = {r["exercise"]: r for r in rows if r["student"] == "input_transformer"}
    assert transformer["softmax_test"]["needs_manual_grade"] == "True"
    with open(course / "grading" / "attention.csv") as handle:
        attention = {r["student"] for r in csv.DictReader(handle)}
    assert attention == {s for s, r in records.items() if r["status"] != "graded"}


def test_grading_again_loses_and_doubles_nothing(graded, tmp_path):
    course, _, records = graded
    again = tmp_path / "again"
    for student in ("honest", "partial"):
        source = course / "submitted" / student / "ch01"
        (again / student / "ch01").mkdir(parents=True)
        for path in source.iterdir():
            (again / student / "ch01" / path.name).write_bytes(path.read_bytes())
    before = (course / "grading" / "grades.csv").read_text()
    code = cli.main(["autograde", "ch01", "--course", str(course), "--submissions", str(again),
                     "--force", "--no-feedback", "--workers", "2", *LIMITS])
    assert code == 0
    assert (course / "grading" / "grades.csv").read_text() == before
    rerun = {r["student"]: r for r in report.read_records(course, ["ch01"])}
    assert rerun["honest"]["score"] == FULL and rerun["partial"]["score"] == 3.0
    assert json.loads(json.dumps(rerun["untouched"])) == records["untouched"]
    assert copy.deepcopy(len(rerun)) == len(records)
