import os
from pathlib import Path

import matplotlib
import pytest

# Figures drawn by the tests themselves need no screen (tests/notebooks.py says how notebook
# kernels draw; the browser test's JupyterLab draws inline, as for a learner).
matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

# The suite runs the course in quick mode on the real datasets when they are beside the repository.
os.environ.setdefault("DEEPVISION_QUICK", "1")
if SHARED_DATA.is_dir():
    os.environ.setdefault("DEEPVISION_DATA_DIR", str(SHARED_DATA))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture
def data_dir():
    """The real datasets (../shared/data); tests that need them skip without them."""
    directory = os.environ.get("DEEPVISION_DATA_DIR")
    if not directory or not Path(directory).is_dir():
        pytest.skip("needs the real datasets: set DEEPVISION_DATA_DIR (CI uses ../shared/data)")
    return Path(directory)
