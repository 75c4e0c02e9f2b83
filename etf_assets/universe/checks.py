"""Data-quality checks on the ETF universe (shown in the UI next to the asset)."""


from dagster import AssetCheckResult, AssetCheckSeverity, asset_check
from sqlalchemy import func, select

from etf_assets.universe.assets import etf_universe
from etf_assets.warehouse.engine import WarehouseResource
from etf_assets.warehouse.tables import etf, series, share_class


@asset_check(asset=etf_universe, blocking=False)
def etfs_found(warehouse: WarehouseResource) -> AssetCheckResult:
    """SEC's ticker file produced at least one active ETF class (else discovery broke)."""
    with warehouse.get_engine().connect() as conn:
        n = conn.execute(select(func.count()).select_from(etf).where(
            etf.c.is_etf.is_(True), etf.c.active.is_(True))).scalar_one()
        classes = conn.execute(select(func.count()).select_from(share_class).where(
            share_class.c.active.is_(True))).scalar_one()
    return AssetCheckResult(passed=n > 0, severity=AssetCheckSeverity.ERROR,
                            metadata={"active_etf_classes": n, "active_classes": classes})


@asset_check(asset=etf_universe, blocking=False)
def etf_series_belong_to_their_trust(warehouse: WarehouseResource) -> AssetCheckResult:
    """Every ETF class's series is filed under the same trust CIK as the class."""
    with warehouse.get_engine().connect() as conn:
        bad = conn.execute(
            select(etf.c.class_id, etf.c.cik, series.c.cik.label("series_cik"))
            .join(series, series.c.series_id == etf.c.series_id)
            .where(series.c.cik != etf.c.cik).limit(20)
        ).all()
    return AssetCheckResult(
        passed=not bad, severity=AssetCheckSeverity.ERROR,
        metadata={"mismatches_shown": len(bad),
                  "examples": [f"{r.class_id}: etf {r.cik} vs series {r.series_cik}"
                               for r in bad]},
    )
