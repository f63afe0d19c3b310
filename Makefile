# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXTRAS ?= dev,all,docs
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: demo test lint typecheck unit docs reference bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $@

demo: $(STAMP)
	$(VENV)/bin/appeal demo

lint: $(STAMP)
	$(PY) -m ruff check src tests examples benchmarks
	$(PY) -m ruff format --check src tests examples benchmarks

typecheck: $(STAMP)
	$(PY) -m mypy src

unit: $(STAMP)
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The Desk API reference is generated from the code (make reference); `make docs` checks that
# the committed page is current, then builds the site offline with warnings as errors
# (mkdocs --strict; the theme and plugins need no download).
reference: $(STAMP)
	$(PY) -m appeal_adapters.reference docs/reference/desk.md

docs: $(STAMP)
	$(PY) -m appeal_adapters.reference --check docs/reference/desk.md
	$(PY) -m mkdocs build --strict --quiet --site-dir site

test: lint typecheck docs unit

bench: $(STAMP)  # every benchmark with its defaults (long: 1,000,000-item runs)
	$(PY) benchmarks/bench_calendar.py
	$(PY) benchmarks/bench_year_end.py
	$(PY) benchmarks/bench_intake.py
	$(PY) benchmarks/bench_storage.py
	$(PY) benchmarks/duplicate_eval.py

clean:
	rm -rf $(VENV) site demo-output .pytest_cache .mypy_cache .ruff_cache .hypothesis
