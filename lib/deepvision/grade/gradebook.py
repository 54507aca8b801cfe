"""The instructor's gradebook: register chapters, merge graded submissions, read grades back.

Submissions are graded in scratch courses, each with its own copy of the gradebook, so that
parallel nbgrader processes never write the same SQLite file. Only the grader's main thread
writes the real gradebook, through nbgrader's own API (:class:`nbgrader.api.Gradebook`): one
short transaction per submission. A merge overwrites the automatic scores of that student's
submission and keeps any manual scores the instructor entered, so grading twice neither loses
nor double-counts a grade.

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook as _Gradebook
from nbgrader.api import MissingEntry
from sqlalchemy.exc import SAWarning

from deepvision import build
from deepvision.grade import submissions as subs
from deepvision.grade.hooks import hidden_lines


@dataclass
class ChapterInfo:
    """What the grader needs to know about one chapter."""

    chapter: str
    notebook_name: str
    released: object  # the student notebook nbgrader releases
    names: dict  # import names for the guard
    hidden_file: Path  # JSON list of hidden-test lines (for feedback redaction)
    hidden: list
    accepted: dict  # grade_id -> the instructor's source of that cell (not an edit)


@contextlib.contextmanager
def Gradebook(db_url):  # noqa: N802 (stands in for nbgrader's class)
    """nbgrader's Gradebook, without the SQLAlchemy warnings its own code triggers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        with _Gradebook(db_url) as book:
            yield book


def url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def register_chapters(repo: Path, chapters: list[str], main_db: Path, run_root: Path) -> dict:
    """Run ``nbgrader generate_assignment`` for ``chapters`` into the main gradebook.

    Runs in a scratch copy of ``solutions/`` (the repository's ``chapters/`` is not rewritten).
    Idempotent: regenerating an unchanged chapter leaves submissions and grades as they are.

    Returns:
        ``{chapter: ChapterInfo}``.
    """
    infos = {}
    with tempfile.TemporaryDirectory(prefix="deepvision-register-") as scratch:
        scratch = Path(scratch)
        for chapter in chapters:
            source = repo / "solutions" / chapter
            notebooks = sorted(source.glob("*.ipynb"))
            if len(notebooks) != 1:
                raise ValueError(f"chapter: solutions/{chapter} should hold exactly one notebook, "
                                 f"found {len(notebooks)}")
            shutil.copytree(source, scratch / "solutions" / chapter)
            code, log = build.generate_assignment(chapter, scratch, main_db, repo)
            if code != 0:
                raise RuntimeError(f"nbgrader generate_assignment {chapter} failed:\n"
                                   f"{log[-4000:]}")
            released = nbformat.read(
                str(scratch / "chapters" / chapter / notebooks[0].name), as_version=4
            )
            solution = nbformat.read(str(notebooks[0]), as_version=4)
            hidden = [line for cell in solution.cells for line in hidden_lines(cell.source)]
            hidden_file = run_root / f"hidden-{chapter}.json"
            hidden_file.write_text(json.dumps(hidden))
            accepted = {subs.nbgrader_meta(c)["grade_id"]: {c.source} for c in solution.cells
                        if subs.nbgrader_meta(c).get("grade_id")}
            infos[chapter] = ChapterInfo(chapter, notebooks[0].stem, released,
                                         subs.import_names(solution), hidden_file, hidden,
                                         accepted)
    return infos


def snapshot(main_db: Path, target: Path) -> Path:
    """A consistent copy of the gradebook (SQLite backup API), used as each scratch's template."""
    source = sqlite3.connect(str(main_db))
    destination = sqlite3.connect(str(target))
    with destination:
        source.backup(destination)
    source.close()
    destination.close()
    return target


def distrust(db: Path, chapter: str, student: str, grade_ids: list[str]) -> None:
    """Score 0 and put on nbgrader's manual-grading list the graded cells ``grade_ids``.

    Used for graded cells whose tamper guard did not run: their pass means nothing.
    """
    with Gradebook(url(db)) as book:
        submission = book.find_submission(chapter, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.name in grade_ids:
                    grade.auto_score, grade.needs_manual_grade = 0.0, True
        book.db.commit()


def read_submission(scratch_db: Path, chapter: str, student: str) -> dict:
    """One student's automatic grades for ``chapter`` in a scratch gradebook, as plain data.

    What a worker sends back to the coordinator (picklable): the submission's timestamp and, per
    notebook, its late penalty, ``(grade name, auto score, needs manual grade)`` of each graded
    cell and ``(comment name, auto comment)`` of each comment.
    """
    with Gradebook(url(scratch_db)) as scratch:
        graded = scratch.find_submission(chapter, student)
        return {
            "timestamp": graded.timestamp,
            "notebooks": [{
                "name": notebook.name,
                "late_submission_penalty": notebook.late_submission_penalty,
                "grades": [(g.name, g.auto_score, g.needs_manual_grade) for g in notebook.grades],
                "comments": [(c.name, c.auto_comment) for c in notebook.comments],
            } for notebook in graded.notebooks],
        }


def apply(main_db: Path, chapter: str, student: str, grades: dict) -> None:
    """Write ``grades`` (from :func:`read_submission`) into the main gradebook: one transaction.

    Overwrites that submission's automatic scores and keeps the manual ones.
    """
    with Gradebook(url(main_db)) as main:
        main.update_or_create_student(student)
        main.update_or_create_submission(chapter, student, timestamp=grades["timestamp"])
        for notebook in grades["notebooks"]:
            target = main.find_submission_notebook(notebook["name"], chapter, student)
            target.late_submission_penalty = notebook["late_submission_penalty"]
            for name, auto_score, needs_manual_grade in notebook["grades"]:
                mine = main.find_grade(name, notebook["name"], chapter, student)
                mine.auto_score = auto_score
                if mine.manual_score is None:
                    mine.needs_manual_grade = needs_manual_grade
            for name, auto_comment in notebook["comments"]:
                mine = main.find_comment(name, notebook["name"], chapter, student)
                mine.auto_comment = auto_comment
        main.db.commit()


def merge(main_db: Path, scratch_db: Path, chapter: str, student: str) -> None:
    """Copy one student's automatic grades for ``chapter`` from a scratch gradebook."""
    apply(main_db, chapter, student, read_submission(scratch_db, chapter, student))


def record_zero(main_db: Path, chapter: str, student: str, needs_manual_grade: bool) -> None:
    """Record a submission that could not be run: every automatic score 0.

    ``needs_manual_grade`` puts it on nbgrader's manual-grading list as well.
    """
    with Gradebook(url(main_db)) as main:
        main.update_or_create_student(student)
        submission = main.update_or_create_submission(chapter, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0.0
                if grade.manual_score is None:
                    grade.needs_manual_grade = needs_manual_grade
        main.db.commit()


def unscored(main_db: Path, chapter: str, student: str) -> list[str]:
    """Graded cells of a submission with neither an automatic nor a manual score."""
    with Gradebook(url(main_db)) as main:
        try:
            submission = main.find_submission(chapter, student)
        except MissingEntry:
            return []
        return [grade.name for notebook in submission.notebooks for grade in notebook.grades
                if grade.auto_score is None and grade.manual_score is None]


def submission_score(main_db: Path, chapter: str, student: str) -> tuple[float, float]:
    with Gradebook(url(main_db)) as main:
        submission = main.find_submission(chapter, student)
        return float(submission.score), float(submission.max_score)


def grade_rows(main_db: Path) -> list[dict]:
    """One row per student x chapter x exercise, from the gradebook."""
    rows = []
    with Gradebook(url(main_db)) as main:
        for assignment in sorted(main.assignments, key=lambda a: a.name):
            for submission in sorted(assignment.submissions, key=lambda s: s.student.id):
                for notebook in submission.notebooks:
                    for grade in sorted(notebook.grades, key=lambda g: g.name):
                        rows.append({
                            "student": submission.student.id,
                            "chapter": assignment.name,
                            "notebook": notebook.name,
                            "exercise": grade.name,
                            "score": _number(grade.score),
                            "max_score": _number(grade.max_score),
                            "auto_score": _number(grade.auto_score),
                            "manual_score": _number(grade.manual_score),
                            "needs_manual_grade": bool(grade.needs_manual_grade),
                            "late_penalty": _number(notebook.late_submission_penalty),
                        })
    return rows


def _number(value):
    return "" if value is None else round(float(value), 4)
