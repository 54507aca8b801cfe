"""``make test`` runs on pytest-xdist workers (``-n 2 --dist loadgroup``): the tests of one
``xdist_group`` must run on one worker (tests/conftest.py explains why that needs our help)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("xdist", reason="pytest-xdist is part of the test extra")

GROUPED = """
import os
import time

import pytest

pytestmark = pytest.mark.xdist_group("together")


@pytest.mark.parametrize("case", range(6))
def test_grouped(case):
    time.sleep(0.2)
    with open(os.environ["WHERE"], "a") as out:
        out.write(f"grouped {os.environ['PYTEST_XDIST_WORKER']}\\n")
"""
LOOSE = """
import os
import time

import pytest


@pytest.mark.parametrize("case", range(6))
def test_loose(case):
    time.sleep(0.2)
    with open(os.environ["WHERE"], "a") as out:
        out.write(f"loose {os.environ['PYTEST_XDIST_WORKER']}\\n")
"""


def test_a_group_runs_on_one_worker_and_both_workers_run_tests(tmp_path):
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    (tmp_path / "test_loose.py").write_text(LOOSE)
    where = tmp_path / "where.txt"
    env = dict(os.environ, WHERE=str(where), DEEPVISION_NO_TENSORFLOW="1")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
         "-p", "no:cacheprovider", "-o", "addopts=", str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    seen = [line.split() for line in where.read_text().splitlines()]
    grouped = {worker for kind, worker in seen if kind == "grouped"}
    loose = {worker for kind, worker in seen if kind == "loose"}
    assert len([1 for kind, _ in seen if kind == "grouped"]) == 6
    assert len(grouped) == 1, f"the group ran on {sorted(grouped)}"
    assert grouped | loose == {"gw0", "gw1"}, "the run did not use both workers"
