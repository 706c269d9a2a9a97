# The two commands of the README's quick start.
PY ?= python3
DATA ?= ./data
PORT ?= 7860

.PHONY: demo test install install-test bench

install:
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e .

install-test:
	bash scripts/system-deps.sh
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'

# Set up, ingest the five sample reports into $(DATA), serve the chat on http://127.0.0.1:$(PORT)/
demo: install
	reportqa demo --data-dir $(DATA) --port $(PORT)

# Set up and run the whole test suite (pytest's "no tests" exit 5 counts as failure here too).
test: install-test
	$(PY) -m pytest tests

bench: install
	$(PY) -m benchmarks.run
