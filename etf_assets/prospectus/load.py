"""One 485BPOS into the warehouse through the one loader (replace-by-accession in the
caller's transaction)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import Connection

from etf_assets.prospectus.parse import parse_485bpos
from etf_assets.prospectus.rows import Kept, prospectus_rows
from etf_assets.warehouse.load import replace_filing
from etf_assets.warehouse.tables import PROSPECTUS_TABLES
from etf_assets.warehouse.universe import etf_class_ids, etf_series_ids


def load_prospectus(conn: Connection, data: bytes, *, accession: str, filing_date: date,
                    cik: str, url: str, form: str, report_date: date | None = None,
                    acceptance_datetime: datetime | None = None) -> tuple[dict[str, int], Kept]:
    """Parse and replace one prospectus; ProspectusError (nothing written) if it has no
    risk/return inline XBRL. Returns rows per table and what was left out."""
    cik10 = str(cik).strip().zfill(10)
    p = parse_485bpos(data)
    kept = Kept()
    written = replace_filing(
        conn, accession=accession, tables=PROSPECTUS_TABLES,
        rows=prospectus_rows(p, accession=accession, filing_date=filing_date, cik=cik10,
                             etf_series=etf_series_ids(conn, cik10),
                             etf_classes=etf_class_ids(conn, cik10), kept=kept),
        filing_row={
            "accession_number": accession, "cik": cik10, "form": form,
            "filing_date": filing_date, "report_date": p.period_end or report_date,
            "acceptance_datetime": acceptance_datetime, "url": url,
            "sha256": hashlib.sha256(data).hexdigest(), "parsed_at": datetime.now(),
        },
        cik=cik10, parser_type="485bpos", latest_filing_date_seen=filing_date,
    )
    return written, kept
