"""The deployment recipe (deploy/) is what the code runs: its dagster.yaml is what
etf-pipeline writes and Dagster accepts, its env example holds real settings that pass
their checks, and its units and Procfile start real commands. No service needed."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest
import yaml

from etf_assets import settings
from etf_assets.cli import build_parser

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
SERVICES = ("webserver", "daemon", "worker", "serve")


def _env_example() -> dict[str, str]:
    """KEY=VALUE lines as systemd's EnvironmentFile reads them (comments, quotes)."""
    out = {}
    for line in (DEPLOY / "etf-pipeline.env.example").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key] = value.strip().strip('"')
    return out


@pytest.fixture
def production_env(monkeypatch, tmp_path) -> dict[str, str]:
    env = _env_example()
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("ETF_DATA_DIR", str(tmp_path / "data"))  # writable here
    return env


def _yaml_body(path: Path) -> str:
    """The file from the repository dagster.yaml's first line on (deploy/ puts a header
    of its own before it)."""
    text = path.read_text()
    first = (REPO / "dagster.yaml").read_text().splitlines(keepends=True)[0]
    return text[text.index(first):]


def test_production_dagster_yaml_is_what_etf_pipeline_writes_and_dagster_accepts(
        production_env, tmp_path, monkeypatch):
    """deploy/dagster.yaml == the managed copy with DAGSTER_PG_URL and a broker set;
    Dagster's instance-config validation passes; its run coordinator and Celery run
    launcher build from it; its storage block is valid PostgresStorage config."""
    from dagster._config import process_config, resolve_to_config_type
    from dagster._core.instance.config import dagster_instance_config
    from dagster._serdes import ConfigurableClassData
    from dagster_postgres import DagsterPostgresStorage

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    home = settings.ensure_dagster_home()
    written = (home / "dagster.yaml").read_text()
    assert written == settings.MANAGED_MARKER + _yaml_body(DEPLOY / "dagster.yaml")

    config, _ = dagster_instance_config(str(DEPLOY), "dagster.yaml")  # raises if invalid
    launcher = ConfigurableClassData(config["run_launcher"]["module"],
                                     config["run_launcher"]["class"],
                                     yaml.safe_dump(config["run_launcher"]["config"])
                                     ).rehydrate()
    assert type(launcher).__name__ == "CeleryRunLauncher"
    assert launcher.broker == production_env["ETF_CELERY_BROKER_URL"]
    assert launcher.backend == production_env["ETF_CELERY_RESULT_BACKEND"]
    assert launcher.default_queue == production_env["ETF_CELERY_QUEUE"]
    coordinator = ConfigurableClassData(config["run_coordinator"]["module"],
                                        config["run_coordinator"]["class"],
                                        yaml.safe_dump(config["run_coordinator"]["config"])
                                        ).rehydrate()
    assert coordinator.get_run_queue_config().max_concurrent_runs == 4
    storage = config["storage"]["postgres"]
    result = process_config(resolve_to_config_type(DagsterPostgresStorage.config_type()), storage)
    assert result.success, result.errors
    assert result.value["postgres_url"] == settings.dagster_pg_url()  # psycopg2 driver


def test_env_example_holds_real_settings_that_pass_their_checks(production_env):
    """Every variable is one settings.py reads; the numbers, URLs and production
    settings pass; the workers' Celery app uses its broker, backend and queue."""
    source = (REPO / "etf_assets" / "settings.py").read_text()
    known = set(re.findall(r'^[A-Z_]+_VAR = "([A-Z_]+)"', source, re.M))
    assert set(production_env) - {"ETF_DATA_DIR"} <= known, set(production_env) - known
    settings.validate_numbers()
    settings.validate_production()
    settings.validate_serving()
    assert len(settings.api_keys()) == 2  # etf-api.service binds 0.0.0.0: keys required
    assert settings.base_url() == settings.DEFAULT_BASE_URL
    assert settings.rate_limit_url().startswith("redis://")  # several machines: one budget
    assert settings.warehouse_url() != settings.dagster_pg_url()
    from etf_assets.edgar.client import validate_user_agent

    validate_user_agent(settings.user_agent())
    from etf_assets.celery_app import app_args

    args = app_args()
    assert (args["broker"], args["backend"], args["task_default_queue"]) == (
        production_env["ETF_CELERY_BROKER_URL"], production_env["ETF_CELERY_RESULT_BACKEND"],
        production_env["ETF_CELERY_QUEUE"])


def _commands() -> list[tuple[str, list[str]]]:
    """(where, argv after the etf-pipeline executable) of every unit and Procfile line."""
    out = []
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.optionxform = str
        parser.read(unit)
        service = parser["Service"]
        assert service["EnvironmentFile"] == "/etc/etf-pipeline/etf-pipeline.env"
        argv = shlex.split(service["ExecStart"].replace("%i", "w1"))
        assert argv[0] == service["WorkingDirectory"] + "/.venv/bin/etf-pipeline"
        out.append((unit.name, argv[1:]))
    for line in (DEPLOY / "Procfile").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, command = line.partition(":")
            argv = shlex.split(command)
            assert argv[0] == ".venv/bin/etf-pipeline"
            out.append((f"Procfile {name}", argv[1:]))
    return out


def test_units_and_procfile_start_real_etf_pipeline_commands():
    commands = _commands()
    started = set()
    for where, argv in commands:
        args = build_parser().parse_args(argv)  # SystemExit on an unknown option
        assert args.command in SERVICES, where
        started.add(args.command)
    assert started == set(SERVICES)
    daemons = [w for w, argv in commands if argv[0] == "daemon" and w.endswith(".service")]
    assert daemons == ["etf-daemon.service"]  # exactly one daemon per deployment
