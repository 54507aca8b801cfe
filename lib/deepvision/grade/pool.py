"""Where submissions are graded, and what comes back to the coordinator.

A *pool* grades: :class:`LocalPool` with threads on this machine (each thread drives one
nbgrader process and its sandboxed kernel), :class:`deepvision.grade.cluster.ClusterPool` with
one Dask task per submission on a cluster. Both give the coordinator the same thing for each
submission, a :class:`Result`: the :class:`~deepvision.grade.sandbox.Outcome` (status, notes,
timings), the automatic grades read from the scratch gradebook, and the files nbgrader wrote
(the graded notebook, the feedback HTML). It is plain, picklable data: the scratch folder it
came from may be on another machine and is gone by the time the coordinator writes it. The
coordinator alone writes the gradebook and the course folders, from Results, the same way
whichever pool graded.

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from deepvision.grade import gradebook as gb
from deepvision.grade.sandbox import Outcome, check_reference, grade_one


class Refused(RuntimeError):
    """A pool cannot grade this run (say why, grade nothing)."""


#: The course folders nbgrader writes for each submission, copied to the real course.
FOLDERS = ("autograded", "feedback")


@dataclass
class Result:
    """One graded submission, as the coordinator receives it.

    ``grades``: :func:`deepvision.grade.gradebook.read_submission`'s data (None unless the
    submission was graded). ``files``: ``{folder: {relative path: bytes}}`` for each folder of
    :data:`FOLDERS` that nbgrader made for this submission.
    """

    outcome: Outcome
    grades: dict | None = None
    files: dict = field(default_factory=dict)
    sent: float | None = None  # when a Dask worker sent it (time.time())


def pack(outcome: Outcome) -> Result:
    """The Result of ``outcome``, read from its scratch course (which is not changed)."""
    result = Result(outcome)
    if outcome.status in ("graded", "attention") and outcome.scratch is not None:
        course = outcome.scratch / "course"
        result.grades = gb.read_submission(course / "gradebook.db", outcome.chapter,
                                           outcome.student)
        for folder in FOLDERS:
            source = course / folder / outcome.student / outcome.chapter
            if source.is_dir():
                result.files[folder] = {
                    str(path.relative_to(source)): path.read_bytes()
                    for path in sorted(source.rglob("*"))
                    if path.is_file() and not path.is_symlink()
                }
    outcome.scratch = None
    return result


def write_files(files: dict[str, bytes], target: Path) -> None:
    """Replace folder ``target`` by ``files`` (``{relative path: bytes}``)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name, content in files.items():
        path = (target / name).resolve()
        if not path.is_relative_to(target.resolve()):
            raise ValueError(f"files: {name!r} is outside {target}")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


class LocalPool:
    """Grade on this machine with ``workers`` threads (the command without ``--cluster``)."""

    def __init__(self, workers: int, run, template: Path, work: Path, infos: dict,
                 feedback: bool, keep_scratch: bool):
        self.executor = ThreadPoolExecutor(max_workers=workers)
        self.run, self.template, self.work, self.infos = run, template, work, infos
        self.feedback, self.keep_scratch = feedback, keep_scratch

    def reference(self, chapter: str):
        """Start grading ``chapter``'s reference solution; its value: None or the problem."""
        return self.executor.submit(check_reference, self.infos[chapter], self.run,
                                    self.template, self.work / f"reference-{chapter}")

    def grade(self, submission, fingerprint: str):
        """Start grading ``submission``; its value: a :class:`Result`."""
        return self.executor.submit(self._grade, submission)

    def _grade(self, submission) -> Result:
        outcome = grade_one(submission, self.infos[submission.chapter], self.run,
                            self.template,
                            self.work / f"{submission.student}-{submission.chapter}",
                            self.feedback)
        scratch = outcome.scratch
        result = pack(outcome)
        if not self.keep_scratch and scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        return result

    def completed(self, handles):
        """``(handle, value)`` of each handle, as each finishes."""
        for future in as_completed(handles):
            yield future, future.result()

    def cancel(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
