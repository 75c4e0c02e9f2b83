"""Ask SEC what each new listed candidate is (the requests behind universe/listed.py).

Per candidate CIK, once: its submissions JSON; if it files N-CEN, the newest N-CEN's
registrant type (its .txt); else if it files NPORT-P, whether the newest one names a
series. A candidate that fails (network, unparsable document) stays undecided and is
asked again at the next refresh; nothing else waits for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from etf_assets.edgar.client import SecClient, SecHttpError, SecNotFound
from etf_assets.edgar.sgml import parse_submission
from etf_assets.edgar.submissions import fetch_filings, latest, raw_document_name
from etf_assets.nport.parse import FORMS as NPORT_FORMS
from etf_assets.nport.parse import NportParseError, iter_nport
from etf_assets.universe.listed import ListedDecision, ListedEntity, decide_listed, recent_forms
from etf_assets.universe.parse import NCEN_FORMS, NcenParseError, parse_ncen

log = logging.getLogger(__name__)



@dataclass
class Discovery:
    decided: list[tuple[ListedEntity, ListedDecision]] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # cik -> why (retried next time)


def decide_candidates(candidates: Sequence[ListedEntity], client: SecClient,
                      progress_every: int = 50) -> Discovery:
    """Decide every candidate (several tickers of one CIK share one decision)."""
    out = Discovery()
    by_cik: dict[str, list[ListedEntity]] = {}
    for e in candidates:
        by_cik.setdefault(e.cik, []).append(e)
    for n, (cik, entities) in enumerate(by_cik.items(), 1):
        try:
            with client.one_view_of_submissions():
                decision = _decide(entities[0], client)
        except (SecHttpError, NcenParseError, NportParseError, ValueError) as exc:
            out.failed[cik] = str(exc)[:300]
            log.warning("listed candidate %s (%s) undecided: %s", cik, entities[0].ticker, exc)
            continue
        out.decided.extend((e, decision) for e in entities)
        if n % progress_every == 0 or n == len(by_cik):
            log.info("listed candidates: %d/%d CIKs decided", n, len(by_cik))
    return out


def _decide(entity: ListedEntity, client: SecClient) -> ListedDecision:
    try:
        subs = client.submissions(entity.cik)
    except SecNotFound:
        return decide_listed(entity, None)
    forms = recent_forms(subs)
    if forms & set(NCEN_FORMS):
        ncen = latest(fetch_filings(client, entity.cik, NCEN_FORMS), NCEN_FORMS)
        if ncen is not None:
            sub = parse_submission(client.filing_text(entity.cik, ncen.accession_number))
            doc = sub.document(raw_document_name(ncen.primary_document))
            if doc is None:
                raise ValueError(f"{ncen.accession_number}: N-CEN has no primary_doc.xml")
            report = parse_ncen(doc)
            return decide_listed(entity, subs, ncen_type=report.registrant_type or "unknown",
                                 ncen_accession=ncen.accession_number)
    if forms & set(NPORT_FORMS):
        nport = latest(fetch_filings(client, entity.cik, NPORT_FORMS), NPORT_FORMS)
        if nport is not None:
            doc = client.filing_document(entity.cik, nport.accession_number,
                                         raw_document_name(nport.primary_document))
            header = iter_nport(doc).header
            return decide_listed(entity, subs, nport_has_series=header.series_id is not None,
                                 nport_accession=nport.accession_number)
    return decide_listed(entity, subs)
