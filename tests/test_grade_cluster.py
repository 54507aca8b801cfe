"""The grading command on a real Dask cluster: an in-process scheduler, separate worker processes.

Chapter 01 (the fastest to grade), small mixed batches of the corpus's kinds (the reference
solution, a partly solved notebook, the untouched release, one that kills its kernel, a
truncated file). Three promises of ``--cluster``:

- the same batch graded on ``local:2`` and locally gives the same gradebook rows, the same
  ``grades.csv`` and the same records (status, score, notes, reason, attempts);
- a worker process killed (SIGKILL, from outside, as the machine's OOM killer would) in the
  middle of grading a submission costs that submission a retry, not a grade; a submission whose
  worker is killed every time it is tried is marked failed with the reason; every submission is
  written exactly once, and the run goes on;
- a worker whose course differs from the coordinator's is refused, with what differs, before
  anything is graded.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from deepvision.grade import cli, report
from deepvision.grade import gradebook as gb

pytestmark = pytest.mark.nbgrader

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

ROOT = Path(__file__).resolve().parents[1]
NAME = "01_machine_learning_basics"
SOLUTION = ROOT / "solutions" / "ch01" / f"{NAME}.ipynb"
RELEASED = ROOT / "chapters" / "ch01" / f"{NAME}.ipynb"
LIMITS = ["--cell-timeout", "90", "--timeout", "300", "--memory", "1.5G", "--retries", "1"]
FIELDS = ("status", "score", "max_score", "notes", "reason", "attempts", "fingerprint")


def _grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _partial():
    """The release with the reference answers of mse and softmax only (3 of 11 points)."""
    notebook = nbformat.read(str(RELEASED), as_version=4)
    answers = {_grade_id(c): c.source for c in nbformat.read(str(SOLUTION), as_version=4).cells}
    for cell in notebook.cells:
        if _grade_id(cell) in ("mse", "softmax"):
            cell.source = answers[_grade_id(cell)]
    return notebook


def _kills_its_kernel():
    notebook = nbformat.read(str(SOLUTION), as_version=4)
    at = next(i for i, c in enumerate(notebook.cells) if _grade_id(c) == "softmax")
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    return notebook


def _submit(course: Path, batch: dict) -> None:
    for student, content in batch.items():
        folder = course / "submitted" / student / "ch01"
        folder.mkdir(parents=True)
        if isinstance(content, bytes):
            (folder / f"{NAME}.ipynb").write_bytes(content)
        else:
            nbformat.write(content, str(folder / f"{NAME}.ipynb"))


def _records(course: Path) -> dict:
    return {r["student"]: r for r in report.read_records(course, ["ch01"])}


def _cluster_config(**extra):
    """What ``--cluster local:N`` sets for its own cluster, for a cluster a test starts."""
    from deepvision.grade.cluster import LOCAL_CONFIG

    return dask.config.set({**LOCAL_CONFIG, **extra})


def test_a_class_graded_on_local_2_agrees_with_the_same_class_graded_locally(tmp_path):
    truncated = nbformat.writes(nbformat.read(str(SOLUTION), as_version=4)).encode()
    batch = {"honest": nbformat.read(str(SOLUTION), as_version=4), "partial": _partial(),
             "untouched": nbformat.read(str(RELEASED), as_version=4),
             "kills_kernel": _kills_its_kernel(), "truncated": truncated[: len(truncated) // 2]}
    courses = {}
    for how, options in (("local", ["--workers", "2"]), ("cluster", ["--cluster", "local:2"])):
        course = courses[how] = tmp_path / how
        _submit(course, batch)
        assert cli.main(["autograde", "ch01", "--course", str(course), *LIMITS, *options]) == 0
    local, cluster = (_records(courses[how]) for how in ("local", "cluster"))
    assert sorted(local) == sorted(cluster) == sorted(batch)
    for student in batch:
        assert ({f: local[student][f] for f in FIELDS}
                == {f: cluster[student][f] for f in FIELDS}), student
    # the batch is mixed: each kind earned what it should, so the agreement is not vacuous
    assert {s: (r["status"], r["score"]) for s, r in cluster.items()} == {
        "honest": ("graded", 11.0), "partial": ("graded", 3.0), "untouched": ("graded", 0.0),
        "kills_kernel": ("attention", 11.0), "truncated": ("unreadable", 0.0)}
    assert cluster["kills_kernel"]["attempts"] == 2
    assert (gb.grade_rows(courses["local"] / "gradebook.db")
            == gb.grade_rows(courses["cluster"] / "gradebook.db"))
    csv = [(courses[how] / "grading" / "grades.csv").read_bytes() for how in courses]
    assert csv[0] == csv[1] and csv[0].count(b"\n") == 1 + 5 * 7
    for folder in ("autograded", "feedback"):
        found = [sorted(p.relative_to(courses[how] / folder)
                        for p in (courses[how] / folder).rglob("*") if p.is_file())
                 for how in courses]
        assert found[0] == found[1] and len(found[0]) == 4, folder  # not the unreadable one


def _processing(client, suffix: str) -> tuple[str, int] | None:
    """``(worker address, pid)`` of the worker grading the task whose key ends in ``suffix``,
    and only that task (the scheduler queues the others on itself: a worker's death is charged
    to the one submission it was grading)."""
    for address, keys in client.processing().items():
        if [str(key)[-len(suffix):] for key in keys] == [suffix]:
            try:
                return address, client.run(os.getpid, workers=[address])[address]
            except OSError:  # that worker just died (distributed's CommClosedError)
                return None
    return None


def _kill_while_grading(client, student: str, times: int, killed: list, stop) -> None:
    """SIGKILL the worker process grading ``student`` a second after it starts, ``times``
    times (each retry runs on another worker, or on this one restarted by its nanny)."""
    suffix = f"-{student}-ch01"
    for _ in range(times):
        found = None
        while found is None and not stop.is_set():
            found = _processing(client, suffix)
            time.sleep(0.2)
        if found is None:
            return
        time.sleep(1.0)
        if _processing(client, suffix) != found:
            continue  # it finished (or moved) in that second: try again on the next run
        os.kill(found[1], signal.SIGKILL)
        killed.append((student, found[1]))
        while _processing(client, suffix) == found and not stop.is_set():
            time.sleep(0.2)


def test_a_worker_killed_mid_run_costs_a_retry_and_a_submission_that_kills_workers_fails(
        tmp_path, capsys):
    course = tmp_path / "course"
    # beside the two that lose a worker, one graded undisturbed (the mixed kinds are the
    # agreement test's business)
    batch = {"honest": nbformat.read(str(SOLUTION), as_version=4),
             "interrupted": nbformat.read(str(SOLUTION), as_version=4),
             "victim": nbformat.read(str(SOLUTION), as_version=4)}
    _submit(course, batch)
    # allowed-failures 1: a task is retried after one worker death, failed after a second
    with _cluster_config(**{"distributed.scheduler.allowed-failures": 1}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client, \
            distributed.Client(cluster.scheduler_address) as grader_client:
        result, killed, stop = {}, [], threading.Event()

        def grade():  # through the Python API's client= (what a Dask Gateway cluster needs)
            try:
                result["code"] = cli.main(["autograde", "ch01", "--course", str(course),
                                           *LIMITS], client=grader_client)
            finally:
                stop.set()

        grader = threading.Thread(target=grade)
        grader.start()
        _kill_while_grading(client, "interrupted", 1, killed, stop)
        _kill_while_grading(client, "victim", 2, killed, stop)
        grader.join(timeout=600)
        assert not grader.is_alive()
    said = capsys.readouterr()
    assert result["code"] == 0, said.err[-3000:]
    assert [student for student, _ in killed] == ["interrupted", "victim", "victim"]
    records = _records(course)
    assert sorted(records) == sorted(batch)
    assert {s: (r["status"], r["score"]) for s, r in records.items()} == {
        "honest": ("graded", 11.0), "interrupted": ("graded", 11.0), "victim": ("failed", 0.0)}
    assert "2 Dask workers died while grading it" in records["victim"]["reason"]
    # written exactly once each: one progress line per submission, one row per exercise
    for student in batch:
        assert said.err.count(f"last: {student}/ch01 ") == 1, student
    rows = gb.grade_rows(course / "gradebook.db")
    assert len(rows) == 3 * 7 and len({(r["student"], r["exercise"]) for r in rows}) == 3 * 7
    victim = [r for r in rows if r["student"] == "victim"]
    assert all(r["needs_manual_grade"] and r["auto_score"] == 0 for r in victim)
    assert "victim" in said.out and "failed" in said.out  # the summary table says so


def test_a_worker_with_a_different_course_is_refused_before_any_grading(tmp_path, capsys):
    """One worker of the cluster is started with another dataset folder (an empty one): a real
    difference in what the course version reads, in the datasets section. A different package
    or notebook goes through the same comparison (tests/test_grade_units.py tests it on made-up
    versions); it is not staged here, because both workers import this checkout."""
    course = tmp_path / "course"
    _submit(course, {"honest": nbformat.read(str(SOLUTION), as_version=4)})
    elsewhere = tmp_path / "other-data"
    elsewhere.mkdir()
    with _cluster_config(), \
            distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                     dashboard_address=":0") as cluster:
        env = {**os.environ, "DEEPVISION_DATA_DIR": str(elsewhere),
               "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        odd = subprocess.Popen([sys.executable, "-m", "dask", "worker",
                                cluster.scheduler_address, "--nthreads", "1", "--name", "odd"],
                               env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            with distributed.Client(cluster) as client:
                client.wait_for_workers(2, timeout=120)
            code = cli.main(["autograde", "ch01", "--course", str(course), *LIMITS,
                             "--cluster", cluster.scheduler_address])
        finally:
            odd.terminate()
            odd.wait(timeout=60)
    said = capsys.readouterr().err
    assert code == 2
    assert "cannot grade: 1 of 2 workers" in said and "nothing was graded" in said
    problem = next(line for line in said.splitlines() if "datasets" in line)
    assert "the datasets (DEEPVISION_DATA_DIR): missing there: " in problem
    assert "grading the reference" not in said
    assert report.read_records(course, ["ch01"]) == []
    assert not (course / "grading" / "reference-ch01.txt").exists()
    assert not (course / "autograded").exists() and not (course / "feedback").exists()
    assert gb.grade_rows(course / "gradebook.db") == []
