"""One 24F-2NT notice into the warehouse through the one loader
(`warehouse.load.replace_filing`: replace-by-accession in the caller's transaction)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import Connection

from etf_assets import clock
from etf_assets.flows.parse import parse_24f2
from etf_assets.flows.rows import notice_rows
from etf_assets.warehouse.load import replace_filing
from etf_assets.warehouse.tables import ANNUAL_FLOW_TABLES
from etf_assets.warehouse.universe import etf_class_ids, etf_series_ids


def load_24f2(conn: Connection, data: bytes, *, accession: str, filing_date: date, cik: str,
              url: str, form: str | None = None,
              acceptance_datetime: datetime | None = None,
              parsed_at: datetime | None = None) -> dict[str, int]:
    """Parse and replace one notice; raises Notice24F2Error (nothing written) if unreadable."""
    cik10 = str(cik).strip().zfill(10)
    notice = parse_24f2(data)
    form = form or notice.form
    return replace_filing(
        conn,
        accession=accession,
        tables=ANNUAL_FLOW_TABLES,
        rows=notice_rows(notice, accession=accession, filing_date=filing_date, cik=cik10,
                         form=form, etf_series=etf_series_ids(conn, cik10),
                         etf_classes=etf_class_ids(conn, cik10)),
        filing_row={
            "accession_number": accession, "cik": cik10, "form": form,
            "filing_date": filing_date,
            "report_date": max(b.fiscal_year_end for b in notice.blocks),
            "acceptance_datetime": acceptance_datetime, "url": url,
            "sha256": hashlib.sha256(data).hexdigest(), "parsed_at": parsed_at or clock.utcnow(),
        },
        cik=cik10,
        parser_type="24f2",
        latest_filing_date_seen=filing_date,
    )
