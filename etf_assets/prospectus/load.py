"""One 485BPOS into the warehouse through the one loader (replace-by-accession in the
caller's transaction)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import Connection

from sqlalchemy import select

from etf_assets import clock
from etf_assets.prospectus.read import ClassRef, read_prospectus
from etf_assets.prospectus.rows import Kept, prospectus_rows
from etf_assets.warehouse.load import replace_filing
from etf_assets.warehouse.tables import PROSPECTUS_TABLES, etf
from etf_assets.warehouse.universe import etf_class_ids, etf_series_ids


def load_prospectus(conn: Connection, data: bytes, *, accession: str, filing_date: date,
                    cik: str, url: str, form: str, report_date: date | None = None,
                    acceptance_datetime: datetime | None = None,
                    parsed_at: datetime | None = None) -> tuple[dict[str, int], Kept]:
    """Parse and replace one prospectus (tagged: its risk/return inline XBRL; untagged:
    its HTML tables, columns matched to the trust's classes in `etf`); ProspectusError
    (nothing written) if neither reader finds anything. Returns rows per table and what
    was left out (and the tags-vs-tables comparison of a tagged one)."""
    cik10 = str(cik).strip().zfill(10)
    classes = [ClassRef(r.class_id, r.series_id, r.class_name, r.ticker)
               for r in conn.execute(select(etf.c.class_id, etf.c.series_id, etf.c.class_name,
                                            etf.c.ticker).where(etf.c.cik == cik10))]
    p, comparison = read_prospectus(data, form=form, classes=classes)
    kept = Kept(comparison=comparison)
    written = replace_filing(
        conn, accession=accession, tables=PROSPECTUS_TABLES,
        rows=prospectus_rows(p, accession=accession, filing_date=filing_date, cik=cik10,
                             etf_series=etf_series_ids(conn, cik10),
                             etf_classes=etf_class_ids(conn, cik10), kept=kept),
        filing_row={
            "accession_number": accession, "cik": cik10, "form": form,
            "filing_date": filing_date, "report_date": p.period_end or report_date,
            "acceptance_datetime": acceptance_datetime, "url": url,
            "sha256": hashlib.sha256(data).hexdigest(), "parsed_at": parsed_at or clock.utcnow(),
        },
        cik=cik10, parser_type="485bpos", latest_filing_date_seen=filing_date,
        skipped=kept.reasons,
    )
    return written, kept
