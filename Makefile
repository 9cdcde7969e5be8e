# policysearch — set up, index the sample corpus, serve, test, benchmark.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
INDEX  ?= var/index
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-slow test-all lint bench venv debian-packages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

venv: $(VENV)/.installed

# Debian packages of the browser, OCR and .doc tests (chromium, a CJK font, antiword), when missing.
debian-packages:
	bash scripts/install-debian-packages.sh

run: venv
	$(VENV)/bin/policysearch --index $(INDEX) ingest corpus/
	$(VENV)/bin/policysearch --index $(INDEX) serve --host $(HOST) --port $(PORT)

# Fast suite: unit, web and browser tests (slow fault/load tests excluded by pytest's addopts).
test: venv debian-packages
	$(PY) -m pytest -q $(PYTEST_ARGS)

# Slow suite: SIGKILL loop, hostile-file bombs, 60-second load test.
test-slow: venv debian-packages
	$(PY) -m pytest -q -m slow $(PYTEST_ARGS)

test-all: venv debian-packages
	$(PY) -m pytest -q -m '' $(PYTEST_ARGS)

# Style and types: ruff (pycodestyle, pyflakes, import order, bugbear, pyupgrade) and mypy.
lint: venv
	$(VENV)/bin/ruff check indexer webui
	$(VENV)/bin/mypy

bench: venv
	$(PY) bench/run_bench.py
	$(PY) bench/ocr.py --pages 5

clean:
	rm -rf $(VENV) var .cache
