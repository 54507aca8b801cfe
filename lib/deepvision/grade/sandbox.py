"""Grade one submission in a scratch course: nbgrader autograde under time and memory limits.

Each submission gets its own scratch course (a copy of the run's template gradebook, a link to
``solutions/``, the prepared notebook under ``submitted/``) and its own nbgrader process, started
in a new session with a wall-time limit. nbgrader runs the grading kernel
(:mod:`deepvision.grade.kernel`, memory-limited) through :class:`~deepvision.grade.hooks.
TrackedExecute`, which logs each cell it starts. When the kernel dies (``os._exit``, a signal, a
crash at the memory limit) or the wall-time limit is reached, the log names the cell; the grader
neutralizes that cell (an ordinary cell becomes a ``raise``; a graded cell is failed by its guard)
and grades again, at most ``retries`` more times. The main gradebook is never touched here: the
caller merges the scratch gradebook (:mod:`deepvision.grade.gradebook`).

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import fcntl
import itertools
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from deepvision.grade import submissions as subs
from deepvision.grade import walls
from deepvision.grade.gradebook import distrust
from deepvision.grade.guard import MARKER
from deepvision.grade.runner import run_limited
from deepvision.grade.submissions import GUARD_PREFIX

KERNEL_NAME = "deepvision-grader"
AUTOGRADE_PREPROCESSORS = [
    "deepvision.grade.hooks.TrackedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
FEEDBACK_PREPROCESSORS = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "deepvision.grade.hooks.RedactFeedback",
]


MEMORY_ERRORS = ("MemoryError", "_ArrayMemoryError", "ResourceExhaustedError")


@dataclass
class Limits:
    """Per-cell timeout (s), per-attempt wall time (s), kernel memory (bytes), retries, the box's
    disk (bytes), processes and threads of one sandbox, whether the walls are built at all."""

    cell_timeout: int = 120
    wall_time: int = 600
    memory: int = 4 * 1024**3
    retries: int = 2
    disk: int = 512 * 1024**2
    processes: int = 256
    sandbox: bool = True


@dataclass
class Outcome:
    """What grading one submission gave (before the merge into the main gradebook)."""

    student: str
    chapter: str
    status: str  # "graded" | "attention" | "failed" | "unreadable"
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    attempts: int = 0
    scratch: Path | None = None
    notebook: str | None = None
    untrusted: list[str] = field(default_factory=list)  # graded cells whose guard failed
    timings: dict = field(default_factory=dict)  # seconds: {"autograde": ..., "feedback": ...}


class RunDirectory:
    """Files shared by every submission of one grading run (kernelspec, config, hidden lines)."""

    def __init__(self, root: Path, repo: Path, limits: Limits, data_dir: str | None = None,
                 quick: str | None = None):
        self.root, self.repo, self.limits = Path(root), Path(repo), limits
        self.data_dir, self.quick = data_dir, quick
        self.read_only = walls.read_only_paths(data_dir)
        self._uids, self._lock, self._held = itertools.count(), threading.Lock(), {}
        kernel_dir = self.root / "jupyter" / "kernels" / KERNEL_NAME
        kernel_dir.mkdir(parents=True, exist_ok=True)
        spec = {
            "argv": [sys.executable, "-m", "deepvision.grade.walls", "-f", "{connection_file}"],
            "display_name": "deepvision grading kernel",
            "language": "python",
            # bwrap dies of a SIGINT sent to its process group: interrupt by message instead
            "interrupt_mode": "message",
        }
        (kernel_dir / "kernel.json").write_text(json.dumps(spec))

    def new_uid(self) -> int | None:
        """The user a new sandbox runs as (root only): one of its own, 1000 in rotation.

        A user is claimed with a lock file for as long as its sandbox runs (:meth:`release_uid`),
        so the grader's other processes on this machine (the other Dask workers of a cluster)
        never give the same user to a sandbox at the same time.
        """
        if os.getuid() != 0 or not self.limits.sandbox:
            return None
        folder = Path(tempfile.gettempdir()) / "deepvision-grade-users"
        folder.mkdir(mode=0o700, exist_ok=True)
        with self._lock:
            for _ in range(1000):
                uid = walls.UID_BASE + next(self._uids) % 1000
                handle = os.open(folder / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    os.close(handle)
                    continue
                self._held[uid] = handle
                return uid
        raise RuntimeError("all 1000 sandbox users are in use on this machine")

    def release_uid(self, uid: int | None) -> None:
        """Give back a user from :meth:`new_uid` once its sandbox has ended."""
        with self._lock:
            handle = self._held.pop(uid, None)
        if handle is not None:
            os.close(handle)

    def walls(self, box: Path, uid: int | None) -> walls.Spec:
        limits = self.limits
        return walls.Spec(
            box=str(box), sandbox=limits.sandbox, read_only=self.read_only, uid=uid,
            disk=limits.disk, memory=limits.memory, processes=limits.processes,
            cpu_seconds=2 * limits.wall_time,
            env=walls.kernel_environment(str(box), self.data_dir, self.quick),
        )

    def config(self, course: Path, db: Path | None = None, box: Path | None = None) -> str:
        repo_config = self.repo / "autograder" / "nbgrader_config.py"
        return "\n".join([
            "c = get_config()  # noqa: F821",
            f"_path = {str(repo_config)!r}",
            "exec(compile(open(_path).read(), _path, 'exec'),",
            "     {'get_config': get_config, '__file__': _path})  # noqa: F821",
            f"c.CourseDirectory.root = {str(course)!r}",
            f"c.CourseDirectory.db_url = {'sqlite:///' + str(db or course / 'gradebook.db')!r}",
            f"c.Execute.timeout = {int(self.limits.cell_timeout)}",
            "c.Execute.interrupt_on_timeout = True",
            f"c.Execute.kernel_name = {KERNEL_NAME!r}",
            "c.KernelManager.transport = 'ipc'  # Unix sockets in the kernel's box",
            *([f"c.KernelManager.connection_file = {str(box / 'kernel.json')!r}"] if box else []),
            "c.OverwriteCells.add_missing_cells = True",
            f"c.Autograde.autograde_preprocessors = {AUTOGRADE_PREPROCESSORS!r}",
            f"c.GenerateFeedback.preprocessors = {FEEDBACK_PREPROCESSORS!r}",
            "",
        ])

    def environment(self, work: Path, hidden: Path | None, spec: walls.Spec | None = None) -> dict:
        """nbgrader's environment (the kernel's own is ``spec.env``, set by the launcher)."""
        env = dict(os.environ)
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        env["JUPYTER_PATH"] = str(self.root / "jupyter")
        env["JUPYTER_RUNTIME_DIR"] = spec.box if spec else str(work / "runtime")
        env["DEEPVISION_GRADE_PIDFILE"] = str(work / "kernel.pid")
        if spec is not None:
            env[walls.ENV_VARIABLE] = spec.dumps()
        env["DEEPVISION_GRADE_PROGRESS"] = str(work / "progress.jsonl")
        env.setdefault("MPLBACKEND", "Agg")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        if hidden is not None:
            env["DEEPVISION_GRADE_HIDDEN"] = str(hidden)
        for key in ("DEEPVISION_GRADEBOOK", "DEEPVISION_COURSE_ROOT"):
            env.pop(key, None)
        return env


def _progress(work: Path) -> list[dict]:
    path = work / "progress.jsonl"
    if not path.exists():
        return []
    events = []
    for line in path.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def _key(event):
    return f"grade:{event['grade_id']}" if event["locked"] else event["sha"]


def _culprit(events, killed_for_time, skip):
    """The cell to neutralize next, or None.

    The first cell that timed out (wall-time kill) or the last cell started (dead kernel); when
    that cell was already neutralized in an earlier attempt, the damage was done before it (a
    cell that broke the kernel and returned), so walk back to the closest cell not yet skipped.
    """
    starts = [e for e in events
              if e["event"] == "start" and not e["first_line"].startswith(GUARD_PREFIX)]
    if not starts:
        return None
    target = starts[-1]["index"]
    timeouts = [e for e in events if e["event"] == "timeout"]
    if killed_for_time and timeouts:
        target = timeouts[0]["index"]
    candidates = [e for e in starts if e["index"] <= target]
    while candidates and _key(candidates[-1]) in skip:
        candidates.pop()
    return candidates[-1] if candidates else None


def grade_one(submission, chapter_info, run: RunDirectory, template_db: Path, work: Path,
              feedback: bool = True) -> Outcome:
    """Grade ``submission`` in scratch folder ``work``; never raises for a bad submission."""
    started = time.monotonic()
    outcome = Outcome(submission.student, submission.chapter, "failed",
                      notes=list(submission.notes), scratch=work)
    try:
        _grade(submission, chapter_info, run, template_db, work, feedback, outcome)
    except subs.Unreadable as error:
        outcome.status, outcome.reason = "unreadable", str(error)
    except Exception as error:  # a grader bug must not stop the other submissions
        outcome.status, outcome.reason = "failed", f"grader error: {type(error).__name__}: {error}"
    outcome.seconds = time.monotonic() - started
    return outcome


def _pick_file(submission, chapter_info, outcome):
    expected = chapter_info.notebook_name
    files = submission.files
    if not files:
        raise subs.Unreadable("no notebook was submitted")
    named = [f for f in files if f.stem == expected]
    if named:
        return named[0]
    if len(files) > 1:
        outcome.notes.append(f"{len(files)} notebooks, none named {expected}.ipynb")
    if not submission.lms:
        outcome.notes.append(f"notebook named {files[0].name}: graded as {expected}.ipynb")
    return files[0]


def _grade(submission, chapter_info, run, template_db, work, feedback, outcome):
    path = _pick_file(submission, chapter_info, outcome)
    original = subs.read_notebook(path)
    outcome.notebook = chapter_info.notebook_name
    course = work / "course"
    (course / "solutions").mkdir(parents=True, exist_ok=True)
    source = run.repo / "solutions" / submission.chapter
    link = course / "solutions" / submission.chapter
    if not link.exists():
        link.symlink_to(source, target_is_directory=True)
    box, uid = walls.new_box(), run.new_uid()
    try:
        (work / "nbgrader_config.py").write_text(run.config(course, box=box))
        spec = run.walls(box, uid)
        env = run.environment(work, chapter_info.hidden_file, spec)
        _attempts(submission, chapter_info, run, template_db, work, feedback, outcome, original,
                  course, env, spec)
    finally:
        shutil.rmtree(box, ignore_errors=True)
        run.release_uid(uid)


def _attempts(submission, chapter_info, run, template_db, work, feedback, outcome, original,
              course, env, spec):
    released_sources = {c.source for c in chapter_info.released.cells}
    outcome.notes.extend(subs.scan(original, released_sources))
    skip: dict[str, str] = {}
    for attempt in range(1 + run.limits.retries):
        outcome.attempts = attempt + 1
        notebook = nbformat.from_dict(json.loads(json.dumps(original)))
        prepared, notes = subs.prepare(notebook, chapter_info.released, chapter_info.names, skip,
                                       chapter_info.accepted)
        if attempt == 0:
            outcome.notes.extend(notes)
        destination = course / "submitted" / submission.student / submission.chapter
        if destination.exists():
            shutil.rmtree(destination)
        destination.mkdir(parents=True)
        nbformat.write(prepared, str(destination / f"{chapter_info.notebook_name}.ipynb"))
        if submission.timestamp:
            (destination / "timestamp.txt").write_text(submission.timestamp)
        shutil.copyfile(template_db, course / "gradebook.db")
        for stale in ("progress.jsonl", "kernel.pid"):
            (work / stale).unlink(missing_ok=True)
        command = ["autograde", submission.chapter, "--student", submission.student, "--force"]
        box = (spec.box, spec.disk, spec.uid) if spec.sandbox else None
        clock = time.monotonic()
        code, log = run_limited(command, work, env, run.limits.wall_time, run.limits.memory,
                                box=box, marker=spec.box)
        outcome.timings["autograde"] = round(outcome.timings.get("autograde", 0)
                                             + time.monotonic() - clock, 2)
        graded = course / "autograded" / submission.student / submission.chapter
        if code == 0 and (graded / f"{chapter_info.notebook_name}.ipynb").exists():
            _inspect(graded / f"{chapter_info.notebook_name}.ipynb", outcome)
            if outcome.untrusted:
                distrust(course / "gradebook.db", submission.chapter, submission.student,
                         outcome.untrusted)
            if feedback:
                command[0] = "generate_feedback"
                clock = time.monotonic()
                fcode, flog = run_limited(command, work, env, run.limits.wall_time, 1024**3)
                outcome.timings["feedback"] = round(time.monotonic() - clock, 2)
                if fcode != 0:
                    outcome.notes.append("feedback could not be generated: " + _tail(flog))
            outcome.status = "attention" if outcome.notes else "graded"
            return
        killed_for_time = code is None
        died = "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log
        events = _progress(work)
        hung = not died and any(e["event"] == "timeout" for e in events)
        culprit = _culprit(events, killed_for_time or hung, skip)
        if killed_for_time:
            what = f"ran past the {run.limits.wall_time} s time limit"
        elif died:
            what = "killed the grading kernel (exit, signal or memory limit)"
        elif hung:
            what = "did not stop when interrupted at the per-cell time limit"
        else:
            outcome.reason = "nbgrader failed: " + _tail(log)
            return
        if culprit is None:
            outcome.reason = f"the submission {what} before any cell ran"
            return
        key = _key(culprit)
        label = f"graded cell {culprit['grade_id']!r}" if culprit["locked"] else (
            f"the cell starting {culprit['first_line'][:60]!r}")
        if key in skip or (culprit["locked"] and not culprit["grade_id"]):
            outcome.reason = f"{label} {what}; could not skip it"
            return
        reason = f"the grader skipped this cell: in an earlier attempt it {what}"
        skip[key] = reason
        outcome.notes.append(f"{label} {what}: skipped, the rest graded")
    outcome.reason = f"gave up after {outcome.attempts} attempts"


def _tail(log: str, lines: int = 3) -> str:
    useful = [line for line in log.splitlines() if line.strip()]
    return " | ".join(useful[-lines:])[-500:]


def _inspect(path: Path, outcome: Outcome) -> None:
    """Add notes about guard reports, cell time-outs and memory errors in a graded notebook."""
    notebook = nbformat.read(str(path), as_version=4)
    index = 0  # the cell's number in the learner's notebook (guard cells not counted)
    pending_guard = False
    for cell in notebook.cells:
        guard = cell.source.startswith(GUARD_PREFIX)
        index += 0 if guard else 1
        if cell.cell_type != "code":
            continue
        texts = [o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream"]
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        if guard:
            report = [line for text in texts for line in text.splitlines() if MARKER in line]
            pending_guard = bool(report) and not errors and "armed" in report[0]
            if pending_guard and "nothing to restore" not in report[0]:
                outcome.notes.append("tampering undone before a graded cell: "
                                     + report[0].split("restored", 1)[1].strip(" :")[:300])
            continue
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("grade"):
            if not pending_guard:
                outcome.untrusted.append(grade_id)
                outcome.notes.append(
                    f"the tamper guard before test cell {grade_id!r} did not run: the notebook "
                    "interferes with cell execution; its score is set to 0 for manual grading"
                )
            pending_guard = False
        for error in errors:
            if error.get("ename") in ("CellTimeoutError", "KeyboardInterrupt"):
                outcome.notes.append(f"cell {index} hit the per-cell time limit")
            elif error.get("ename") in MEMORY_ERRORS:
                outcome.notes.append(f"cell {index} hit the memory limit")


REFERENCE_STUDENT = "deepvision-reference"


def check_reference(chapter_info, run: RunDirectory, template_db: Path, work: Path) -> str | None:
    """Grade the chapter's own source notebook under the run's limits and walls.

    Returns None when it earns full marks, else what went wrong: the score, the first cells that
    raised (number, grade id, error) and what to check. A wrong grading environment (a dataset
    the kernels cannot find, a cell timeout shorter than the training cells) shows up here,
    before anyone is graded.
    """
    chapter = chapter_info.chapter
    solution = run.repo / "solutions" / chapter / f"{chapter_info.notebook_name}.ipynb"
    submission = subs.Submission(REFERENCE_STUDENT, chapter, [solution])
    outcome = grade_one(submission, chapter_info, run, template_db, work, feedback=False)
    graded = work / "course" / "autograded" / REFERENCE_STUDENT / chapter / solution.name
    score = maximum = None
    if outcome.status in ("graded", "attention") and graded.exists():
        from deepvision.grade.gradebook import submission_score

        score, maximum = submission_score(work / "course" / "gradebook.db", chapter,
                                          REFERENCE_STUDENT)
        if score == maximum and not outcome.untrusted:
            return None
    lines = [f"the reference solution of {chapter} ({solution.relative_to(run.repo)}) "
             + (f"scored {score:g}/{maximum:g}" if score is not None
                else f"could not be graded ({outcome.status}: {outcome.reason})")
             + " under this run's environment and limits, so no one was graded."]
    lines += [f"  {note}" for note in outcome.notes if "suspicious code" not in note]
    errors = _errors(graded) if graded.exists() else []
    if errors:
        number, grade_id, text = errors[0]
        lines.append(f"  the first cell that raised: cell {number}"
                     + (f" ({grade_id!r})" if grade_id else "") + f": {text[:600]}")
        failed = [g for _, g, _ in errors[1:] if g]
        if len(errors) > 1:
            lines.append(f"  {len(errors) - 1} later cells raised too"
                         + (f", graded ones: {', '.join(failed)}" if failed else ""))
    lines.append("Check the datasets (DEEPVISION_DATA_DIR), DEEPVISION_QUICK, --cell-timeout, "
                 "--timeout and --memory, then run again.")
    return "\n".join(lines)


def _errors(path: Path) -> list[tuple[int, str | None, str]]:
    """``(cell number, grade id, "Error: message")`` of each cell that raised, guards skipped."""
    notebook = nbformat.read(str(path), as_version=4)
    found, number = [], 0
    for cell in notebook.cells:
        if cell.source.startswith(GUARD_PREFIX):
            continue
        number += 1
        for output in getattr(cell, "outputs", []):
            if output.get("output_type") == "error":
                grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
                found.append((number, grade_id, f"{output.get('ename')}: {output.get('evalue')}"))
                break
    return found
