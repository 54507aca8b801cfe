"""Grading throughput and the cost of the worst broken submissions, measured in one run.

Grades N synthetic submissions of chapter 01 (its notebook imports Keras, so every kernel pays
TensorFlow's import) together with an infinite loop and a memory bomb, using
``python -m deepvision.grade autograde`` with one worker per core, then prints:

- honest submissions per minute (the whole run's wall time over the number of submissions);
- the wall time the infinite-loop submission cost;
- the peak resident memory of the memory-bomb kernel (read from /proc by a cell after the bomb).

    python benchmarks/grading.py [--submissions 16] [--workers N] [--cell-timeout 20]
        [--timeout 60] [--memory 1.5G]

Goals on a 2-core machine: >= 12 submissions per minute, an infinite loop <= 35 s, a memory bomb
stopped below 2 GB. Figures depend on what else the machine is running.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from deepvision.grade import cli, report

ROOT = Path(__file__).resolve().parents[1]
NAME = "01_machine_learning_basics"
PEAK = (
    "del blocks\nimport re\n"
    "print('peak', re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1])"
)


def _notebook(extra=None, solved=True):
    path = ROOT / ("solutions" if solved else "chapters") / "ch01" / f"{NAME}.ipynb"
    notebook = nbformat.read(str(path), as_version=4)
    if extra:
        at = next(i for i, c in enumerate(notebook.cells)
                  if c.metadata.get("nbgrader", {}).get("grade_id") == "mse_test") + 1
        for offset, source in enumerate(extra):
            notebook.cells.insert(at + offset, nbformat.v4.new_code_cell(source))
    return notebook


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cell-timeout", default="20")
    parser.add_argument("--timeout", default="60")
    parser.add_argument("--memory", default="1.5G")
    parser.add_argument("--no-feedback", action="store_true", help="skip feedback HTML")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="deepvision-bench-") as scratch:
        course = Path(scratch)
        cases = {f"student{i:03d}": _notebook(solved=i % 4 != 3) for i in range(args.submissions)}
        cases["broken_loop"] = _notebook(["while True:\n    pass"])
        cases["broken_memory"] = _notebook(
            ["blocks = []\nwhile True:\n    blocks.append(np.ones(10**7))  # 80 MB at a time",
             PEAK])
        for student, notebook in cases.items():
            folder = course / "submitted" / student / "ch01"
            folder.mkdir(parents=True)
            nbformat.write(notebook, str(folder / f"{NAME}.ipynb"))
        started = time.monotonic()
        cli.main(["autograde", "ch01", "--course", str(course), "--workers", str(args.workers),
                  "--cell-timeout", args.cell_timeout, "--timeout", args.timeout,
                  "--memory", args.memory, *(["--no-feedback"] if args.no_feedback else [])])
        elapsed = time.monotonic() - started
        records = {r["student"]: r for r in report.read_records(course, ["ch01"])}
        autograded = course / "autograded" / "broken_memory" / "ch01" / f"{NAME}.ipynb"
        text = autograded.read_text() if autograded.exists() else ""
        peak = re.search(r"peak (\d+)", text)
    honest = [r for s, r in records.items() if s.startswith("student")]
    load = os.getloadavg()
    print()
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / "
          f"{load[2]:.1f} (1 / 5 / 15 min); workers {args.workers}")
    print(f"{len(records)} submissions graded in {elapsed:.0f} s, including setup: "
          f"{60 * len(records) / elapsed:.1f} per minute")
    mean = sum(r["seconds"] for r in honest) / len(honest)
    print(f"honest submissions: mean {mean:.1f} s each with {args.workers} running at once "
          f"({60 * args.workers / mean:.1f} per minute at that pace), "
          f"scores {sorted({r['score'] for r in honest})}, "
          f"feedback {'off' if args.no_feedback else 'on'}")
    loop = records["broken_loop"]
    print(f"infinite loop: {loop['seconds']:.1f} s, status {loop['status']}, "
          f"score {loop['score']:g}/{loop['max_score']:g} "
          f"(cell timeout {args.cell_timeout} s)")
    bomb = records["broken_memory"]
    peak_text = f"{int(peak[1]) / 1024**2:.2f} GB" if peak else "not measured"
    print(f"memory bomb: stopped, kernel peak resident memory {peak_text} "
          f"(limit {args.memory}), {bomb['seconds']:.1f} s, status {bomb['status']}, "
          f"score {bomb['score']:g}/{bomb['max_score']:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
