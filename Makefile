# One-command entry points. Everything installs into .venv from requirements.lock.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FAKE_PORT ?= 8765
# The demo keeps its own data dir so it never mixes with a real run's warehouse.
DEMO_DIR ?= $(CURDIR)/.demo

.PHONY: install test demo ui fake-edgar clean

$(BIN)/etf-pipeline: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

install: $(BIN)/etf-pipeline

# The whole suite (CI runs exactly this through .ci/run).
test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -q -p no:randomly

# run-all --limit 5 against a local fake EDGAR, SQLite warehouse + SQLite Dagster storage.
demo: install
	@rm -rf $(DEMO_DIR); mkdir -p $(DEMO_DIR)
	@$(BIN)/python -m etf_assets_tests.fake_edgar --port $(FAKE_PORT) > $(DEMO_DIR)/fake-edgar.log 2>&1 & \
	  echo $$! > $(DEMO_DIR)/fake-edgar.pid; \
	  for i in $$(seq 50); do grep -q "fake EDGAR on" $(DEMO_DIR)/fake-edgar.log && break; sleep 0.2; done; \
	  cat $(DEMO_DIR)/fake-edgar.log; \
	  ETF_DATA_DIR=$(DEMO_DIR) DAGSTER_HOME=$(DEMO_DIR)/dagster-home \
	  SEC_USER_AGENT="ETF Platform Demo demo@example.com" \
	  EDGAR_BASE_URL=http://127.0.0.1:$(FAKE_PORT) EDGAR_DATA_URL=http://127.0.0.1:$(FAKE_PORT) \
	  $(BIN)/etf-pipeline run-all --limit 5; status=$$?; \
	  kill $$(cat $(DEMO_DIR)/fake-edgar.pid); \
	  echo "Browse the demo's runs: ETF_DATA_DIR=$(DEMO_DIR) DAGSTER_HOME=$(DEMO_DIR)/dagster-home $(BIN)/etf-pipeline ui"; \
	  exit $$status

# The Dagster web UI on the default DAGSTER_HOME (the one run-all uses).
ui: install
	$(BIN)/etf-pipeline ui

fake-edgar: install
	$(BIN)/python -m etf_assets_tests.fake_edgar --port $(FAKE_PORT)

clean:
	rm -rf $(VENV) $(DEMO_DIR) *.egg-info
