"""The rules every chapter notebook and every library docstring follow, as checks.

``python -m deepvision.build check`` (CI) runs them all (:func:`problems`); each returns
sentences that say where the problem is and what to do. The rules:

* **template**: every notebook opens with learning goals and ends with **Summary**, **Check your
  understanding** (3-5 questions, answers behind ``<details>``), **Going further**, **Further
  reading** (author, title, year and a link for each entry) and a **Next** line;
* **no raw placeholders**: markdown never shows Python such as ``{checks.ch04.THRESHOLD:.0%}``
  (markdown is not an f-string: say the value, or print it from a code cell);
* **no pasted helpers**: only exercise (solution) cells define functions or classes; everything
  else comes from the library;
* **sources by name**: no "article 004" or "the course notes": author and title;
* **taught outputs**: a cell tagged ``taught-output`` records what it must print
  (``metadata.deepvision.expected_output``), and the notebook tests compare;
* **Taught in**: every ``Taught in: chapter NN, "Heading"`` in the library names a heading of
  that chapter's notebook (or says ``(to be written)`` for a chapter that does not exist yet).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

TEMPLATE_SECTIONS = ("Summary", "Check your understanding", "Going further", "Further reading")
TAUGHT_OUTPUT_TAG = "taught-output"
#: Where the library says where it is taught: everything but the instructor's tools.
TAUGHT_IN_EXCLUDED = ("grade", "build.py", "rules.py")

_CODE_OR_MATH = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]+\$", re.S)
_PLACEHOLDER = re.compile(r"(?<![\w\\])\{[A-Za-z_][\w.]*(\[[^\]]*\])*(![rsa])?(:[^{}]*)?\}")
_FILE_CITATION = re.compile(
    r"\barticle 00\d\b|\bseed 00\d\b|\b00\d_[0-9a-f]{16}|course notes", re.I
)
_YEAR = re.compile(r"\b(1[89]|20)\d{2}\b")
_LINK = re.compile(r"\]\((https?://[^)\s]+)\)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$", re.M)
_DEF = re.compile(r"^\s*(?:async\s+)?(def|class)\s+(\w+)", re.M)


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def normalize_heading(text):
    """A heading as references name it: no '#', no "3. " numbering, no backticks, lower case."""
    text = re.sub(r"^#+\s*", "", text.strip())
    text = re.sub(r"^\d+\.\s+", "", text)
    return text.replace("`", "").strip().rstrip(".:").lower()


def headings(notebook):
    """Every markdown heading of a notebook, normalized (see :func:`normalize_heading`)."""
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown":
            found += [normalize_heading(m.group(2)) for m in _HEADING.finditer(_source(cell))]
    return found


def _sections(notebook):
    """The markdown text under each level-2 heading, in order: [(title, text, cell index)]."""
    sections, current = [], None
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for line in _source(cell).splitlines():
            match = re.match(r"^##\s+(.*?)\s*$", line)
            if match:
                current = [match.group(1), "", index]
                sections.append(current)
            elif current is not None:
                current[1] += line + "\n"
    return [tuple(section) for section in sections]


def _bullets(text):
    return [line for line in text.splitlines() if re.match(r"^\s*([-*]|\d+\.)\s+\S", line)]


def template_problems(notebook, where):
    """The chapter template: learning goals first; the closing sections, in order; a Next line."""
    found = []
    cells = notebook["cells"]
    first = next((c for c in cells if c["cell_type"] == "markdown"), None)
    intro = _source(first) if first else ""
    goals = intro.split("**Learning goals**", 1)
    if len(goals) < 2 or len(_bullets(goals[1])) < 3:
        found.append(
            f"{where}: the first cell needs **Learning goals** followed by at least three "
            "bullet points (what a learner can do after the chapter)"
        )
    sections = _sections(notebook)
    titles = [title for title, _, _ in sections]
    positions = []
    for name in TEMPLATE_SECTIONS:
        if name not in titles:
            found.append(
                f"{where}: no '## {name}' section (the chapter template ends with "
                f"{', '.join(TEMPLATE_SECTIONS)} and a Next line)"
            )
        else:
            positions.append(titles.index(name))
    if positions != sorted(positions):
        found.append(
            f"{where}: the closing sections are out of order; expected "
            f"{' → '.join(TEMPLATE_SECTIONS)}"
        )
    text = {title: body for title, body, _ in sections}
    if "Summary" in text and len(_bullets(text["Summary"])) < 3:
        found.append(f"{where}: '## Summary' should list at least three points")
    if "Check your understanding" in text:
        body = text["Check your understanding"]
        questions, answers = body.count("<details>"), body.count("<summary>")
        if not 3 <= questions <= 5 or answers != questions or body.count("</details>") != questions:
            found.append(
                f"{where}: '## Check your understanding' needs 3-5 questions, each with its "
                f"answer in <details><summary>Answer</summary>...</details> (found {questions})"
            )
    if "Going further" in text and len(_bullets(text["Going further"])) < 2:
        found.append(f"{where}: '## Going further' should offer at least two ungraded challenges")
    if "Further reading" in text:
        entries = _bullets(text["Further reading"])
        if len(entries) < 2:
            found.append(f"{where}: '## Further reading' should list at least two sources")
        for entry in entries:
            if not _YEAR.search(entry) or not _LINK.search(entry):
                found.append(
                    f"{where}: a further-reading entry needs author, title, year and a link: "
                    f"{entry.strip()[:80]!r}"
                )
    last = _source(cells[-1]) if cells else ""
    if cells and (cells[-1]["cell_type"] != "markdown" or "**Next:**" not in last):
        found.append(f"{where}: the last cell should be the **Next:** line (what comes next)")
    return found


def text_problems(notebook, where, root):
    """Placeholders, pasted helpers, citations by file name, Next links, taught outputs."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            prose = _CODE_OR_MATH.sub("", source)
            for match in _PLACEHOLDER.finditer(prose):
                found.append(
                    f"{where}: cell {index} markdown shows raw Python {match.group(0)!r} to the "
                    "learner (markdown is not an f-string): write the value, or print it from code"
                )
            for match in re.finditer(r"\]\((\.\./ch\d\d/[^)#]+\.ipynb)\)", source):
                target = (root / "solutions" / Path(match.group(1)).relative_to("..")).resolve()
                if not target.exists():
                    found.append(f"{where}: cell {index} links {match.group(1)}, which is missing")
        if _FILE_CITATION.search(
            _CODE_OR_MATH.sub("", source) if cell["cell_type"] == "markdown" else source
        ):
            found.append(
                f"{where}: cell {index} cites a source by file or as 'the course notes': name "
                "its author and title"
            )
        if cell["cell_type"] == "code" and not _nbgrader(cell).get("solution"):
            for match in _DEF.finditer(source):
                found.append(
                    f"{where}: cell {index} defines {match.group(1)} {match.group(2)!r} outside an "
                    "exercise: a helper belongs in lib/deepvision (notebooks never paste code)"
                )
        tagged = TAUGHT_OUTPUT_TAG in cell.get("metadata", {}).get("tags", [])
        recorded = "expected_output" in cell.get("metadata", {}).get("deepvision", {})
        if tagged and not recorded:
            found.append(
                f"{where}: cell {index} is tagged {TAUGHT_OUTPUT_TAG!r} but records no "
                "expected output: run `python -m deepvision.build record-outputs`"
            )
        if recorded and not tagged:
            found.append(
                f"{where}: cell {index} records an expected output but is not tagged "
                f"{TAUGHT_OUTPUT_TAG!r}"
            )
    return found


_TAUGHT_IN = re.compile(r"Taught in:(.*?)(?:\n\s*\n|\"\"\"|$)", re.S)
_CHAPTER_REF = re.compile(r"chapter (\d\d)")


def taught_in_references(root):
    """Every "Taught in:" of the library: [(file, line, text)]."""
    found = []
    package = root / "lib" / "deepvision"
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if relative.parts[0] in TAUGHT_IN_EXCLUDED:
            continue
        source = path.read_text()
        for match in _TAUGHT_IN.finditer(source):
            line = source.count("\n", 0, match.start()) + 1
            found.append((f"lib/deepvision/{relative}", line, " ".join(match.group(1).split())))
    return found


def taught_in_problems(root):
    """Each "Taught in" names headings that exist in that chapter's solution notebook."""
    found = []
    notebooks = {}
    for path in sorted((root / "solutions").glob("ch*/*.ipynb")):
        notebooks[path.parent.name[2:]] = headings(json.loads(path.read_text()))
    for where, line, text in taught_in_references(root):
        place = f"{where}:{line}"
        if text.startswith("every chapter's first cell"):
            continue
        refs = list(_CHAPTER_REF.finditer(text))
        if not refs:
            found.append(
                f"{place}: 'Taught in: {text}' names no chapter: write "
                'Taught in: chapter NN, "Heading"'
            )
            continue
        for position, ref in enumerate(refs):
            end = refs[position + 1].start() if position + 1 < len(refs) else len(text)
            part = text[ref.end() : end]
            chapter = ref.group(1)
            cited = re.findall(r'"([^"]+)"', part)
            if "(to be written)" in part:
                if chapter in notebooks:
                    found.append(f"{place}: chapter {chapter} exists now: name its heading")
                continue
            if chapter not in notebooks:
                found.append(
                    f"{place}: chapter {chapter} has no notebook; write 'chapter "
                    f"{chapter} (to be written)' until it has"
                )
                continue
            if not cited:
                found.append(
                    f"{place}: 'chapter {chapter}' names no heading: add "
                    f'"Heading" (one of the notebook\'s section titles)'
                )
            for heading in cited:
                if normalize_heading(heading) not in notebooks[chapter]:
                    found.append(f"{place}: chapter {chapter} has no heading {heading!r}")
    return found


def problems(root):
    """Every rule broken in ``root``'s solutions/ notebooks and library, as sentences."""
    found = []
    for path in sorted((root / "solutions").glob("ch*/*.ipynb")):
        notebook = json.loads(path.read_text())
        where = str(path.relative_to(root))
        found += template_problems(notebook, where)
        found += text_problems(notebook, where, root)
    found += taught_in_problems(root)
    return found
