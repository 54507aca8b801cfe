"""``python -m deepvision.grade``: the instructor's grading command.

    python -m deepvision.grade autograde ch01 [ch02 ...|all] [--submissions DIR] [--workers N]
        [--cell-timeout S] [--timeout S] [--memory 4G] [--disk 512M] [--processes N]
        [--retries N] [--force] [--no-feedback] [--no-sandbox] [--cluster ADDRESS|local:N]
    python -m deepvision.grade feedback ch01 [...]    # regenerate feedback after manual grading
    python -m deepvision.grade export [--out DIR]     # grades.csv and attention.csv

See autograder/README.md for the whole workflow.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from deepvision import build
from deepvision.grade import gradebook as gb
from deepvision.grade import report, walls
from deepvision.grade import submissions as subs
from deepvision.grade.pool import FOLDERS, LocalPool, Refused, write_files
from deepvision.grade.runner import context, run_limited
from deepvision.grade.sandbox import Limits, RunDirectory

NO_SANDBOX_RISK = (
    "without the sandbox, each student's code runs as you, sees what you see (the gradebook, "
    "the other submissions, solutions/ with the hidden tests, your home), can use the network "
    "and can leave processes running (autograder/README.md, section 7)"
)


def _bytes(text: str, what: str) -> int:
    """``"1.5G"``, ``"800M"`` or a byte count, as bytes."""
    text = str(text).strip().upper().removesuffix("B")
    factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(text[-1:], 1)
    number = text[:-1] if text[-1:] in "KMG" else text
    try:
        value = int(float(number) * factor)
    except ValueError as error:
        message = f"{what}: expected a size like 4G, got {text!r}"
        raise argparse.ArgumentTypeError(message) from error
    return value


def parse_size(text: str) -> int:
    """A kernel's memory limit: ``"1.5G"``, ``"800M"`` or a byte count, at least 256M."""
    value = _bytes(text, "memory")
    if value < 256 * 1024**2:
        raise argparse.ArgumentTypeError("memory: at least 256M (the kernel itself needs it)")
    return value


def parse_cluster(text: str) -> str:
    """``--cluster``: ``local:N`` (N >= 1) or a Dask scheduler's address."""
    text = text.strip()
    if text.startswith("local:"):
        count = text.removeprefix("local:")
        if not count.isdigit() or int(count) < 1:
            raise argparse.ArgumentTypeError(f"cluster: expected local:N with N >= 1 worker "
                                             f"processes, got {text!r}")
        return f"local:{int(count)}"
    if not text or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError("cluster: expected a Dask scheduler's address "
                                         f"(tcp://host:8786) or local:N, got {text!r}")
    return text


def parse_disk(text: str) -> int:
    """The box's size: ``"512M"``..., at least 16M."""
    value = _bytes(text, "disk")
    if value < 16 * 1024**2:
        raise argparse.ArgumentTypeError("disk: at least 16M (the kernel writes its sockets, "
                                         "its notebook and caches there)")
    return value


def data_directory() -> str | None:
    """``DEEPVISION_DATA_DIR`` as an absolute path (the kernels run elsewhere), checked."""
    value = os.environ.get("DEEPVISION_DATA_DIR", "")
    if not value:
        return None
    path = Path(value).expanduser().resolve()
    if not path.is_dir():
        raise SystemExit(f"DEEPVISION_DATA_DIR={value!r}: no folder {path}. Point it at the "
                         "folder holding mnist.npz and cifar10.npz, or unset it.")
    os.environ["DEEPVISION_DATA_DIR"] = str(path)
    return str(path)


def sandbox_or_refuse(limits: Limits) -> int | None:
    """None when grading may go on; an exit code after saying why it may not."""
    if not limits.sandbox:
        print(f"WARNING: --no-sandbox: {NO_SANDBOX_RISK}.", file=sys.stderr)
        return None
    reason = walls.unavailable_reason()
    if reason is None:
        return None
    print(f"cannot grade: {reason}.\nThe grading sandbox walls each student's code off from "
          "the gradebook, the other submissions, the hidden tests, the network and the machine's "
          "processes. Grade on a Linux machine with bubblewrap, or pass --no-sandbox to grade "
          f"without it ({NO_SANDBOX_RISK}).", file=sys.stderr)
    return 2


def default_gradebook(course: Path, repo: Path, course_given: bool) -> Path:
    value = os.environ.get("DEEPVISION_GRADEBOOK", "")
    if value:
        return Path(value.removeprefix("sqlite:///"))
    return course / "gradebook.db" if course_given else repo / "autograder" / "gradebook.db"


def resolve_chapters(repo: Path, requested: list[str]) -> list[str]:
    available = build.assignments(repo)
    if not requested or requested == ["all"]:
        return available
    unknown = [c for c in requested if c not in available]
    if unknown:
        raise SystemExit(f"chapter: no solutions/ folder for {unknown}; have {available}")
    return requested


def _fingerprint(submission: subs.Submission, limits: Limits) -> str:
    digest = hashlib.sha256(repr(limits).encode())
    for path in sorted(submission.files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _collect(submission: subs.Submission, course: Path, notebook_name: str) -> None:
    """Copy an LMS download into ``<course>/submitted/<student>/<chapter>/`` (nbgrader layout)."""
    destination = course / "submitted" / submission.student / submission.chapter
    target = destination / f"{notebook_name}.ipynb"
    source = submission.files[0]
    if source.resolve() == target.resolve():
        return
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _finish(result, main_db, course, fingerprint) -> dict:
    """Write one Result into the gradebook and the course folders (main thread only)."""
    outcome = result.outcome
    record = {"student": outcome.student, "chapter": outcome.chapter, "status": outcome.status,
              "reason": outcome.reason, "notes": list(dict.fromkeys(outcome.notes)),
              "seconds": round(outcome.seconds, 2), "attempts": outcome.attempts,
              "timings": outcome.timings,
              "fingerprint": fingerprint}
    if outcome.status in ("graded", "attention"):
        gb.apply(main_db, outcome.chapter, outcome.student, result.grades)
        for folder in FOLDERS:
            if folder in result.files:
                write_files(result.files[folder],
                            course / folder / outcome.student / outcome.chapter)
    else:
        gb.record_zero(main_db, outcome.chapter, outcome.student,
                       needs_manual_grade=outcome.status == "failed")
    missing = gb.unscored(main_db, outcome.chapter, outcome.student)
    if missing:
        record["status"] = "attention"
        record["notes"].append(f"no score for {missing}: grade them by hand")
    record["score"], record["max_score"] = gb.submission_score(main_db, outcome.chapter,
                                                               outcome.student)
    report.write_record(course, record)
    return record


def autograde(args) -> int:
    repo = build.repo_root()
    course = Path(args.course or os.environ.get("DEEPVISION_COURSE_ROOT") or repo).resolve()
    main_db = Path(args.gradebook or default_gradebook(course, repo, bool(args.course))).resolve()
    main_db.parent.mkdir(parents=True, exist_ok=True)
    chapters = resolve_chapters(repo, args.chapters)
    folder = Path(args.submissions or course / "submitted").resolve()
    limits = Limits(args.cell_timeout, args.timeout, args.memory, args.retries, args.disk,
                    args.processes, not args.no_sandbox)
    data_dir = data_directory()
    refused = sandbox_or_refuse(limits)
    if refused is not None:
        return refused
    found, skipped = subs.discover(folder, chapters)
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    run_root = Path(tempfile.mkdtemp(prefix="deepvision-grade-"))
    started = time.monotonic()
    try:
        print(f"registering {', '.join(chapters)} in {main_db}", file=sys.stderr)
        infos = gb.register_chapters(repo, chapters, main_db, run_root)
        template = gb.snapshot(main_db, run_root / "template.db")
        run = RunDirectory(run_root, repo, limits, data_dir, os.environ.get("DEEPVISION_QUICK"))
        previous = {(r["student"], r["chapter"]): r for r in report.read_records(course, chapters)}
        records, todo = [], []
        for submission in found:
            info = infos[submission.chapter]
            if submission.lms and submission.files:
                _collect(submission, course, info.notebook_name)
            fingerprint = _fingerprint(submission, limits)
            old = previous.get((submission.student, submission.chapter))
            if (not args.force and old and old.get("fingerprint") == fingerprint
                    and old["status"] in ("graded", "attention")):
                records.append(old)
                continue
            todo.append((submission, fingerprint))
        if records:
            print(f"{len(records)} submissions unchanged since they were graded: kept "
                  "(use --force to grade them again)", file=sys.stderr)
        chapters_to_grade = sorted({submission.chapter for submission, _ in todo})
        environment = {c: _environment_fingerprint(repo, c, limits, data_dir)
                       for c in chapters_to_grade}
        passed = {c for c in chapters_to_grade
                  if not args.force and _reference_passed(course, c) == environment[c]}
        try:
            client = getattr(args, "client", None)
            if (args.cluster or client) and todo:
                from deepvision.grade.cluster import ClusterPool

                pool = ClusterPool(args.cluster, client=client, repo=repo,
                                   chapters=chapters_to_grade, infos=infos,
                                   template=template, limits=limits,
                                   data_dir=data_dir, quick=os.environ.get("DEEPVISION_QUICK"),
                                   feedback=not args.no_feedback)
            else:
                context()  # start the forkserver (nbgrader preloaded) before the threads
                pool = LocalPool(args.workers, run, template, run_root / "work", infos,
                                 not args.no_feedback, args.keep_scratch)
            try:
                code = _grade_all(pool, todo, records, passed, environment, course, main_db)
            finally:
                pool.close()
        except Refused as refusal:
            print(f"cannot grade: {refusal}", file=sys.stderr)
            return 2
        if code:
            return code
        elapsed = time.monotonic() - started
        print(report.summary_table(records, elapsed))
        _export(main_db, course, Path(args.out) if args.out else course / "grading")
    finally:
        if args.keep_scratch:
            print(f"scratch kept in {run_root}", file=sys.stderr)
        else:
            shutil.rmtree(run_root, ignore_errors=True)
    return 0


def _grade_all(pool, todo, records, passed, environment, course, main_db) -> int:
    """Grade ``todo`` in ``pool``, writing each Result as it comes (the only writer); 0 or 3."""
    for chapter in sorted(passed):
        print(f"the reference solution of {chapter} passed in an earlier run with this same "
              "solution, package, datasets and limits: not graded again (--force does)",
              file=sys.stderr)
    check = [c for c in environment if c not in passed]
    if check:
        print(f"grading the reference solution of {', '.join(check)} first; no "
              "grade is written until it earns full marks", file=sys.stderr)
    progress = report.Progress(len(todo))
    # The reference solutions go first in the queue; submissions graded beside them
    # wait (unwritten) until their chapter's reference has passed.
    references = {pool.reference(chapter): chapter for chapter in check}
    futures = {pool.grade(submission, fingerprint): fingerprint
               for submission, fingerprint in todo}
    waiting, written = [], set()
    for handle, value in pool.completed([*references, *futures]):
        if handle in references:
            if value:
                pool.cancel()
                print(f"cannot grade: {value}", file=sys.stderr)
                return 3
            chapter = references[handle]
            passed.add(chapter)
            _remember_reference(course, chapter, environment[chapter])
        else:
            waiting.append((handle, value))
        ready = [(h, v) for h, v in waiting if v.outcome.chapter in passed]
        waiting = [(h, v) for h, v in waiting if v.outcome.chapter not in passed]
        for done, result in ready:
            key = (result.outcome.student, result.outcome.chapter)
            if key in written:  # never twice, whatever a pool delivers
                continue
            written.add(key)
            record = _finish(result, main_db, course, futures[done])
            records.append(record)
            progress.update(record)
    return 0


def _environment_fingerprint(repo: Path, chapter: str, limits: Limits,
                             data_dir: str | None) -> str:
    """What the reference check depends on: the solution, the package, datasets, limits."""
    import importlib.metadata

    import deepvision

    digest = hashlib.sha256(repr(limits).encode())
    package = Path(deepvision.__file__).parent
    files = [*sorted((repo / "solutions" / chapter).glob("*.ipynb")),
             *sorted(p for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc")]
    for path in files:
        digest.update(str(path.relative_to(path.anchor)).encode() + path.read_bytes())
    if data_dir:
        for path in sorted(Path(data_dir).iterdir()):
            stat = path.stat()
            digest.update(f"{path.name} {stat.st_size} {stat.st_mtime_ns}".encode())
    versions = []
    for name in ("tensorflow", "tensorflow-cpu", "keras", "numpy", "nbgrader", "ipykernel"):
        try:
            versions.append(f"{name}={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    digest.update(" ".join([sys.version, os.environ.get("DEEPVISION_QUICK", ""), *versions,
                            str(data_dir)]).encode())
    return digest.hexdigest()[:24]


def _reference_file(course: Path, chapter: str) -> Path:
    return course / "grading" / f"reference-{chapter}.txt"


def _reference_passed(course: Path, chapter: str) -> str | None:
    try:
        return _reference_file(course, chapter).read_text().split()[0]
    except (OSError, IndexError):
        return None


def _remember_reference(course: Path, chapter: str, fingerprint: str) -> None:
    path = _reference_file(course, chapter)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{fingerprint} passed {time.strftime('%Y-%m-%d %H:%M:%S')}\n")


def _export(main_db: Path, course: Path, out: Path) -> None:
    grades = report.write_csv(out / "grades.csv", gb.grade_rows(main_db), report.GRADE_FIELDS)
    attention = report.write_csv(out / "attention.csv",
                                 report.attention_rows(report.read_records(course)),
                                 report.ATTENTION_FIELDS)
    print(f"wrote {grades} and {attention}")


def feedback(args) -> int:
    """Regenerate feedback from the gradebook (after manual grading), hidden tests redacted."""
    repo = build.repo_root()
    course = Path(args.course or os.environ.get("DEEPVISION_COURSE_ROOT") or repo).resolve()
    main_db = Path(args.gradebook or default_gradebook(course, repo, bool(args.course))).resolve()
    chapters = resolve_chapters(repo, args.chapters)
    run_root = Path(tempfile.mkdtemp(prefix="deepvision-feedback-"))
    try:
        run = RunDirectory(run_root, repo, Limits(), data_directory())
        (run_root / "nbgrader_config.py").write_text(run.config(course, main_db))
        failed = 0
        for chapter in chapters:
            infos = gb.register_chapters(repo, [chapter], main_db, run_root)
            env = run.environment(run_root, infos[chapter].hidden_file)
            command = ["generate_feedback", chapter, "--force"]
            if args.student:
                command += ["--student", args.student]
            code, log = run_limited(command, run_root, env, 3600, 2 * 1024**3)
            print(f"{chapter}: {'feedback written' if code == 0 else 'FAILED'} in "
                  f"{course / 'feedback'}")
            if code != 0:
                failed += 1
                print(log[-2000:], file=sys.stderr)
        return 1 if failed else 0
    finally:
        shutil.rmtree(run_root, ignore_errors=True)


def export(args) -> int:
    repo = build.repo_root()
    course = Path(args.course or os.environ.get("DEEPVISION_COURSE_ROOT") or repo).resolve()
    main_db = Path(args.gradebook or default_gradebook(course, repo, bool(args.course))).resolve()
    if not main_db.exists():
        raise SystemExit(f"gradebook: no file {main_db}; grade something first")
    _export(main_db, course, Path(args.out) if args.out else course / "grading")
    return 0


def main(argv=None, client=None) -> int:
    """The command; ``client``, a ``distributed.Client``, grades on its cluster as ``--cluster``
    does (for clusters reached through an object, such as a Dask Gateway cluster's client)."""
    parser = argparse.ArgumentParser(prog="python -m deepvision.grade", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p):
        p.add_argument("--course", help="course folder (default: DEEPVISION_COURSE_ROOT or "
                       "the repository): holds submitted/, autograded/, feedback/, grading/")
        p.add_argument("--gradebook", help="gradebook file (default: DEEPVISION_GRADEBOOK, "
                       "<course>/gradebook.db with --course, else autograder/gradebook.db)")
        p.add_argument("--out", help="folder for grades.csv and attention.csv "
                       "(default: <course>/grading)")

    grade = sub.add_parser("autograde", help="grade submissions in parallel, under limits")
    grade.add_argument("chapters", nargs="*", help="chapter ids or 'all' (default: all)")
    common(grade)
    grade.add_argument("--submissions", help="nbgrader submitted/ folder or a folder of "
                       "<student>[_chNN].ipynb files (default: <course>/submitted)")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    grade.add_argument("--cell-timeout", type=int,
                       default=int(os.environ.get("DEEPVISION_CELL_TIMEOUT", "120")),
                       help="seconds one cell may run (default 120, or DEEPVISION_CELL_TIMEOUT)")
    grade.add_argument("--timeout", type=int, default=600,
                       help="seconds one grading attempt of a submission may run (default 600)")
    grade.add_argument("--memory", type=parse_size, default=parse_size("4G"),
                       help="memory limit of each grading kernel (default 4G)")
    grade.add_argument("--disk", type=parse_disk, default=parse_disk("512M"),
                       help="space each kernel may write, in memory (default 512M)")
    grade.add_argument("--processes", type=int, default=256,
                       help="processes and threads one sandbox may run (default 256)")
    grade.add_argument("--no-sandbox", action="store_true",
                       help="grade without the sandbox where Linux namespaces are missing "
                       "(macOS, an unprivileged container): see the guide for what it risks")
    grade.add_argument("--retries", type=int, default=2, help="attempts after a cell kills the "
                       "kernel or the time limit (default 2)")
    grade.add_argument("--force", action="store_true", help="grade unchanged submissions again")
    grade.add_argument("--cluster", type=parse_cluster, metavar="ADDRESS|local:N",
                       help="grade on a Dask cluster: a running scheduler's address "
                       "(tcp://host:8786) or local:N, N worker processes on this machine; "
                       "one task per submission, this process the gradebook's only writer "
                       "(--workers is then the cluster's)")
    grade.add_argument("--no-feedback", action="store_true", help="skip feedback HTML")
    grade.add_argument("--keep-scratch", action="store_true", help="keep scratch courses")
    grade.set_defaults(run=autograde)

    fb = sub.add_parser("feedback", help="regenerate feedback HTML from the gradebook")
    fb.add_argument("chapters", nargs="*")
    fb.add_argument("--student")
    common(fb)
    fb.set_defaults(run=feedback)

    ex = sub.add_parser("export", help="write grades.csv and attention.csv")
    common(ex)
    ex.set_defaults(run=export)
    args = parser.parse_args(argv)
    args.client = client
    if getattr(args, "workers", 1) < 1:
        parser.error("--workers: at least 1")
    if getattr(args, "processes", 64) < 64:
        parser.error("--processes: at least 64 (a TensorFlow kernel runs about 40 threads)")
    return args.run(args)
