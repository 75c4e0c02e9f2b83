"""The Celery app of the platform's workers (`etf-pipeline worker`), built from the
settings so that it matches the run launcher the daemon uses (etf_assets/settings.py
CELERY_LAUNCHER_YAML: dagster-celery's CeleryRunLauncher).

Why the run launcher and not dagster-celery's `celery_executor`: the executor sends a
run's *steps* to workers, and a `refresh_trusts` run is one step (one multi-asset over
several trusts, etf_assets/trust_filings.py); parallelism comes from running several
runs (batches of trusts) at once, which is what the launcher distributes: each run is
one Celery task, executed in a worker's pool process like `dagster api execute_run`.

Each run's event log names the worker that executed it (an engine event, before the
run starts), so the UI and tests can tell which machine did what.
"""

from __future__ import annotations

import logging
import os

from celery.signals import task_prerun
from dagster_celery.config import DEFAULT_CONFIG, TASK_EXECUTE_JOB_NAME
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_execute_job_task, create_resume_job_task

from etf_assets import settings

log = logging.getLogger(__name__)

WORKER_EVENT_KEY = "celery_worker"


def app_args() -> dict:
    """The same arguments CeleryRunLauncher.app_args() gives its app (dagster-celery
    0.29.27), from the settings."""
    queue = settings.celery_queue()
    return {"broker": settings.celery_broker_url(), "backend": settings.celery_result_backend(),
            "include": [], "config_source": dict(DEFAULT_CONFIG, task_default_queue=queue),
            "task_default_queue": queue}


app = make_app(app_args=app_args())
execute_job = create_execute_job_task(app)
resume_job = create_resume_job_task(app)

# The definitions, imported once in the worker's main process: its pool processes fork
# with them loaded, so a run does not spend ~2.5 s importing them (they open no
# connection and send no request when imported).
import etf_assets.definitions  # noqa: E402,F401


@task_prerun.connect
def _record_worker(task_id=None, task=None, kwargs=None, **_) -> None:
    """Write "run executing on worker X" into the run's event log."""
    if task is None or task.name != TASK_EXECUTE_JOB_NAME:
        return
    try:
        from dagster import DagsterInstance
        from dagster._core.events import EngineEventData
        from dagster._grpc.types import ExecuteRunArgs
        from dagster._serdes import unpack_value

        args = unpack_value(kwargs["execute_job_args_packed"], as_type=ExecuteRunArgs)
        with DagsterInstance.get() as instance:
            run = instance.get_run_by_id(args.run_id)
            if run is not None:
                worker = task.request.hostname
                instance.report_engine_event(
                    f"Executing on Celery worker {worker} (pid {os.getpid()})", run,
                    EngineEventData({WORKER_EVENT_KEY: worker, "pid": str(os.getpid()),
                                     "celery_task_id": task_id}))
    except Exception:  # noqa: BLE001 - bookkeeping must never stop the run itself
        log.exception("could not record the worker in the run's event log")
