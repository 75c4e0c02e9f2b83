"""Data-quality checks on the ETF universe (shown in the UI next to the asset)."""


from dagster import AssetCheckResult, AssetCheckSeverity, asset_check
from sqlalchemy import func, select

from etf_assets.universe.assets import etf_universe
from etf_assets.warehouse.engine import WarehouseResource
from etf_assets.warehouse.tables import etf, series, share_class, ticker_period


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


def _current_ticker_counts(conn):
    """(class_id, number of current tickers) for every active ETF class."""
    current = (select(ticker_period.c.class_id, func.count().label("n"))
               .where(ticker_period.c.valid_to.is_(None))
               .group_by(ticker_period.c.class_id).subquery())
    return conn.execute(
        select(etf.c.class_id, etf.c.ticker, func.coalesce(current.c.n, 0))
        .outerjoin(current, current.c.class_id == etf.c.class_id)
        .where(etf.c.is_etf.is_(True), etf.c.active.is_(True))).all()


@asset_check(asset=etf_universe, blocking=False)
def one_current_ticker_per_etf_class(warehouse: WarehouseResource) -> AssetCheckResult:
    """Every active ETF class has exactly one current ticker in ticker_period (none:
    SEC never showed one; two: SEC's sources disagree about today)."""
    with warehouse.get_engine().connect() as conn:
        rows = _current_ticker_counts(conn)
    bad = [r for r in rows if r[2] != 1]
    return AssetCheckResult(
        passed=not bad, severity=AssetCheckSeverity.WARN,
        metadata={"active_etf_classes": len(rows),
                  "without_current_ticker": sum(1 for r in bad if r[2] == 0),
                  "with_several": sum(1 for r in bad if r[2] > 1),
                  "examples": [f"{r[0]} ({r[1]}): {r[2]} current" for r in bad[:20]]})


@asset_check(asset=etf_universe, blocking=False)
def no_ticker_current_for_two_classes(warehouse: WarehouseResource) -> AssetCheckResult:
    """No ticker is current for two active ETF classes (a reused ticker must have
    moved: the old class's period closed when the new one's began)."""
    with warehouse.get_engine().connect() as conn:
        active = select(etf.c.class_id).where(etf.c.is_etf.is_(True), etf.c.active.is_(True))
        bad = conn.execute(
            select(ticker_period.c.ticker, func.count(func.distinct(ticker_period.c.class_id)))
            .where(ticker_period.c.valid_to.is_(None), ticker_period.c.class_id.in_(active))
            .group_by(ticker_period.c.ticker)
            .having(func.count(func.distinct(ticker_period.c.class_id)) > 1)).all()
    return AssetCheckResult(
        passed=not bad, severity=AssetCheckSeverity.WARN,
        metadata={"tickers_on_several_classes": len(bad),
                  "examples": [f"{t}: {n} classes" for t, n in bad[:20]]})
