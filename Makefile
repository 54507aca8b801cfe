# deepvision: the two commands a fresh machine needs are `make lab` and `make test`.
# Both create .venv/ and install the course into it first (a minute or two, once).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.deepvision-installed
# The real datasets live beside the repository in ../shared/data (CI); learners can set
# DEEPVISION_DATA_DIR themselves or let Keras download.
SHARED_DATA = $(abspath ../shared/data)
DATA_DIR ?= $(if $(wildcard $(SHARED_DATA)/mnist.npz),$(SHARED_DATA),$(DEEPVISION_DATA_DIR))
# pytest-xdist workers for `make test`: two keep a 2-core machine busy while a kernel starts or
# nbgrader writes its gradebook; tests that share an expensive fixture are pinned to one worker
# (pytest.mark.xdist_group, run with --dist loadgroup). With two processes on two cores, numpy's
# OpenBLAS gets one thread each: its threads fighting for busy cores made a numpy MLP 9x slower.
TEST_WORKERS ?= 2
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root,)
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup lab test test-fast lint chapters check-notebooks record-outputs strip browser \
	sandbox graphviz benchmarks clean colab-sim lab-settings

setup: $(STAMP) lab-settings

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[course,instructor,test]"
	touch $(STAMP)

## The course's JupyterLab settings (no news pop-up, no update check), the same file Binder's
## postBuild installs: JupyterLab reads overrides.json from the environment's lab settings.
LAB_SETTINGS = $(VENV)/share/jupyter/lab/settings/overrides.json
lab-settings: $(LAB_SETTINGS)

$(LAB_SETTINGS): binder/overrides.json $(STAMP)
	mkdir -p $(dir $@)
	cp binder/overrides.json $@

## The simulated Google Colab runtime (tests/test_colab.py): a separate venv with Colab's versions
## of the packages the course shares with it (tests/colab-pins.txt); rebuilt when the pins change.
COLAB_VENV  ?= .venv-colab
COLAB_STAMP  = $(COLAB_VENV)/.colab-pins.txt
colab-sim: $(COLAB_STAMP)

$(COLAB_STAMP): tests/colab-pins.txt
	rm -rf $(COLAB_VENV)
	$(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install --quiet -r tests/colab-pins.txt
	cp tests/colab-pins.txt $@

## Open the course in JupyterLab (student notebooks in chapters/).
lab: setup
	DEEPVISION_DATA_DIR=$(DATA_DIR) $(BIN)/jupyter lab chapters/ $(ALLOW_ROOT)

## Run the whole test suite in quick mode: library, checkers, every notebook, nbgrader, browser.
test: setup browser sandbox graphviz colab-sim
	OPENBLAS_NUM_THREADS=1 DEEPVISION_QUICK=1 DEEPVISION_DATA_DIR=$(DATA_DIR) \
		$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

## The edit loop: everything that needs neither TensorFlow, a kernel, nbgrader nor a browser
## (under a minute; importing TensorFlow here is an error, see tests/conftest.py).
test-fast: setup
	DEEPVISION_QUICK=1 DEEPVISION_NO_TENSORFLOW=1 DEEPVISION_DATA_DIR=$(DATA_DIR) \
		$(BIN)/python -m pytest -m "not keras and not notebook and not nbgrader and not browser"

lint: setup
	$(BIN)/ruff check lib tests autograder solutions benchmarks

## Regenerate chapters/ (student notebooks) from solutions/ with nbgrader; strips outputs.
chapters: setup
	$(BIN)/python -m deepvision.build generate

check-notebooks: setup
	$(BIN)/python -m deepvision.build check

strip: setup
	$(BIN)/python -m deepvision.build strip

## Record what the cells tagged taught-output print (quick mode), after changing one.
record-outputs: setup
	DEEPVISION_DATA_DIR=$(DATA_DIR) $(BIN)/python -m deepvision.build record-outputs

## Debian's Chromium for the browser test (never `playwright install`); skipped if unavailable.
browser:
	@if command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "could not install chromium: the browser test will be skipped"; \
	else echo "chromium not found and cannot be installed here: the browser test will be skipped"; fi

## Debian's bubblewrap: the grading sandbox (python -m deepvision.grade refuses to grade without it).
sandbox:
	@if command -v bwrap >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's bubblewrap for the grading sandbox"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null) \
		|| echo "could not install bubblewrap: the grading tests will fail"; \
	else echo "bwrap not found and cannot be installed here: install bubblewrap to grade"; fi

## Debian's Graphviz (`dot`): chapter 09 draws model graphs with keras.utils.plot_model.
graphviz:
	@if command -v dot >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's graphviz for the model pictures of chapter 09"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
		|| echo "could not install graphviz: chapter 09 shows its tables without the graph pictures"; \
	else echo "dot not found and cannot be installed here: chapter 09 shows no graph pictures"; fi

benchmarks: setup sandbox
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) $(COLAB_VENV) build .pytest_cache .ruff_cache
