# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: setup serve demo test lint bench clean

$(BIN)/sentinelle: pyproject.toml setup.py requirements.lock src/sentinelle/_textmodel_speedups.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

setup: $(BIN)/sentinelle

# The README's first command: the web page and REST API on http://127.0.0.1:8000/ (Ctrl-C stops it).
serve: setup
	$(BIN)/sentinelle serve

demo: setup
	@$(BIN)/sentinelle check --text "AMELI : votre carte vitale arrive à expiration, veuillez la mettre à jour via ce lien sante-infos.net/index.php" --kind sms --sender "+33612345678" || true
	@echo
	@$(BIN)/sentinelle check --text "Bonjour, ici votre CPAM. Merci de nous rappeler au 08 99 23 45 67 concernant votre dossier." --kind voicemail || true

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy src

bench: setup
	$(BIN)/python benchmarks/bench_core.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
