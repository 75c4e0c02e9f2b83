"""POST /api/trusts/{cik}/refresh: submit the trust's `refresh_trusts` run to the Dagster
instance (DAGSTER_HOME, the same one run-all, the UI and the daemon use).

The run is created the way `dagster job launch` creates one (the job's snapshot and
execution plan from the code location) and *submitted*: the instance's run coordinator
queues it, the daemon starts it with the instance's run launcher (in production: on a
Celery worker), and it shows in the UI like any run, tagged `etf/trigger=api`. The code
location is loaded in this process under the name the daemon and the UI give it
(`etf_assets.definitions`, from `-m etf_assets.definitions`), so the daemon finds it.
Like run-all's and the sensors' runs, it refreshes every form group of the trust (the
job's whole asset selection) for one partition.
"""

from __future__ import annotations

import os
import sys
from typing import Optional

from etf_assets.freshness.runs import REASON_TAG, REFRESH_JOB, TRIGGER_TAG
from etf_assets.partitions import CIK_PARTITIONS_NAME

MODULE = "etf_assets.definitions"  # also the code location's name in `dagster dev -m ...`
API_TRIGGER = "api"


class NotAPartition(LookupError):
    """The trust is not a partition of the pipeline (no ETF series found for it yet)."""


def launch_refresh(cik: str, instance=None) -> dict:
    """Submit one `refresh_trusts` run for trust `cik`; returns its id and status."""
    from dagster import DagsterInstance
    from dagster._core.definitions.selector import JobSubsetSelector
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.storage.tags import PARTITION_NAME_TAG
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget

    from etf_assets import settings

    own: Optional[DagsterInstance] = None
    if instance is None:
        settings.ensure_dagster_home()
        instance = own = DagsterInstance.get()
    try:
        if not instance.has_dynamic_partition(CIK_PARTITIONS_NAME, cik):
            raise NotAPartition(f"trust {cik} is not a partition of the pipeline (no ETF "
                                "series found for it yet)")
        origin = InProcessCodeLocationOrigin(
            LoadableTargetOrigin(executable_path=sys.executable, module_name=MODULE,
                                 working_directory=os.getcwd()),
            location_name=MODULE)
        with WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(origin)) as ctx:
            workspace = ctx.create_request_context()
            location = workspace.get_code_location(MODULE)
            repo = next(iter(location.get_repositories().values()))
            remote_job = location.get_job(JobSubsetSelector(
                location_name=MODULE, repository_name=repo.name, job_name=REFRESH_JOB,
                op_selection=None))
            plan = location.get_execution_plan(remote_job, {}, step_keys_to_execute=None,
                                               known_state=None, instance=instance)
            tags = {**remote_job.tags, PARTITION_NAME_TAG: cik, TRIGGER_TAG: API_TRIGGER,
                    REASON_TAG: "refresh requested through the API"}
            run = instance.create_run(
                job_name=remote_job.name, run_id=None, run_config={},
                resolved_op_selection=None,
                step_keys_to_execute=plan.execution_plan_snapshot.step_keys_to_execute,
                op_selection=None, status=None, root_run_id=None, parent_run_id=None,
                tags=tags, job_snapshot=remote_job.job_snapshot,
                execution_plan_snapshot=plan.execution_plan_snapshot,
                parent_job_snapshot=remote_job.parent_job_snapshot,
                remote_job_origin=remote_job.get_remote_origin(),
                job_code_origin=remote_job.get_python_origin(),
                asset_selection=None, asset_check_selection=None,
                asset_graph=repo.asset_graph)
            run = instance.submit_run(run.run_id, workspace)
        return {"run_id": run.run_id, "cik": cik, "job_name": run.job_name,
                "status": run.status.value}
    finally:
        if own is not None:
            own.dispose()
