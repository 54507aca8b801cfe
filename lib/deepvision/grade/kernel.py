"""The grading kernel: an IPython kernel with resource limits and the tamper guard armed.

:mod:`deepvision.grade.walls` starts ``python -m deepvision.grade.kernel --memory BYTES
--processes N [--uid UID] -f {connection_file}`` (inside the sandbox unless the instructor
turned it off). Before any learner code this process

- drops to the unprivileged user ``UID`` when it runs as root (the sandbox's own user, so that
  the process limit counts this sandbox's processes alone);
- limits its memory with ``RLIMIT_DATA`` (every private writable mapping: heap, numpy arrays,
  thread stacks). ``RLIMIT_AS`` is not used because TensorFlow reserves gigabytes of address
  space it never touches: an address-space limit low enough to matter breaks honest training
  cells. Resident memory stays below the data limit plus the shared libraries (about 0.3 GB for
  TensorFlow);
- limits the processes and threads of its user (``RLIMIT_NPROC``), the files it writes
  (``RLIMIT_FSIZE``), and disables core dumps;
- pins math libraries to one thread each (parallelism comes from grading several submissions);
- then replaces itself with ``ipykernel`` and records the tamper-guard snapshot
  (:func:`deepvision.grade.guard.snapshot`) as the kernel's first statement.

Taught in: nowhere (grading infrastructure); see autograder/README.md.
"""

from __future__ import annotations

import os
import resource
import sys

THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
)
FILE_SIZE_LIMIT = 256 * 1024**2
OPTIONS = ("--memory", "--processes", "--uid")


def drop_privileges(uid: int) -> None:
    """Become user ``uid`` (group ``uid``, no supplementary groups); root only."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def apply_limits(memory_bytes: int | None, processes: int | None = None) -> None:
    """Set this process's memory, process, file-size and core-dump limits (inherited)."""
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    if processes:
        hard = resource.getrlimit(resource.RLIMIT_NPROC)[1]
        if hard != resource.RLIM_INFINITY:
            processes = min(processes, hard)
        resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def split_options(argv: list[str]) -> tuple[dict, list[str]]:
    """``({"memory": 123, ...}, the rest of argv for ipykernel)``."""
    options, rest, index = {}, [], 0
    while index < len(argv):
        if argv[index] in OPTIONS and index + 1 < len(argv):
            options[argv[index][2:]] = int(argv[index + 1])
            index += 2
        else:
            rest.append(argv[index])
            index += 1
    return options, rest


def main(argv=None) -> None:
    options, argv = split_options(list(sys.argv[1:] if argv is None else argv))
    if options.get("uid") is not None and os.getuid() == 0:
        drop_privileges(options["uid"])
    apply_limits(options.get("memory"), options.get("processes"))
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    startup = "import deepvision.grade.guard as _dv_guard; _dv_guard.snapshot(); del _dv_guard"
    command = [
        sys.executable, "-m", "ipykernel_launcher", *argv,
        f"--IPKernelApp.exec_lines={startup}",
    ]
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
