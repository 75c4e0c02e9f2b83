# One-command entry points. Everything installs into .venv from requirements.lock.
# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (CI's machine),
# Python otherwise compiles every module it imports in every process, 5.0 s of CPU
# per `etf-pipeline` start (2,951 compiles, cProfile of a run-all); 2.2 s with it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FAKE_PORT ?= 8765
UI_PORT ?= 3000
SERVE_PORT ?= 8000
# The demo keeps its own data dir so it never mixes with a real run's warehouse.
DEMO_DIR ?= $(CURDIR)/.demo

.PHONY: install test demo demo-ui demo-serve serve ui fake-edgar clean

$(BIN)/etf-pipeline: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	$(BIN)/python -m compileall -q -j 0 etf_assets etf_assets_tests >/dev/null
	@touch $@

install: $(BIN)/etf-pipeline

# The whole suite (CI runs exactly this through .ci/run).
test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile -q -p no:randomly

DEMO_ENV = ETF_DATA_DIR=$(DEMO_DIR) DAGSTER_HOME=$(DEMO_DIR)/dagster-home
DEMO_URL = http://127.0.0.1:$(FAKE_PORT)

# Start the fake EDGAR in the background (pid in $(DEMO_DIR)/fake-edgar.pid) unless one
# already answers on $(FAKE_PORT).
define start_fake_edgar
	@mkdir -p $(DEMO_DIR); \
	if curl -fsS -o /dev/null $(DEMO_URL)/__fake__/requests 2>/dev/null; then \
	  echo "fake EDGAR already running on $(DEMO_URL)"; \
	else \
	  $(BIN)/python -m etf_assets_tests.fake_edgar --port $(FAKE_PORT) > $(DEMO_DIR)/fake-edgar.log 2>&1 & \
	  echo $$! > $(DEMO_DIR)/fake-edgar.pid; \
	  for i in $$(seq 100); do grep -q "fake EDGAR on" $(DEMO_DIR)/fake-edgar.log && break; sleep 0.2; done; \
	  cat $(DEMO_DIR)/fake-edgar.log; \
	fi
endef

# run-all --limit 5 against a local fake EDGAR, SQLite warehouse + SQLite Dagster storage.
# The demo's data dir is pinned to the fake EDGAR (edgar-endpoint.json): nothing that
# uses it can reach the real SEC.
demo: install
	@if [ -f $(DEMO_DIR)/fake-edgar.pid ]; then kill $$(cat $(DEMO_DIR)/fake-edgar.pid) 2>/dev/null || true; fi
	@rm -rf $(DEMO_DIR); mkdir -p $(DEMO_DIR)
	@$(DEMO_ENV) $(BIN)/python -c "from etf_assets import settings; settings.write_edgar_pin('$(DEMO_URL)', '$(DEMO_URL)', 'ETF Platform Demo demo@example.com')"
	$(start_fake_edgar)
	@$(DEMO_ENV) $(BIN)/etf-pipeline run-all --limit 5; status=$$?; \
	  kill $$(cat $(DEMO_DIR)/fake-edgar.pid) 2>/dev/null; rm -f $(DEMO_DIR)/fake-edgar.pid; \
	  echo "Browse the demo (fake EDGAR + web UI + daemon on the demo's data): make demo-ui"; \
	  echo "Browse what it loaded (REST API on the demo's warehouse): make demo-serve, then"; \
	  echo "  http://127.0.0.1:$(SERVE_PORT)/       (the ETF explorer: search, ETF, trust and filings pages)"; \
	  echo "  http://127.0.0.1:$(SERVE_PORT)/docs   (OpenAPI: try /api/etfs?q=dia, /api/etfs/DIA/holdings)"; \
	  echo "  curl 'http://127.0.0.1:$(SERVE_PORT)/api/etfs/DIA/holdings?format=csv'"; \
	  exit $$status

# The fake EDGAR and the Dagster UI (with the daemon: sensors and schedule run) on the
# demo's data; Ctrl-C stops both.
demo-ui: install
	@test -f $(DEMO_DIR)/edgar-endpoint.json || { echo "run 'make demo' first"; exit 2; }
	$(start_fake_edgar)
	@trap 'kill $$(cat $(DEMO_DIR)/fake-edgar.pid 2>/dev/null) 2>/dev/null; rm -f $(DEMO_DIR)/fake-edgar.pid' EXIT INT TERM; \
	  $(DEMO_ENV) $(BIN)/etf-pipeline ui --port $(UI_PORT)

# The REST API on the demo's warehouse (loopback only: no API keys); Ctrl-C stops it.
demo-serve: install
	@test -f $(DEMO_DIR)/edgar-endpoint.json || { echo "run 'make demo' first"; exit 2; }
	@$(DEMO_ENV) $(BIN)/etf-pipeline serve --port $(SERVE_PORT)

# The REST API on the default warehouse (the one run-all fills).
serve: install
	$(BIN)/etf-pipeline serve --port $(SERVE_PORT)

# The Dagster web UI on the default DAGSTER_HOME (the one run-all uses).
ui: install
	$(BIN)/etf-pipeline ui

fake-edgar: install
	$(BIN)/python -m etf_assets_tests.fake_edgar --port $(FAKE_PORT)

clean:
	rm -rf $(VENV) $(DEMO_DIR) *.egg-info
