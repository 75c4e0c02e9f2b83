"""Stream one N-PORT primary document into the warehouse through the one loader
(`warehouse.load.replace_filing`: replace-by-accession in the caller's transaction)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import BinaryIO, Callable

from sqlalchemy import Connection

from etf_assets import clock
from etf_assets.nport.parse import iter_nport
from etf_assets.nport.rows import filing_rows
from etf_assets.warehouse.load import replace_filing
from etf_assets.warehouse.tables import NPORT_TABLES


def load_nport(
    conn: Connection,
    source: bytes | BinaryIO,
    *,
    accession: str,
    filing_date: date,
    cik: str,
    url: str,
    sha256: str | None = None,
    form: str | None = None,
    acceptance_datetime: datetime | None = None,
    parsed_at: datetime | None = None,
    batch_size: int | None = None,
    on_flush: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Stream one N-PORT primary document into the warehouse (replace-by-accession).

    ``cik`` is the filer CIK (any zero padding); ``form`` defaults to the document's
    submissionType; ``sha256`` is computed when ``source`` is bytes. Broken XML raises
    :class:`~etf_assets.nport.parse.NportParseError`, possibly after some batches were
    written: the caller's transaction must then roll back (``engine.begin()`` does).
    """
    cik10 = str(cik).strip().zfill(10)
    if sha256 is None:
        if not isinstance(source, (bytes, bytearray, memoryview)):
            raise ValueError("sha256 is required when source is a file")
        sha256 = hashlib.sha256(source).hexdigest()
    stream = iter_nport(source)
    header = stream.header
    form = form or header.form
    if not form:
        raise ValueError(f"{accession}: no form given and the document has no submissionType")
    filing_row = {
        "accession_number": accession,
        "cik": cik10,
        "form": form,
        "filing_date": filing_date,
        "report_date": header.rep_pd_date,
        "acceptance_datetime": acceptance_datetime,
        "url": url,
        "sha256": sha256,
        "parsed_at": parsed_at or clock.utcnow(),
    }
    return replace_filing(
        conn,
        accession=accession,
        tables=NPORT_TABLES,
        rows=filing_rows(stream, accession=accession, filing_date=filing_date, cik=cik10),
        filing_row=filing_row,
        cik=cik10,
        parser_type="nport",
        latest_filing_date_seen=filing_date,
        batch_size=batch_size,
        on_flush=on_flush,
    )
