"""One N-CSR / N-CSRS into the warehouse through the one loader (replace-by-accession in
the caller's transaction)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import Connection, select

from etf_assets import clock
from etf_assets.ncsr.parse import parse_ncsr
from etf_assets.ncsr.rows import Kept, RegisteredClass, ncsr_rows
from etf_assets.warehouse.load import replace_filing
from etf_assets.warehouse.tables import NCSR_TABLES, etf


def registry(conn: Connection, cik: str) -> list[RegisteredClass]:
    """Every class the warehouse knows of the trust (ETF or not, active or not)."""
    rows = conn.execute(select(etf.c.class_id, etf.c.series_id, etf.c.fund_name,
                               etf.c.class_name, etf.c.ticker, etf.c.is_etf)
                        .where(etf.c.cik == cik).order_by(etf.c.class_id))
    return [RegisteredClass(r.class_id, r.series_id, r.fund_name, r.class_name, r.ticker,
                            bool(r.is_etf)) for r in rows]


def load_ncsr(conn: Connection, data: bytes, *, accession: str, filing_date: date,
              cik: str, url: str, form: str, report_date: date | None = None,
              acceptance_datetime: datetime | None = None,
              parsed_at: datetime | None = None) -> tuple[dict[str, int], Kept]:
    """Parse and replace one shareholder report; NcsrError (nothing written) when the
    document has neither a TSR nor a Financial Highlights table."""
    cik10 = str(cik).strip().zfill(10)
    doc = parse_ncsr(data)
    kept = Kept()
    period_end = doc.report.period_end if doc.report else None
    written = replace_filing(
        conn, accession=accession, tables=NCSR_TABLES,
        rows=ncsr_rows(doc, accession=accession, filing_date=filing_date, cik=cik10,
                       registry=registry(conn, cik10), kept=kept),
        filing_row={
            "accession_number": accession, "cik": cik10, "form": form,
            "filing_date": filing_date, "report_date": period_end or report_date,
            "acceptance_datetime": acceptance_datetime, "url": url,
            "sha256": hashlib.sha256(data).hexdigest(), "parsed_at": parsed_at or clock.utcnow(),
        },
        cik=cik10, parser_type="ncsr", latest_filing_date_seen=filing_date,
        skipped=kept.reasons,
    )
    return written, kept
