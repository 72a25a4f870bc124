# casekit: two commands set everything up.
#   make lab    - a virtual environment with the course, then JupyterLab on the start page
#   make test   - the same environment with the test tools, then the whole test suite
# Both install the versions the tests ran with (constraints.txt). Needs make and python3
# with its venv module (on Debian/Ubuntu: apt-get install python3-venv).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
CONSTRAINTS := constraints.txt
JOBS ?= auto
# JupyterLab refuses to run as root unless told; containers and some hubs do run as root.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help lab test test-latest lint format notebooks exercises bench lock clean

help:
	@echo "make lab          open the course in JupyterLab (start page)"
	@echo "make test         run the whole test suite (style, unit tests, every notebook)"
	@echo "make test-latest  the test suite against the newest releases (canary)"
	@echo "make notebooks    re-execute lessons and solutions so stored outputs are current"
	@echo "make exercises    rebuild exercises/ from solutions/"
	@echo "make bench        time notebooks, widget callbacks and heavy functions"
	@echo "make test-browser every lesson in JupyterLab in headless Chromium (needs chromium)"
	@echo "make lock         refresh constraints.txt from the newest releases"

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { \
	  rm -rf $(VENV); \
	  echo ""; \
	  echo "Could not create the virtual environment with '$(PYTHON) -m venv $(VENV)'."; \
	  echo "On Debian or Ubuntu, install Python's venv module first:"; \
	  echo "    sudo apt-get install python3-venv"; \
	  echo "Elsewhere, check that '$(PYTHON)' is Python 3.11 or newer, or name another one:"; \
	  echo "    make lab PYTHON=python3.12"; \
	  exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-lab: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test]"
	touch $@ $(VENV)/.installed-lab

lab: $(VENV)/.installed-lab
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/00_start_here.ipynb

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/casekit exercises check
	$(BIN)/python -m pytest -n $(JOBS) tests
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax notebooks solutions

test-latest:
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install --quiet --upgrade pip
	.venv-latest/bin/python -m pip install --quiet --upgrade -e ".[test]"
	.venv-latest/bin/python -m pytest -n $(JOBS) tests
	.venv-latest/bin/python -m pytest -n $(JOBS) --dist loadfile --nbval-lax notebooks solutions

notebooks: $(VENV)/.installed-test
	$(BIN)/casekit notebooks run notebooks solutions
	$(BIN)/casekit exercises build

exercises: $(VENV)/.installed-lab
	$(BIN)/casekit exercises build

bench: $(VENV)/.installed-test
	$(BIN)/python -m tests.bench

lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e ".[test,browser]"
	.venv-lock/bin/python -m pip freeze --exclude-editable | grep -v '^casekit' > $(CONSTRAINTS)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .venv-latest .venv-lock .pytest_cache .ruff_cache .hypothesis test-artifacts

# Browser tests: every lesson run in JupyterLab in headless Chromium, with outside traffic
# blocked. Needs Debian's chromium (apt-get install -y chromium); Playwright never
# downloads a browser. Screenshots and timings go to test-artifacts/browser/.
.PHONY: test-browser

$(VENV)/.installed-browser: pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[test,browser]"
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-lab

test-browser: $(VENV)/.installed-browser
	$(BIN)/python -m pytest tests/browser --browser
