"""What one full-mode submission of each training chapter costs to grade, in seconds.

Grades the solution notebook of each chapter that trains a network (03, 04, 05, 06) as one
student, with ``DEEPVISION_QUICK`` unset (the sizes a learner runs), through
``python -m deepvision.grade autograde`` (sandboxed, with feedback, 2 workers: the reference
solution runs beside the submission). Needs the full datasets in ``DEEPVISION_DATA_DIR``.
Prints each chapter's grading time and score, and what a class of 300 costs per core.

    python benchmarks/grading_full_mode.py [ch03 ch04 ...]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from deepvision import build
from deepvision.grade import cli, report

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ["ch03", "ch04", "ch05", "ch06"]


def main(argv=None) -> int:
    chapters = list(argv if argv is not None else sys.argv[1:]) or CHAPTERS
    os.environ.pop("DEEPVISION_QUICK", None)
    rows = []
    for chapter in chapters:
        solution = next((ROOT / "solutions" / chapter).glob("*.ipynb"))
        with tempfile.TemporaryDirectory(prefix="deepvision-full-") as scratch:
            course = Path(scratch)
            folder = course / "submitted" / "learner" / chapter
            folder.mkdir(parents=True)
            (folder / solution.name).write_bytes(solution.read_bytes())
            started = time.monotonic()
            code = cli.main(["autograde", chapter, "--course", str(course), "--workers", "2",
                             "--cell-timeout", "1800", "--timeout", "3600"])
            elapsed = time.monotonic() - started
            records = report.read_records(course, [chapter])
        if code != 0 or not records:
            rows.append((chapter, None, elapsed, f"the run stopped (exit {code})"))
            continue
        record = records[0]
        rows.append((chapter, record["seconds"], elapsed,
                     f"{record['score']:g}/{record['max_score']:g} {record['status']}"))
    print()
    print(f"full mode, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"chapters {', '.join(build.assignments(ROOT))} exist")
    for chapter, seconds, elapsed, result in rows:
        if seconds is None:
            print(f"  {chapter}: {result} after {elapsed:.0f} s")
            continue
        print(f"  {chapter}: one submission {seconds:5.0f} s ({result}); whole run "
              f"{elapsed:4.0f} s; 300 submissions about {300 * seconds / 3600:.1f} core-hours")
    return 0


if __name__ == "__main__":
    sys.exit(main())
