"""Find submissions, read them safely and prepare each one for nbgrader.

Two layouts are accepted:

- nbgrader's ``submitted/<student>/<chapter>/<notebook>.ipynb`` (from ``nbgrader collect`` or
  ``nbgrader zip_collect``); a ``timestamp.txt`` beside the notebook is kept;
- a plain folder of notebooks, one per student, as an LMS download gives: ``<student>.ipynb``
  (the chapter comes from the command line) or ``<student>_<chNN>[_anything].ipynb`` (also with
  ``-`` instead of ``_``). Student ids are letters, digits, ``.``, ``@``, ``-`` and ``_``.

:func:`prepare` turns a submitted notebook into the one nbgrader grades: outputs cleared,
deleted graded cells put back from the released chapter, unknown graded cells demoted, the
kernel set to the grading kernel, and a guard cell (:mod:`deepvision.grade.guard`) before every
graded cell. Every change is reported as a note.

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

STUDENT_ID = re.compile(r"^[A-Za-z0-9@._-]+$")
LMS_NAME = re.compile(r"^(?P<student>.+?)[_-](?P<chapter>ch\d\d)(?:[_-].*)?$")
MAX_NOTEBOOK_BYTES = 64 * 1024**2
GUARD_TAG = "deepvision-guard"
#: The first words of every cell the grader inserts (what feedback and the logs leave out).
GUARD_PREFIX = "# Inserted by the grader"

#: Start of a bare name: not the tail of a longer name (``x_i``), not an attribute (``model.eval``).
_BARE = r"(?<![\w.])"
#: A call of a builtin by its bare name (``exec(``), not a method (``model.compile(``), not a
#: ``def`` of a method with that name.
_CALL = _BARE + r"(?<!def )(?:{})\s*\("

#: Code a learner has no reason to write in an exercise; each match is flagged for a human.
#: Each pattern is tested against every chapter's solution (no match) and a hostile snippet
#: (a match) in tests/test_grade_scan.py.
SUSPICIOUS = [
    (r"\b(?:checks|ops|np|numpy|deepvision)(?:\.\w+)+\s*=(?!=)", "assigns to a library name"),
    (r"\bsetattr\s*\(|__setattr__", "setattr"),
    (r"__code__|__globals__|__defaults__|__kwdefaults__|__closure__",
     "rewrites function internals"),
    (r"\bbuiltins\b|__builtins__", "touches builtins"),
    (r"sys\.modules", "touches sys.modules"),
    (r"set_custom_exc|input_transformer|ast_transformers|events\.register|run_cell",
     "hooks IPython"),
    (r"excepthook|displayhook|settrace|setprofile", "hooks the interpreter"),
    (r"\bos\.(?:_exit|kill|abort)|" + _BARE
     + r"signal\.(?:SIG|signal\b|alarm|setitimer|raise_signal|pthread_kill)",
     "kills or signals the process"),
    (r"\bsys\.exit|\bSystemExit\b|" + _CALL.format("exit|quit"), "exits the interpreter"),
    (r"\bctypes\b|\bimportlib\b|__import__", "low-level import or memory access"),
    (_CALL.format("exec|eval|compile"), "runs generated code"),
    (r"deepvision\.grade\b|_dv_guard|deepvision-guard", "mentions the grader's guard"),
    (_BARE + r"(?<!for )(?:_ih|_ii|_iii|_i\d*)\b(?!\s*=(?!=))|" + _BARE + r"In\s*[\[\]),]|"
     + _BARE + r"inspect\.|\b_getframe\b|\bcurrentframe\b|\.f_(?:back|globals|locals)\b",
     "reads cell history or frames"),
]


@dataclass
class Submission:
    """One student's work for one chapter."""

    student: str
    chapter: str
    files: list[Path]
    timestamp: str | None = None
    lms: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.student}/{self.chapter}"


def is_nbgrader_layout(folder: Path) -> bool:
    """True when ``folder`` holds ``<student>/<chNN>/`` folders."""
    return any(p.is_dir() and p.name.startswith("ch") for p in folder.glob("*/*"))


def discover(folder: Path, chapters: list[str]) -> tuple[list[Submission], list[str]]:
    """Submissions under ``folder`` for ``chapters``, and sentences about files skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"submissions: no folder {folder}")
    if is_nbgrader_layout(folder):
        return _discover_nbgrader(folder, chapters)
    return _discover_plain(folder, chapters)


def _discover_nbgrader(folder, chapters):
    found, skipped = [], []
    for student_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        if not STUDENT_ID.match(student_dir.name):
            skipped.append(f"{student_dir.name}: not a valid student id")
            continue
        for chapter in chapters:
            chapter_dir = student_dir / chapter
            if not chapter_dir.is_dir():
                continue
            stamp = chapter_dir / "timestamp.txt"
            files = sorted(chapter_dir.glob("*.ipynb"))
            timestamp = stamp.read_text().strip() if stamp.is_file() else None
            found.append(Submission(student_dir.name, chapter, files, timestamp))
    return found, skipped


def _discover_plain(folder, chapters):
    groups: dict[tuple[str, str], list[Path]] = {}
    skipped = []
    for path in sorted(folder.glob("*.ipynb")):
        match = LMS_NAME.match(path.stem)
        if match:
            student, chapter = match["student"], match["chapter"]
        elif len(chapters) == 1:
            student, chapter = path.stem, chapters[0]
        else:
            skipped.append(f"{path.name}: no chapter in the name; name it <student>_chNN.ipynb")
            continue
        if chapter not in chapters:
            continue
        if not STUDENT_ID.match(student):
            skipped.append(f"{path.name}: student id {student!r} has characters other than "
                           "letters, digits, '.', '@', '-', '_'")
            continue
        groups.setdefault((student, chapter), []).append(path)
    found = []
    for (student, chapter), paths in sorted(groups.items()):
        paths.sort(key=lambda p: p.stat().st_mtime)
        submission = Submission(student, chapter, [paths[-1]], lms=True)
        if len(paths) > 1:
            submission.notes.append(
                f"{len(paths)} files for this student; graded the newest, {paths[-1].name}"
            )
        found.append(submission)
    return found, skipped


class Unreadable(Exception):
    """A submitted file that is not a notebook (empty, truncated, not JSON, too large)."""


def read_notebook(path: Path):
    """Parse a submitted notebook, or raise :class:`Unreadable` with a sentence."""
    size = path.stat().st_size
    if size == 0:
        raise Unreadable(f"{path.name} is an empty file")
    if size > MAX_NOTEBOOK_BYTES:
        raise Unreadable(f"{path.name} is {size / 1024**2:.0f} MB (limit "
                         f"{MAX_NOTEBOOK_BYTES // 1024**2} MB)")
    try:
        raw = json.loads(path.read_bytes().decode("utf-8", errors="replace"))
    except json.JSONDecodeError as error:
        raise Unreadable(f"{path.name} is not valid notebook JSON ({error})") from error
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise Unreadable(f"{path.name} has no list of cells")
    raw.setdefault("nbformat", 4)
    raw.setdefault("nbformat_minor", 5)
    raw.setdefault("metadata", {})
    try:
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as error:  # nbformat raises several kinds on damaged notebooks
        raise Unreadable(f"{path.name} is not a valid notebook ({error})") from error
    for cell in notebook.cells:
        if not isinstance(cell.get("source", ""), str) or cell.get("cell_type") not in (
            "code", "markdown", "raw"
        ):
            raise Unreadable(f"{path.name} has a damaged cell")
    return notebook


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def import_names(source_notebook) -> dict:
    """``{alias: (module, attribute)}`` for the imports of the chapter's ordinary cells."""
    names = {}
    for cell in source_notebook.cells:
        if cell.cell_type != "code" or nbgrader_meta(cell).get("solution"):
            continue
        code = "\n".join(
            line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))
        )
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        names[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        names[top] = (top, None)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def scan(notebook, released_sources: set[str]) -> list[str]:
    """Sentences naming suspicious code in the learner's cells (see :data:`SUSPICIOUS`).

    Cells whose source is one of ``released_sources`` (the released chapter's cells) are not
    read. Each pattern is reported once per cell, at its first match, as "suspicious code in
    cell 12, line 3 (runs generated code): 'exec('" (cell and line numbers start at 1); a cell's
    notes come in the order of their lines.
    """
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or cell.source in released_sources:
            continue
        matches = [(match, reason) for pattern, reason in SUSPICIOUS
                   if (match := re.search(pattern, cell.source))]
        for match, reason in sorted(matches, key=lambda item: item[0].start()):
            line = cell.source.count("\n", 0, match.start()) + 1
            found.append(f"suspicious code in cell {index + 1}, line {line} ({reason}): "
                         f"{match.group(0)!r}")
    return found


def guard_cell(names: dict, skip_next=None):
    source = (
        f"{GUARD_PREFIX} (not part of your notebook): restore the course's checkers.\n"
        "import deepvision.grade.guard as _dv_guard\n"
        f"_dv_guard.restore({names!r}, skip_next={skip_next!r})\n"
        "del _dv_guard"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = [GUARD_TAG]
    return cell


def prepare(notebook, released, names: dict, skip: dict | None = None,
            accepted: dict | None = None):
    """The notebook nbgrader grades, and notes about what was changed.

    Args:
        notebook: The submission (as read by :func:`read_notebook`).
        released: The chapter's released (student) notebook.
        names: Import names for the guard (:func:`import_names`).
        skip: ``{key: reason}``: cells that killed the kernel or ran past the time limit in an
            earlier attempt. Keys are :func:`source_sha` of an ordinary cell (replaced by a
            ``raise``) or ``"grade:<grade_id>"`` of a graded cell (failed through the guard).
    """
    skip = dict(skip or {})
    notes = []
    released_cells = {nbgrader_meta(c).get("grade_id"): c for c in released.cells
                      if nbgrader_meta(c).get("grade_id")}
    order = [gid for gid in released_cells]
    seen = set()
    cells = []
    for cell in notebook.cells:
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if grade_id and (grade_id not in released_cells or grade_id in seen):
            why = "not in the chapter" if grade_id not in released_cells else "a duplicate"
            notes.append(f"cell with grade id {grade_id!r} is {why}: treated as an ordinary cell")
            del cell.metadata["nbgrader"]
            grade_id = None
        if grade_id:
            seen.add(grade_id)
            original = released_cells[grade_id]
            allowed = {original.source.strip()} | {
                text.strip() for text in (accepted or {}).get(grade_id, ())
            }
            if nbgrader_meta(original).get("grade") and cell.source.strip() not in allowed:
                notes.append(f"test cell {grade_id!r} was edited: restored from the source")
        cells.append(cell)
    for position, grade_id in enumerate(order):
        original = released_cells[grade_id]
        if grade_id in seen or not nbgrader_meta(original).get("grade"):
            continue
        notes.append(f"test cell {grade_id!r} was deleted: restored from the source")
        restored = nbformat.from_dict(json.loads(json.dumps(original)))
        anchor = next((g for g in reversed(order[:position]) if g in seen), None)
        at = len(cells)
        if anchor is not None:
            at = 1 + next(
                i for i, c in enumerate(cells) if nbgrader_meta(c).get("grade_id") == anchor
            )
        cells.insert(at, restored)
        seen.add(grade_id)
    final = []
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            meta = nbgrader_meta(cell)
            if meta.get("grade"):
                reason = skip.get(f"grade:{meta['grade_id']}")
                line = first_line(released_cells[meta["grade_id"]].source)
                final.append(guard_cell(names, (line, reason) if reason else None))
            elif not meta.get("locked") and source_sha(cell.source) in skip:
                cell.source = f"raise RuntimeError({skip[source_sha(cell.source)]!r})"
        final.append(cell)
    notebook.cells = final
    notebook.metadata["kernelspec"] = {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python",
    }
    return notebook, notes


def source_sha(source: str) -> str:
    """A short fingerprint of a cell's source (what the grader's progress log records)."""
    return hashlib.sha1(source.strip().encode()).hexdigest()[:16]


def first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""
