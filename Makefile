# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXTRAS ?= dev,all
comma := ,
STAMP := $(VENV)/.installed-$(subst $(comma),-,$(EXTRAS))

.PHONY: demo test lint typecheck unit bench clean

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

test: lint typecheck unit

bench: $(STAMP)  # every benchmark with its defaults (long: 1,000,000-item runs)
	$(PY) benchmarks/bench_calendar.py
	$(PY) benchmarks/bench_year_end.py
	$(PY) benchmarks/bench_intake.py
	$(PY) benchmarks/bench_storage.py
	$(PY) benchmarks/duplicate_eval.py

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache .hypothesis
