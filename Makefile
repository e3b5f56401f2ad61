# sitrep: `make demo` runs the main job on the bundled examples; `make test` runs the tests.
# Both create and use .venv in the project root.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= sitrep.db

.PHONY: demo test lint format bench gate serve clean assets

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	bash scripts/fetch_assets.sh || echo "note: web map assets not fetched (npm unavailable); the map page falls back to a list"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

assets:
	bash scripts/fetch_assets.sh

demo: $(STAMP)
	rm -f $(DB) $(DB)-wal $(DB)-shm
	$(BIN)/sitrep ingest examples --db $(DB)
	$(BIN)/sitrep events --db $(DB)
	$(BIN)/sitrep episodes --db $(DB) --limit 5
	$(BIN)/sitrep claims --db $(DB) --limit 15

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

gate: $(STAMP)
	$(BIN)/python -m pytest -m gate -v

bench: $(STAMP)
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/ecb_clustering.py
	$(BIN)/python bench/linking_scale.py
	$(BIN)/python bench/api_load.py
	$(BIN)/python bench/warc_throughput.py

serve: $(STAMP)
	$(BIN)/sitrep serve --db $(DB)

clean:
	rm -rf $(VENV) build .pytest_cache .ruff_cache $(DB) $(DB)-wal $(DB)-shm
