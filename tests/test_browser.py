"""A real JupyterLab in a real Chromium: run a chapter and move one of its widgets.

Starts ``jupyter lab`` on a free localhost port (quick mode, real data) over a temporary copy of
a chapter's solutions notebook, opens it with Debian's Chromium through Playwright (never
``playwright install``), runs every cell from the Run menu, presses ArrowRight on a named slider
(chapter 01: the softmax explorer's first score; chapter 06: the convolution explorer's
``position``) and checks that the drawn figure changes, with no tracebacks in the notebook and no
errors in the browser console.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
# (notebook, label of the slider to move, its readout after three ArrowRight presses)
CASES = [
    ("ch01/01_machine_learning_basics.ipynb", "female", "7.50"),
    ("ch06/06_convolutional_neural_networks.ipynb", "position", "3"),
    ("ch07/07_components_of_cnns.ipynb", "rate", "0.40"),
    ("ch08/08_rectifiers.ipynb", "alpha or theta", "0.45"),
    ("ch10/10_convolution_arithmetic.ipynb", "stride", "4"),
    ("ch11/11_efficiency_techniques.ipynb", "filters (C_out)", "88"),
]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=CASES, ids=[case[0].split("/")[0] for case in CASES])
def lab(request, tmp_path):
    """A JupyterLab server over a copy of a notebook; yields (url, token, name, label, readout)."""
    notebook, label, readout = request.param
    notebook = ROOT / "solutions" / notebook
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make browser) to run this")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    shutil.copy(notebook, tmp_path / notebook.name)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, DEEPVISION_QUICK="1", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("MPLBACKEND", None)  # the kernel must draw inline, as for a learner
    env.setdefault("DEEPVISION_DATA_DIR", str(ROOT.parent / "shared" / "data"))
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={tmp_path}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = open(tmp_path / "jupyter.log", "w")  # noqa: SIM115 - closed in the finalizer
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(
                        "JupyterLab did not start:\n"
                        + (tmp_path / "jupyter.log").read_text()[-3000:]
                    )
                time.sleep(0.3)
        yield base, token, notebook.name, label, readout
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _figure_source(explorer):
    images = explorer.locator(".widget-output img")
    if images.count() == 0:
        return None
    return images.first.get_attribute("src")


def _run_all_cells(page, attempts=3):
    """Run > Run All Cells, checked: a click that lands while JupyterLab is still settling can be
    lost, so retry until the first code cell shows an execution prompt ([*] or [1])."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    started = page.locator(".jp-CodeCell .jp-InputPrompt", has_text=re.compile(r"\[(\*|\d+)\]"))
    for attempt in range(attempts):
        try:
            # on a loaded machine the menu bar can stay "not stable" for Playwright's checks
            # (seen with two busy loops on 2 cores): after a first try, click without them
            force = attempt > 0
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click(force=force)
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click(force=force)
            started.first.wait_for(timeout=15_000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    raise AssertionError(f"Run All Cells did not start the notebook after {attempts} tries")


def _wait_until_run(page, seconds):
    """Wait until no cell shows the running or queued prompt ``[*]``."""
    deadline = time.monotonic() + seconds
    while page.locator(".jp-InputPrompt", has_text="[*]").count() and time.monotonic() < deadline:
        page.wait_for_timeout(500)


def test_a_widget_moves_in_a_real_browser(lab):
    from playwright.sync_api import sync_playwright

    base, token, name, label, expected_readout = lab
    console_errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on(
                "console",
                lambda message: message.type == "error" and console_errors.append(message.text),
            )
            page.on("pageerror", lambda error: console_errors.append(f"page error: {error}"))
            page.goto(f"{base}/lab/tree/{name}?token={token}")
            page.locator(".jp-Notebook").wait_for(timeout=30_000)
            page.locator(".jp-Notebook-cell").first.wait_for(timeout=30_000)
            # wait for the kernel to be ready before running anything
            page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").first.wait_for(
                state="attached", timeout=60_000
            )
            _run_all_cells(page)
            slider = page.locator(
                ".widget-hslider", has=page.locator(".widget-label", has_text=label)
            )
            slider.first.wait_for(timeout=90_000)
            # let the whole notebook finish first: while later cells run, JupyterLab moves the
            # active cell and takes the focus from the slider (two CI runs lost a key press so)
            _wait_until_run(page, seconds=120)
            explorer = page.locator(".jp-OutputArea-output", has=slider).first
            explorer.locator(".widget-output img").first.wait_for(timeout=30_000)
            before = _figure_source(explorer)
            handle = slider.first.locator(".noUi-handle, input[type=range]").first
            readout_box = slider.first.locator(".widget-readout")
            for _ in range(3):
                # one press at a time, each seen on the readout
                start = readout_box.inner_text()
                for _attempt in range(3):
                    handle.scroll_into_view_if_needed()
                    handle.focus()
                    page.keyboard.press("ArrowRight")
                    moved = time.monotonic() + 3
                    while readout_box.inner_text() == start and time.monotonic() < moved:
                        page.wait_for_timeout(100)
                    if readout_box.inner_text() != start:
                        break
            deadline = time.monotonic() + 20
            after = before
            while after == before and time.monotonic() < deadline:
                page.wait_for_timeout(250)
                after = _figure_source(explorer)
            readout = slider.first.locator(".widget-readout").inner_text()
            _wait_until_run(page, seconds=60)  # the widget's own callback
            outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        finally:
            browser.close()
    assert readout.strip() == expected_readout, (
        f"the {label!r} slider reads {readout!r} after 3 ArrowRight presses"
    )
    assert after is not None and after != before, "the widget's figure did not change"
    tracebacks = [text[:500] for text in outputs if "Traceback" in text]
    assert not tracebacks, "error outputs in the notebook:\n" + "\n".join(tracebacks)
    real_errors = [text for text in console_errors if "Failed to load resource" not in text]
    assert not real_errors, "console errors:\n" + "\n".join(real_errors)
