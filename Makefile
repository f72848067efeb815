# The two front-door commands: `make run` (set up everything and start the app)
# and `make test` (the whole suite; .ci/run calls exactly this).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PEERBENCH_DB ?= $(CURDIR)/workspace/peerbench.db

.PHONY: run test install demo bench bench-agent clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@test -f "$(PEERBENCH_DB)" || $(BIN)/peerbench demo

run: demo
	$(BIN)/peerbench serve --host 127.0.0.1 --port 8000   # chat at /, API at /api (docs: /api/docs)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/peerbench bench

bench-agent: $(STAMP)   # model calls and bytes per question, against the scripted Claude (a test fake)
	$(BIN)/python -m tests.bench_agent

clean:
	rm -rf workspace .files
