# veikart: `make demo` ingests the bundled samples, `make test` runs every test.
# Both set up the machine first (scripts/setup.sh: system packages, .venv, pinned packages).
.DEFAULT_GOAL := test
VENV := .venv
PY := $(VENV)/bin/python
OUT ?= out

.PHONY: setup demo test lint samples bench bench-throughput bench-baselines lock clean

setup:
	@bash scripts/setup.sh

demo: setup
	$(VENV)/bin/veikart ingest samples/ --out $(OUT)/

test: setup
	$(PY) -m pytest -q
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

samples: setup
	$(PY) scripts/generate_samples.py

bench: setup
	$(PY) benchmarks/bench_ingest.py

# issue #14's table: veikart against plain parsers, with peak memory (QUICK=1: a smaller run)
bench-throughput: setup
	$(PY) benchmarks/bench_throughput.py $(if $(QUICK),--quick)

# the optional baselines (markitdown, OCRmyPDF) in an environment of their own
BASELINES := benchmarks/.venv-baselines
bench-baselines: setup
	[ -x $(BASELINES)/bin/python ] || $(PY) -c "import venv; venv.create('$(BASELINES)', with_pip=True)"
	$(BASELINES)/bin/python -m pip install -q --disable-pip-version-check -r benchmarks/requirements-baselines.txt

lock: setup
	$(PY) -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock.new
	(head -2 requirements.lock; cat requirements.lock.new) > requirements.lock.tmp
	mv requirements.lock.tmp requirements.lock; rm -f requirements.lock.new

clean:
	rm -rf $(OUT) .pytest_cache .ruff_cache
