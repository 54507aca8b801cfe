"""Grading on a Dask cluster: ``python -m deepvision.grade autograde ... --cluster ADDRESS``.

Each submission is one task of Dask's distributed scheduler (``distributed``): a worker grades
it exactly as a thread of the local command does (:func:`~deepvision.grade.sandbox.grade_one`:
a scratch course, nbgrader in a process forked from the worker's own forkserver, the kernel
behind the walls, the same limits and retries), then sends back a
:class:`~deepvision.grade.pool.Result`. The coordinator (the machine running the command)
writes the gradebook from it, one short transaction per submission, as it does for a local run:
the gradebook is never on the cluster, so its consistency does not depend on it.

What the run shares with every worker travels once, in a :class:`GradingPlugin` that the
scheduler hands to each worker, including one that joins later or is restarted after dying: the
template gradebook, the chapters' released notebooks and hidden-test lines, the limits,
``DEEPVISION_QUICK``. Each task carries only its submission's files.

Before anything is graded, every worker reports its course version (:func:`course_version`: a
digest of each file of the ``deepvision`` package and of the release and source notebooks of
the chapters graded, the dataset folder's listing, the Python and library versions), whether it
can build the sandbox and whether it may start processes; one that differs from the coordinator
is named with what differs, and nothing is graded. A worker that joins later and differs
refuses its tasks, which stops the run the same way.

A worker that dies mid-task costs that task a retry on another worker (the scheduler's
``allowed-failures``, 3 by default); a submission that kills more workers than that is marked
failed with the reason and the run goes on. The coordinator writes each submission once.

Taught in: nowhere (grading infrastructure); see autograder/README.md, section 10.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import platform
import shutil
import socket
import time
import uuid
from pathlib import Path

import dask
from distributed import Client, KilledWorker, LocalCluster, as_completed, get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from deepvision.grade import submissions as subs
from deepvision.grade.pool import Refused, Result, pack
from deepvision.grade.sandbox import Outcome, RunDirectory, check_reference, grade_one

#: Libraries whose version must match on every worker (with Python's own).
SOFTWARE = ("deepvision", "tensorflow", "tensorflow-cpu", "keras", "numpy", "scikit-image",
            "nbgrader", "nbconvert", "nbclient", "nbformat", "jupyter_client", "ipykernel",
            "dask", "distributed", "cloudpickle")
SECTIONS = {"package": "the deepvision package", "notebooks": "the chapters' notebooks",
            "datasets": "the datasets (DEEPVISION_DATA_DIR)", "software": "the software"}
#: A ``local:N`` cluster: worker processes that may start processes (the grading forkserver),
#: one task at a time on each (so a worker's death costs only the submission it was grading).
LOCAL_CONFIG = {"distributed.worker.daemon": False,
                "distributed.scheduler.worker-saturation": 1.0}
DAEMON = ("its worker process is a daemon, which may not start the grading processes: start "
          "the workers with DASK_DISTRIBUTED__WORKER__DAEMON=False")
WORKERS_WAIT = 120
LOGGER_NAMES = ("distributed", "distributed.nanny", "distributed.scheduler", "distributed.worker")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def data_directory() -> str | None:
    """This process's ``DEEPVISION_DATA_DIR``, made absolute (None when unset)."""
    value = os.environ.get("DEEPVISION_DATA_DIR", "")
    return str(Path(value).expanduser().resolve()) if value else None


def course_version(repo: Path, chapters: list[str], data_dir: str | None) -> dict:
    """What must be the same on the coordinator and every worker, by section.

    Returns:
        ``{"package": {path: digest}, "notebooks": {path: digest}, "datasets": {name: size},
        "software": {name: version}}``; paths relative to the package's parent and to the
        repository, so a worker may keep the course elsewhere.
    """
    import deepvision

    package = Path(deepvision.__file__).resolve().parent
    files = {path.relative_to(package.parent).as_posix(): _digest(path)
             for path in sorted(package.rglob("*"))
             if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}
    notebooks = {}
    for chapter in chapters:
        for folder in ("chapters", "solutions"):
            for path in sorted((Path(repo) / folder / chapter).glob("*.ipynb")):
                notebooks[path.relative_to(repo).as_posix()] = _digest(path)
    config = Path(repo) / "autograder" / "nbgrader_config.py"
    if config.is_file():
        notebooks[config.relative_to(repo).as_posix()] = _digest(config)
    datasets = {}
    if data_dir and Path(data_dir).is_dir():
        datasets = {p.name: str(p.stat().st_size) for p in sorted(Path(data_dir).iterdir())
                    if p.is_file()}
    software = {"python": platform.python_version()}
    for name in SOFTWARE:
        try:
            software[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return {"package": files, "notebooks": notebooks, "datasets": datasets,
            "software": software}


def _names(names: list[str], limit: int = 4) -> str:
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def differences(mine: dict, theirs: dict) -> list[str]:
    """Sentences saying how course version ``theirs`` (a worker's) differs from ``mine``."""
    found = []
    for section, label in SECTIONS.items():
        a, b = mine.get(section, {}), theirs.get(section, {})
        parts = []
        changed = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
        if changed and section in ("datasets", "software"):
            parts.append("; ".join(f"{k} {a[k]} here, {b[k]} there" for k in changed))
        elif changed:
            parts.append(f"{len(changed)} files differ ({_names(changed)})")
        if a.keys() - b.keys():
            parts.append(f"missing there: {_names(sorted(a.keys() - b.keys()))}")
        if b.keys() - a.keys():
            parts.append(f"only there: {_names(sorted(b.keys() - a.keys()))}")
        if parts:
            found.append(f"{label}: " + "; ".join(parts))
    return found


def worker_problems(version: dict, sandbox: bool) -> tuple[dict, list[str]]:
    """This worker's course version and what keeps it from grading (empty: nothing)."""
    from deepvision import build
    from deepvision.grade import walls

    problems = []
    if multiprocessing.current_process().daemon:
        problems.append(DAEMON)
    try:
        repo = build.repo_root()
    except FileNotFoundError as error:
        return {}, [*problems, str(error)]
    data_dir = data_directory()
    if data_dir and not Path(data_dir).is_dir():
        problems.append(f"DEEPVISION_DATA_DIR={data_dir!r} is no folder")
    chapters = sorted({p.split("/")[1] for p in version["notebooks"] if p.startswith("solutions/")})
    mine = course_version(repo, chapters, data_dir)
    problems += differences(version, mine)
    if sandbox:
        reason = walls.unavailable_reason()
        if reason:
            problems.append(f"cannot build the grading sandbox: {reason}")
    return mine, problems


def report_worker(version: dict, sandbox: bool) -> dict:
    """Run on each worker at start (``Client.run``): who it is and what keeps it from grading."""
    _, problems = worker_problems(version, sandbox)
    return {"host": socket.gethostname(), "pid": os.getpid(), "problems": problems}


class GradingPlugin(WorkerPlugin):
    """One grading run's shared files, set up on every worker (and on any that joins later)."""

    idempotent = False

    def __init__(self, name: str, template: bytes, infos: dict, limits, quick: str | None,
                 feedback: bool, version: dict):
        self.name, self.template_bytes, self.infos = name, template, infos
        self.limits, self.quick, self.feedback, self.version = limits, quick, feedback, version
        self.root = self.run = self.template = None
        self.problems: list[str] = []

    def setup(self, worker) -> None:
        from deepvision import build

        _, self.problems = worker_problems(self.version, self.limits.sandbox)
        if self.problems:
            return
        self.root = Path(worker.local_directory) / self.name
        self.root.mkdir(parents=True, exist_ok=True)
        self.template = self.root / "template.db"
        self.template.write_bytes(self.template_bytes)
        infos = {}
        for chapter, info in self.infos.items():
            hidden = self.root / f"hidden-{chapter}.json"
            hidden.write_text(json.dumps(info.hidden))
            infos[chapter] = dataclasses.replace(info, hidden_file=hidden)
        self.infos = infos
        self.run = RunDirectory(self.root, build.repo_root(), self.limits, data_directory(),
                                self.quick)

    def teardown(self, worker) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)


def _plugin(name: str) -> GradingPlugin:
    worker = get_worker()
    plugin = worker.plugins.get(name)
    if plugin is None:
        raise RuntimeError(f"worker {worker.address} was not given grading run {name}")
    if plugin.problems:
        raise Refused(f"worker {worker.address} (host {socket.gethostname()}) joined the "
                      "cluster during the run and cannot grade this course as the coordinator "
                      "would: " + "; ".join(plugin.problems))
    return plugin


def grade_task(name: str, student: str, chapter: str, files: list, timestamp: str | None,
               lms: bool, notes: list[str]) -> Result:
    """A worker's task: grade one submission (its files as ``(name, bytes or None, size)``)."""
    started = time.time()
    plugin = _plugin(name)
    tag = f"{student}-{chapter}-{uuid.uuid4().hex[:8]}"
    work, inbox = plugin.root / "work" / tag, plugin.root / "in" / tag
    inbox.mkdir(parents=True)
    paths = []
    for filename, content, size in files:
        path = inbox / filename
        if content is None:  # over the size limit: the same size, for the same refusal
            with open(path, "wb") as handle:
                handle.truncate(size)
        else:
            path.write_bytes(content)
        paths.append(path)
    submission = subs.Submission(student, chapter, paths, timestamp, lms, list(notes))
    try:
        outcome = grade_one(submission, plugin.infos[chapter], plugin.run, plugin.template,
                            work, plugin.feedback)
        result = pack(outcome)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(inbox, ignore_errors=True)
    # what the cluster added on the worker (the files in, the result out), and when it was sent
    result.outcome.timings["cluster"] = round(time.time() - started - outcome.seconds, 3)
    result.sent = time.time()
    return result


def reference_task(name: str, chapter: str) -> str | None:
    """A worker's task: grade ``chapter``'s reference solution (None when it earns full marks)."""
    plugin = _plugin(name)
    work = plugin.root / "work" / f"reference-{chapter}-{uuid.uuid4().hex[:8]}"
    try:
        return check_reference(plugin.infos[chapter], plugin.run, plugin.template, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _files(submission) -> list:
    files = []
    for path in submission.files:
        size = path.stat().st_size
        content = path.read_bytes() if size <= subs.MAX_NOTEBOOK_BYTES else None
        files.append((path.name, content, size))
    return files


@dataclasses.dataclass(eq=False)
class _Ticket:
    """A task to submit: ``kind`` is "reference" (``item`` a chapter) or "grade" (a
    submission)."""

    kind: str
    item: object
    future: object = None


class ClusterPool:
    """Grade on a Dask cluster: ``address`` is a scheduler's address or ``local:N``.

    Opening it connects (starting a :class:`~distributed.LocalCluster` of N worker processes for
    ``local:N``), waits for a worker, checks every worker and hands them the run's files; it
    raises :class:`~deepvision.grade.pool.Refused` with the reason when it cannot grade.
    """

    def __init__(self, address: str | None, *, repo: Path, chapters: list[str], infos: dict,
                 template: Path, limits, data_dir: str | None, quick: str | None,
                 feedback: bool, client=None):
        self.address, self.client, self.tickets = address or "the given client", client, []
        self.stack = contextlib.ExitStack()
        try:
            self._open(repo, chapters, infos, template, limits, data_dir, quick, feedback)
        except BaseException:
            self.stack.close()
            raise

    def _open(self, repo, chapters, infos, template, limits, data_dir, quick, feedback):
        expected = 1
        if self.client is not None:  # the caller's: not closed here
            target = None
        elif self.address.startswith("local:"):
            expected = int(self.address.removeprefix("local:"))
            self.stack.enter_context(dask.config.set(LOCAL_CONFIG))
            target = self.stack.enter_context(LocalCluster(
                n_workers=expected, threads_per_worker=1, processes=True,
                dashboard_address=":0", silence_logs=logging.ERROR))
        else:
            target = self.address
        if target is not None:
            try:
                self.client = Client(target, timeout=30)
            except (OSError, TimeoutError) as error:
                raise Refused(f"no Dask scheduler answers at {self.address} ({error}): start "
                              "it first (autograder/README.md, section 10)") from error
            self.stack.callback(self.client.close)
        try:
            self.client.wait_for_workers(expected, timeout=WORKERS_WAIT)
        except TimeoutError as error:
            raise Refused(f"no worker joined the scheduler at {self.address} within "
                          f"{WORKERS_WAIT} s") from error
        version = self._check(repo, chapters, data_dir, limits.sandbox)
        self.name = f"deepvision-grade-{uuid.uuid4().hex[:12]}"
        plugin = GradingPlugin(self.name, Path(template).read_bytes(), infos, limits, quick,
                               feedback, version)
        self.client.register_plugin(plugin, name=self.name)
        self.stack.callback(self._unregister)

    def _check(self, repo, chapters, data_dir, sandbox: bool) -> dict:
        """This machine's course version, once every worker was found to have it."""
        for _ in range(3):  # a course edited during the check is checked again
            version = course_version(repo, chapters, data_dir)
            reports = self.client.run(report_worker, version, sandbox, on_error="return")
            if course_version(repo, chapters, data_dir) == version:
                break
        problems = []
        for address, report in sorted(reports.items()):
            if isinstance(report, BaseException):
                problems.append(f"{address}: cannot run the course's code there "
                                f"({type(report).__name__}: {report})")
            elif report["problems"]:
                problems.append(f"{address} (host {report['host']}): "
                                + "; ".join(report["problems"]))
        if problems:
            raise Refused(
                f"{len(problems)} of {len(reports)} workers of the cluster cannot grade this "
                "course as this machine would, so nothing was graded:\n  "
                + "\n  ".join(problems)
                + "\nEvery worker needs the same deepvision package, the same notebooks of the "
                "chapters graded, the same datasets in its DEEPVISION_DATA_DIR and the same "
                "library versions as this machine (autograder/README.md, section 10).")
        return version

    def _unregister(self) -> None:
        with contextlib.suppress(Exception):
            self.client.unregister_worker_plugin(self.name)

    def reference(self, chapter: str) -> _Ticket:
        return _Ticket("reference", chapter)

    def grade(self, submission, fingerprint: str) -> _Ticket:
        return _Ticket("grade", submission)

    def _submit(self, batch: list[_Ticket]) -> None:
        """Send ``batch`` to the scheduler: each reference alone, first, the submissions in
        one call, so the scheduler sees them as one large group of root tasks and queues them
        on itself, handing each worker thread one at a time (``worker-saturation`` 1.0)."""
        for ticket in batch:
            if ticket.kind == "reference":
                ticket.future = self.client.submit(
                    reference_task, self.name, ticket.item, priority=10, pure=False,
                    key=f"{self.name}-reference-{ticket.item}")
        grades = [t for t in batch if t.kind == "grade"]
        if grades:
            items = [t.item for t in grades]
            futures = self.client.map(
                grade_task, [self.name] * len(items), [s.student for s in items],
                [s.chapter for s in items], [_files(s) for s in items],
                [s.timestamp for s in items], [s.lms for s in items],
                [list(s.notes) for s in items], pure=False,
                key=[f"{self.name}-{s.student}-{s.chapter}" for s in items])
            for ticket, future in zip(grades, futures, strict=True):
                ticket.future = future
        self.tickets.extend(batch)

    def _window(self) -> int:
        """Tasks kept at the scheduler: more than twice the cluster's threads, the size from
        which Dask queues a group of tasks on the scheduler instead of on the workers."""
        return 4 * max(1, sum(self.client.nthreads().values())) + 1

    def completed(self, tickets):
        """``(ticket, value)`` as each finishes; submissions are sent a window at a time (the
        scheduler holds the notebooks of the tasks it was sent)."""
        queue = [t for t in tickets if t.kind == "reference"]
        queue += [t for t in tickets if t.kind == "grade"]
        by_future, running = {}, as_completed()

        def top_up():
            room = self._window() - len(by_future)
            batch, queue[:] = queue[:max(room, 0)], queue[max(room, 0):]
            self._submit(batch)
            for ticket in batch:
                by_future[ticket.future] = ticket
                running.add(ticket.future)

        top_up()
        for future in running:
            ticket = by_future.pop(future)
            value = self._value(ticket)
            future.release()
            top_up()
            yield ticket, value

    def _value(self, ticket: _Ticket):
        future = ticket.future
        if future.status == "finished":
            result = future.result()
            if isinstance(result, Result) and result.sent is not None:  # and on its way back
                timings = result.outcome.timings
                timings["cluster"] = round(timings["cluster"] + time.time() - result.sent, 3)
            return result
        error = future.exception()
        if isinstance(error, Refused):
            self.cancel()
            raise error
        if isinstance(error, KilledWorker):
            what = (f"{error.allowed_failures + 1} Dask workers died while grading it (the "
                    "worker process was killed: a machine out of memory, a crash)")
        else:
            what = f"the grading task failed on the cluster ({type(error).__name__}: {error})"
        if ticket.kind == "reference":
            return f"the reference solution of {ticket.item} could not be graded: {what}"
        s = ticket.item
        outcome = Outcome(s.student, s.chapter, "failed", reason=f"{what}; not graded",
                          notes=list(s.notes))
        if isinstance(error, KilledWorker):
            outcome.attempts = error.allowed_failures + 1
        return Result(outcome)

    def cancel(self) -> None:
        futures = [t.future for t in self.tickets if t.future is not None]
        with contextlib.suppress(Exception):
            self.client.cancel(futures)

    def close(self) -> None:
        self.stack.close()
