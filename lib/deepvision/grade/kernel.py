"""The grading kernel: an IPython kernel with resource limits and the tamper guard armed.

The grader's kernelspec runs ``python -m deepvision.grade.kernel -f {connection_file}``. Before
any learner code this process

- limits its memory with ``RLIMIT_DATA`` (every private writable mapping: heap, numpy arrays,
  thread stacks) to ``DEEPVISION_GRADE_MEMORY`` bytes. ``RLIMIT_AS`` is not used because
  TensorFlow reserves gigabytes of address space it never touches: an address-space limit low
  enough to matter breaks honest training cells. Resident memory stays below the data limit plus
  the shared libraries (about 0.3 GB for TensorFlow);
- limits files it writes (``RLIMIT_FSIZE``) and disables core dumps;
- pins math libraries to one thread each (parallelism comes from grading several submissions);
- writes its pid to ``DEEPVISION_GRADE_PIDFILE`` so the grader can kill its process group when a
  submission runs past its wall-time limit (jupyter_client starts kernels in a new session);
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


def apply_limits(memory_bytes: int | None) -> None:
    """Set this process's memory, file-size and core-dump limits (inherited by children)."""
    if memory_bytes:
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv=None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    memory = int(os.environ.get("DEEPVISION_GRADE_MEMORY", "0") or 0)
    apply_limits(memory or None)
    for variable in THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    pidfile = os.environ.get("DEEPVISION_GRADE_PIDFILE")
    if pidfile:
        with open(pidfile, "w") as handle:
            handle.write(str(os.getpid()))
    startup = "import deepvision.grade.guard as _dv_guard; _dv_guard.snapshot(); del _dv_guard"
    command = [
        sys.executable, "-m", "ipykernel_launcher", *argv,
        f"--IPKernelApp.exec_lines={startup}",
    ]
    os.execv(sys.executable, command)


if __name__ == "__main__":
    main()
