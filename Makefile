# One target per habit. Every target creates and uses its own .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PT := $(BIN)/policytrack
AS_OF ?= 2025-10-01

.PHONY: demo test test-fast faults lint bench eval docs clean sample

# The first run installs everything (1-2 minutes on a fresh machine): say so, and let pip
# show each package it fetches rather than leave the terminal silent.
$(STAMP): pyproject.toml
	@echo "== setting up $(VENV), a virtual environment for policytrack (first run only, 1-2 minutes)"
	$(PYTHON) -m venv $(VENV)
	@echo "== upgrading pip in $(VENV)"
	$(BIN)/pip install --disable-pip-version-check --upgrade pip
	@echo "== installing policytrack (editable) with its dependencies and the test and lint tools"
	$(BIN)/pip install --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)
	@echo "== $(VENV) is ready: $$($(PT) --version)"
	@echo

demo: $(STAMP)
	@echo "== policytrack check: validate every document and relation in archive/"
	$(PT) check --archive archive
	@echo
	@echo "== policytrack status --as-of $(AS_OF): every document and referenced stub"
	$(PT) status --archive archive --as-of $(AS_OF)
	@echo
	@echo "== policytrack expiring --within 120d --as-of $(AS_OF)"
	$(PT) expiring --archive archive --within 120d --as-of $(AS_OF)
	@echo
	@echo "== policytrack history 京技管发〔2024〕29号: lineage and archive commits"
	$(PT) history --archive archive --as-of $(AS_OF) 京技管发〔2024〕29号
	@echo
	@echo "== policytrack diff 北京市机动车停车条例-2024-03-29-5177ed: against its predecessor, key changes first"
	$(PT) diff --archive archive 北京市机动车停车条例-2024-03-29-5177ed
	@echo
	@echo "== policytrack site build --as-of $(AS_OF): the static website"
	$(PT) site build --archive archive --out site --as-of $(AS_OF)

# the whole suite; tests marked `corpus` also need ../shared beside the repository
# (tests/fixtures/README.md) and are skipped, with the reason, without it
test: $(STAMP)
	$(BIN)/pytest -q

# the suite without the tests marked `slow` (corpus-wide loops, whole-site builds, browsers)
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

# the long fault loops (150 process-group kills of add, …) on top of tests/test_faults.py
faults: $(STAMP)
	POLICYTRACK_FAULTS=1 $(BIN)/pytest -q tests/test_faults.py

lint: $(STAMP)
	$(BIN)/ruff check policytrack tests benchmarks
	$(BIN)/ruff format --check policytrack tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# measurements of quality on labelled real documents (need ../shared beside the repo):
# how faithfully real pages are read (docs/fidelity.md), how well key changes are found
# (docs/diff.md)
eval: $(STAMP)
	$(BIN)/python -m benchmarks.fidelity
	$(BIN)/python -m benchmarks.keychanges

docs: $(STAMP)
	$(BIN)/python -m policytrack.cli.reference > docs/cli.md

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache
