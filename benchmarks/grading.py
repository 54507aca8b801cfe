"""Grading throughput: plain nbgrader against the grading command, and what the sandbox costs.

All in one run, on this machine:

1. Chapter 04 in quick mode (its kernels import TensorFlow and train), the same N honest
   submissions graded three ways: plain ``nbgrader autograde ch04`` (one kernel after the other,
   as nbgrader does it, no feedback); ``python -m deepvision.grade autograde ch04`` with one
   worker per core, sandboxed, with feedback (registration and the reference solution
   included); the same with ``--no-sandbox``. Prints the three rates, the command's ratio to
   plain nbgrader, and the sandbox's cost per submission (mean grading time, walls against none).
2. The walls alone: starting ``python -c pass`` inside them (box mounted, bwrap, namespaces)
   against starting it bare, K times each.
3. Chapter 01, graded by the command: an infinite loop (its cost in seconds) and a memory bomb
   (the kernel's peak resident memory, read from /proc by a cell after the bomb).
4. Chapter 01, 2 workers: an honest submission graded beside a spinning fork bomb, against the
   same honest submission graded beside another honest one (does the bomb slow its neighbour?).

    python benchmarks/grading.py [--submissions 6] [--workers N] [--starts 10] [--skip-plain]
    python benchmarks/grading.py --cluster local:N [--submissions 8]

With ``--cluster local:N`` it measures the Dask cluster instead (and nothing else): chapter 01,
the same honest submissions graded by the command with 1, 2, ... N local workers (threads) and
on ``--cluster local:1`` ... ``local:N`` (worker processes of a Dask LocalCluster), so the
cluster's overhead per submission is the difference; the cluster's start-up (starting the worker
processes, checking them, handing them the run) is timed on its own too. Goal: under 0.5 s per
submission.

Goals on a 2-core machine: the sandboxed command at least 1.7 times plain nbgrader's rate on
chapter 04 with feedback; the sandbox under 1 s per submission; an infinite loop no more than
the cell timeout plus 10 s; a memory bomb stopped below 2 GB. Figures depend on the load.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from deepvision import build
from deepvision.grade import cli, report, walls

ROOT = Path(__file__).resolve().parents[1]
CH04 = ROOT / "solutions" / "ch04" / "04_neural_networks_in_action.ipynb"
CH01 = ROOT / "solutions" / "ch01" / "01_machine_learning_basics.ipynb"
PEAK = (
    "del blocks\nimport re\n"
    "print('peak', re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])"
)


def _submit(course: Path, chapter: str, source: Path, students: dict) -> None:
    for student, extra in students.items():
        notebook = nbformat.read(str(source), as_version=4)
        if extra:
            at = 1 + next(i for i, c in enumerate(notebook.cells)
                          if c.metadata.get("nbgrader", {}).get("grade"))
            for offset, code in enumerate(extra):
                notebook.cells.insert(at + offset, nbformat.v4.new_code_cell(code))
        folder = course / "submitted" / student / chapter
        folder.mkdir(parents=True)
        nbformat.write(notebook, str(folder / source.name))


def plain_nbgrader(scratch: Path, n: int) -> float:
    """Seconds plain ``nbgrader autograde ch04`` takes for ``n`` submissions (after release)."""
    course, gradebook = scratch / "plain", scratch / "plain.db"
    shutil.copytree(ROOT / "solutions" / "ch04", course / "solutions" / "ch04")
    result = build.nbgrader(["generate_assignment", "ch04"], course, gradebook, ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    _submit(course, "ch04", CH04, {f"student{i:02d}": None for i in range(n)})
    started = time.monotonic()
    result = build.nbgrader(["autograde", "ch04"], course, gradebook, ROOT)
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    return elapsed


def command(scratch: Path, name: str, n: int, workers: int, *options) -> tuple[float, list]:
    course = scratch / name
    _submit(course, "ch04", CH04, {f"student{i:02d}": None for i in range(n)})
    started = time.monotonic()
    code = cli.main(["autograde", "ch04", "--course", str(course), "--workers", str(workers),
                     *options])
    elapsed = time.monotonic() - started
    assert code == 0
    return elapsed, report.read_records(course, ["ch04"])


def wall_starts(k: int) -> tuple[float, float]:
    """Median seconds to run ``python -c pass`` inside the walls and bare."""
    inside, bare = [], []
    script = (
        "import os, sys\nfrom deepvision.grade import walls\n"
        "box = sys.argv[1]\n"
        "spec = walls.Spec(box=box, read_only=walls.read_only_paths(),\n"
        "                  uid=walls.UID_BASE if os.getuid() == 0 else None,\n"
        "                  env=walls.kernel_environment(box, None, None))\n"
        "walls.private_box(box, 64 * 1024**2, spec.uid)\n"
        "command = walls.bwrap_command(spec, [sys.executable, '-c', 'pass'])\n"
        "os.execvp(command[0], command)\n"
    )
    setup = [sys.executable, "-c", "import deepvision.grade.walls"]
    for _ in range(k):
        box = walls.new_box()
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", script, str(box)], check=True)
        inside.append(time.monotonic() - started)
        shutil.rmtree(box, ignore_errors=True)
        started = time.monotonic()
        subprocess.run(setup, check=True)
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        bare.append(time.monotonic() - started)
    return statistics.median(inside), statistics.median(bare)


def broken(scratch: Path, workers: int) -> dict:
    course = scratch / "broken"
    _submit(course, "ch01", CH01, {
        "broken_loop": ["while True:\n    pass"],
        "broken_memory": ["blocks = []\nwhile True:\n    blocks.append(np.ones(10**7))  # 80 MB",
                          PEAK],
    })
    code = cli.main(["autograde", "ch01", "--course", str(course), "--workers", str(workers),
                     "--cell-timeout", "20", "--timeout", "60", "--memory", "1.5G"])
    assert code == 0
    records = {r["student"]: r for r in report.read_records(course, ["ch01"])}
    graded = course / "autograded" / "broken_memory" / "ch01" / CH01.name
    peak = re.search(r"peak (\d+)", graded.read_text()) if graded.exists() else None
    records["peak_gb"] = int(peak[1]) / 1024**2 if peak else None
    return records


FORK_BOMB = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"


def neighbours(scratch: Path) -> tuple[float, float, dict]:
    """Seconds an honest ch01 submission takes beside an honest one, and beside a fork bomb."""
    seconds = []
    for name, other in (("calm", None), ("bomb", [FORK_BOMB])):
        course = scratch / f"neighbour-{name}"
        _submit(course, "ch01", CH01, {"honest": None, "other": other})
        code = cli.main(["autograde", "ch01", "--course", str(course), "--workers", "2",
                         "--cell-timeout", "20", "--timeout", "60", "--no-feedback"])
        assert code == 0
        records = {r["student"]: r for r in report.read_records(course, ["ch01"])}
        seconds.append(records["honest"]["seconds"])
    return seconds[0], seconds[1], records["other"]


def cluster_startup(scratch: Path, workers: int) -> float:
    """Seconds to start ``local:workers``, check its workers and hand them a run, then stop."""
    from deepvision.grade import gradebook as gb
    from deepvision.grade.cluster import ClusterPool
    from deepvision.grade.sandbox import Limits

    root = scratch / f"startup-{workers}"
    root.mkdir()
    infos = gb.register_chapters(ROOT, ["ch01"], root / "gradebook.db", root)
    template = gb.snapshot(root / "gradebook.db", root / "template.db")
    started = time.monotonic()
    pool = ClusterPool(f"local:{workers}", repo=ROOT, chapters=["ch01"], infos=infos,
                       template=template, limits=Limits(), data_dir=cli.data_directory(),
                       quick=os.environ.get("DEEPVISION_QUICK"), feedback=True)
    pool.close()
    return time.monotonic() - started


def cluster_comparison(scratch: Path, n: int, most: int) -> int:
    """Chapter 01, ``n`` honest submissions: local threads against local Dask workers."""
    load = os.getloadavg()
    rows = []
    for workers in range(1, most + 1):
        seconds, scores, per_task = {}, set(), []
        for how, options in (("local", ["--workers", str(workers)]),
                             ("cluster", ["--cluster", f"local:{workers}"])):
            course = scratch / f"{how}-{workers}"
            _submit(course, "ch01", CH01, {f"student{i:02d}": None for i in range(n)})
            started = time.monotonic()
            code = cli.main(["autograde", "ch01", "--course", str(course), "--cell-timeout",
                             "60", "--timeout", "120", *options])
            seconds[how] = time.monotonic() - started
            assert code == 0
            records = report.read_records(course, ["ch01"])
            scores |= {(r["status"], r["score"]) for r in records}
            per_task += [r["timings"]["cluster"] for r in records if "cluster" in r["timings"]]
        startup = cluster_startup(scratch, workers)
        rows.append((workers, seconds["local"], seconds["cluster"], startup, scores, per_task))
    print()
    print(f"machine: {os.cpu_count()} cores, load average before {load[0]:.1f} / {load[1]:.1f} / "
          f"{load[2]:.1f}; chapter 01 in quick mode, {n} honest submissions, sandboxed, with "
          "feedback (registration and the reference solution included in each run)")
    for workers, local, cluster, startup, scores, per_task in rows:
        overhead = (cluster - local) / n
        print(f"  {workers} worker{'s' if workers > 1 else ' '}: local {local:6.1f} s "
              f"{60 * n / local:5.2f} per minute | --cluster local:{workers} {cluster:6.1f} s "
              f"{60 * n / cluster:5.2f} per minute | overhead {overhead:+.2f} s per submission, "
              f"{(cluster - local - startup) / n:+.2f} s without the cluster's start-up "
              f"({startup:.1f} s) (goal under 0.5 s); {sorted(scores)}")
        print(f"    measured on each task (the notebook in, the result packed and sent back): "
              f"mean {statistics.mean(per_task):.3f} s, max {max(per_task):.3f} s "
              f"over {len(per_task)} submissions")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=6)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--cluster", type=cli.parse_cluster, metavar="local:N",
                        help="measure the Dask cluster with 1..N workers instead")
    args = parser.parse_args(argv)
    os.environ.setdefault("DEEPVISION_QUICK", "1")
    n = args.submissions
    if args.cluster:
        if not args.cluster.startswith("local:"):
            parser.error("--cluster: this benchmark starts its own clusters: local:N")
        with tempfile.TemporaryDirectory(prefix="deepvision-bench-") as scratch:
            return cluster_comparison(Path(scratch), n, int(args.cluster.split(":")[1]))
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="deepvision-bench-") as scratch:
        scratch = Path(scratch)
        plain = None if args.skip_plain else plain_nbgrader(scratch, n)
        walled, walled_records = command(scratch, "walled", n, args.workers)
        open_, open_records = command(scratch, "open", n, args.workers, "--no-sandbox")
        inside, bare = wall_starts(args.starts)
        records = broken(scratch, args.workers)
        calm, bombed, bomb_record = neighbours(scratch)
    print()
    print(f"machine: {os.cpu_count()} cores, load average before {load[0]:.1f} / {load[1]:.1f} / "
          f"{load[2]:.1f}; workers {args.workers}; chapter 04 in quick mode, {n} honest "
          "submissions")
    rows = []
    if plain:
        rows.append(("plain nbgrader autograde (serial, no feedback)", plain))
    rows += [("grading command, sandboxed, with feedback", walled),
             ("grading command, --no-sandbox, with feedback", open_)]
    for label, seconds in rows:
        print(f"  {label:<48} {seconds:6.1f} s  {60 * n / seconds:5.2f} per minute")
    if plain:
        print(f"  ratio, sandboxed command to plain nbgrader: {plain / walled:.2f}x (goal 1.7x)")
    scores = sorted({r["score"] for r in walled_records + open_records})
    walled_mean = statistics.mean(r["seconds"] for r in walled_records)
    open_mean = statistics.mean(r["seconds"] for r in open_records)
    print(f"  mean time of one submission, {args.workers} at a time: sandboxed {walled_mean:.2f} s,"
          f" not {open_mean:.2f} s: the sandbox costs {walled_mean - open_mean:+.2f} s "
          f"(scores {scores})")
    print(f"walls alone: python -c pass inside {inside:.3f} s, bare {bare:.3f} s (median of "
          f"{args.starts}): {inside - bare:+.3f} s per kernel start")
    loop, bomb = records["broken_loop"], records["broken_memory"]
    print(f"infinite loop (chapter 01, cell timeout 20 s): {loop['seconds']:.1f} s, "
          f"{loop['status']}, {loop['score']:g}/{loop['max_score']:g}")
    peak = f"{records['peak_gb']:.2f} GB" if records["peak_gb"] else "not measured"
    print(f"memory bomb (limit 1.5G): peak resident {peak}, {bomb['seconds']:.1f} s, "
          f"{bomb['status']}, {bomb['score']:g}/{bomb['max_score']:g}")
    print(f"fork bomb neighbour (chapter 01, 2 workers): the honest submission took "
          f"{calm:.1f} s beside an honest one, {bombed:.1f} s beside a spinning fork bomb "
          f"({bombed / calm:.2f}x); the bomb itself {bomb_record['seconds']:.0f} s, "
          f"{bomb_record['status']}, {bomb_record['score']:g}/{bomb_record['max_score']:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
