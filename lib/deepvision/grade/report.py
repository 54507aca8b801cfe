"""What the instructor sees: a progress bar, the summary table, the CSV files.

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

STATUS_WORDS = {
    "graded": "graded",
    "attention": "needs attention",
    "failed": "failed",
    "unreadable": "failed (unreadable)",
}


class Progress:
    """A one-line progress bar on stderr (one line per submission when not a terminal)."""

    def __init__(self, total: int, stream=None):
        self.total, self.done = total, 0
        self.counts = {"graded": 0, "attention": 0, "failed": 0}
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def update(self, record: dict) -> None:
        self.done += 1
        status = record["status"]
        self.counts["failed" if status == "unreadable" else status] += 1
        elapsed = time.monotonic() - self.started
        width = 30
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        counts = "  ".join(f"{k} {v}" for k, v in self.counts.items())
        line = (f"[{bar}] {self.done}/{self.total}  {counts}  {elapsed:5.0f} s  "
                f"last: {record['student']}/{record['chapter']} {STATUS_WORDS[status]}")
        if self.tty:
            self.stream.write("\r" + line[:160].ljust(160))
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def summary_table(records: list[dict], elapsed: float) -> str:
    """The final table: one row per submission, then the counts and the throughput."""
    header = ("student", "chapter", "status", "score", "time", "why / notes")
    rows = []
    for record in sorted(records, key=lambda r: (r["chapter"], r["status"] == "graded",
                                                 r["student"])):
        score = ("" if record.get("score") is None
                 else f"{record['score']:g}/{record['max_score']:g}")
        why = record.get("reason") or ""
        notes = record.get("notes") or []
        if notes:
            extra = f" (+{len(notes) - 1} more)" if len(notes) > 1 else ""
            why = (why + "; " if why else "") + notes[0] + extra
        rows.append((record["student"], record["chapter"], STATUS_WORDS[record["status"]],
                     score, f"{record['seconds']:.0f} s", why[:110]))
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    counts = {word: 0 for word in ("graded", "attention", "failed")}
    for record in records:
        counts["failed" if record["status"] == "unreadable" else record["status"]] += 1
    rate = 60 * len(records) / elapsed if elapsed > 0 else 0.0
    lines.append("")
    lines.append(f"{len(records)} submissions in {elapsed:.0f} s ({rate:.1f} per minute): "
                 f"{counts['graded']} graded, {counts['attention']} need attention, "
                 f"{counts['failed']} failed")
    return "\n".join(lines)


def write_record(course: Path, record: dict) -> Path:
    """Save one submission's outcome under ``<course>/grading/<chapter>/<student>.json``."""
    path = course / "grading" / record["chapter"] / f"{record['student']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return path


def read_records(course: Path, chapters: list[str] | None = None) -> list[dict]:
    records = []
    for path in sorted((course / "grading").glob("ch*/*.json")):
        if chapters and path.parent.name not in chapters:
            continue
        try:
            records.append(json.loads(path.read_text()))
        except (OSError, json.JSONDecodeError):
            continue
    return records


def write_csv(path: Path, rows: list[dict], fields: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


GRADE_FIELDS = ["student", "chapter", "notebook", "exercise", "score", "max_score", "auto_score",
                "manual_score", "needs_manual_grade", "late_penalty"]
ATTENTION_FIELDS = ["student", "chapter", "status", "score", "max_score", "reason", "notes"]


def attention_rows(records: list[dict]) -> list[dict]:
    """Submissions a human should look at: every status but ``graded``."""
    rows = []
    for record in sorted(records, key=lambda r: (r["chapter"], r["student"])):
        if record["status"] == "graded":
            continue
        rows.append({**record, "status": STATUS_WORDS[record["status"]],
                     "notes": " | ".join(record.get("notes") or [])})
    return rows
