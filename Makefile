# Set-up and everyday commands. `make demo` and `make test` are all a new machine needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# underthesea, matplotlib and friends must never need a writable $HOME (read-only HOME in cron jobs).
export MPLCONFIGDIR ?= $(CURDIR)/$(VENV)/.mplconfig

.PHONY: venv demo test test-fast model bench lint types eval clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/qpdp extract corpora/samples --out out/demo --format parquet
	$(BIN)/qpdp compare out/demo --indicator enlisted --indicator enlistment_target_pct \
		--plot out/demo/enlisted.png --map out/demo/enlisted-map.png
	@echo "--- across the reform of 1 July 2025: Thái Nguyên (with the former Bắc Kạn) on the 2025 map"
	$(BIN)/qpdp compare out/demo --by province --era 2025 --province "Thái Nguyên" --indicator enlisted \
		--min-confidence 0.5 --plot out/demo/thai-nguyen-2025.png
	@echo "--- legacy districts continued by the defence zones that bear their names (approximate)"
	$(BIN)/qpdp compare out/demo --by zone --era 2025 --indicator enlisted --min-confidence 0.5 \
		--plot out/demo/zones.png
	@echo "--- what an analyst publishes: the report (evidence of every cell), the map, SQLite for datasette, CSV"
	$(BIN)/qpdp report out/demo -o out/demo/report.html
	$(BIN)/qpdp compare out/demo --by province --indicator enlisted --map out/demo/provinces-map.png \
		--geojson out/demo/comparison.geojson --no-provenance --limit 10
	$(BIN)/qpdp export out/demo out/demo/share --format sqlite
	$(BIN)/qpdp export out/demo out/demo/csv --format csv
	@echo "dataset: out/demo (Parquet parts; qpdp compare out/demo -h for more)"
	@echo "report: out/demo/report.html; map: out/demo/enlisted-map.png; datasette out/demo/share/qpdp.sqlite -m out/demo/share/metadata.json"

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The suite without the tests marked slow (each over a few seconds): for the edit-test loop.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

# Every gold run of the quality gate (tests/gate/gate.py), printed in full.
eval: $(STAMP)
	$(BIN)/qpdp eval ../shared/corpus/dev ../shared/corpus/seed
	$(BIN)/qpdp eval ../shared/corpus/dev2
	$(BIN)/qpdp eval ../shared/corpus/scope
	$(BIN)/qpdp eval ../shared/corpus/dev2 ../shared/corpus/scope --era 2025
	$(BIN)/qpdp eval ../shared/corpus/indicators/contexts.jsonl

model: $(STAMP)
	$(BIN)/qpdp train

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

types: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out build src/*.egg-info
