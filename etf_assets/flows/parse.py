"""24F-2NT / 24F-2NT/A primary_doc.xml (SEC schema X0102) -> typed notices. Pure.

A notice holds one or more ``annualFilingInfo`` blocks: one for the whole registrant
(item 2 "include all" flags) or one per series / class (the BNY Mellon fixture has one
per class). Every block is kept, in document order. Money is Decimal exactly as
written; item 5(vi) is written in parentheses when negative ("(695309905.00)") and is
returned negative. Dates are written MM/DD/YYYY.

Pre-2020 notices were text (a 1995 one is in the fixtures): out of scope, they raise
:class:`Notice24F2Error` as "not a 24F-2NT XML document".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from etf_assets.warehouse.tables import amount_problem

NS = "http://www.sec.gov/edgar/twentyfourf2filer"
FORMS = ("24F-2NT", "24F-2NT/A")


class Notice24F2Error(ValueError):
    """The document is not a readable 24F-2NT XML notice (nothing of it is loaded)."""


@dataclass(frozen=True, slots=True)
class ScopeEntry:
    """One series or class an item 2 names (UIT/insurance filers name classes only)."""

    series_id: str | None = None
    series_name: str | None = None
    class_id: str | None = None
    class_name: str | None = None
    all_classes: bool = False  # includeAllClassesFlag under a series


@dataclass(frozen=True, slots=True)
class Block:
    """One annualFilingInfo: items 1-8 for one fiscal year of (part of) the filer."""

    index: int  # 1-based, document order
    issuer_name: str | None
    scope: tuple[ScopeEntry, ...]
    include_all: str | None  # "series" | "classes" | "all" when item 2 covers everything
    ica_file_number: str | None
    securities_act_file_numbers: tuple[str, ...]
    fiscal_year_end: date
    filed_late: bool | None
    last_filing: bool | None
    series_or_class_id: str | None
    aggregate_sales: Decimal | None
    redeemed_in_year: Decimal | None
    redeemed_prior_credits: Decimal | None
    total_redemption_credits: Decimal | None
    net_sales: Decimal | None
    credits_for_future_years: Decimal | None
    fee_rate: Decimal | None
    registration_fee_due: Decimal | None
    interest_due: Decimal | None
    total_due: Decimal | None
    explanatory_notes: str | None
    signature_date: date | None

    @property
    def series_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.series_id for s in self.scope if s.series_id))

    @property
    def class_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.class_id for s in self.scope if s.class_id))


@dataclass(frozen=True, slots=True)
class Notice24F2:
    form: str  # headerData/submissionType
    filer_cik: str | None
    investment_company_type: str | None  # N-1A, N-2, S-6, ...
    schema_version: str | None
    blocks: tuple[Block, ...]


_ITEM5 = {
    "aggregateSalePriceOfSecuritiesSold": "aggregate_sales",
    "aggregatePriceOfSecuritiesRedeemedOrRepurchasedInFiscalYear": "redeemed_in_year",
    "aggregatePriceOfSecuritiesRedeemedOrRepurchasedAnyPrior": "redeemed_prior_credits",
    "totalAvailableRedemptionCredits": "total_redemption_credits",
    "netSales": "net_sales",
    "redemptionCreditsAvailableForUseInFutureYears": "credits_for_future_years",
    "multiplierForDeterminingRegistrationFee": "fee_rate",
    "registrationFeeDue": "registration_fee_due",
}
_INCLUDE_ALL = {"rptIncludeAllSeriesFlag": "series", "rptIncludeAllClassesFlag": "classes",
                "rptIncludeAllFlag": "all"}


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _text(el: etree._Element | None) -> str | None:
    if el is None or el.text is None:
        return None
    s = " ".join(el.text.split())
    return s or None


def _child(el: etree._Element, name: str) -> etree._Element | None:
    for c in el:
        if isinstance(c.tag, str) and _local(c) == name:
            return c
    return None


def _children(el: etree._Element | None) -> list[etree._Element]:
    return [] if el is None else [c for c in el if isinstance(c.tag, str)]


def money(raw: str | None, field: str) -> Decimal | None:
    """EDGAR money as written: "418915624", "15173.7", "(695309905.00)" -> Decimal."""
    if raw is None:
        return None
    s = raw.strip().replace(",", "")
    if not s:
        return None
    negative = s.startswith("(") and s.endswith(")")
    try:
        value = Decimal(s[1:-1] if negative else s)
    except InvalidOperation:
        raise Notice24F2Error(f"{field}: not an amount: {raw!r}") from None
    problem = amount_problem(value)
    if problem:
        raise Notice24F2Error(f"{field}: {problem}: {raw!r}")
    return -value if negative else value


def _date(raw: str | None, field: str) -> date | None:
    if raw is None:
        return None
    try:
        return datetime.strptime(raw.strip(), "%m/%d/%Y").date()
    except ValueError:
        raise Notice24F2Error(f"{field}: not an MM/DD/YYYY date: {raw!r}") from None


def _bool(raw: str | None) -> bool | None:
    if raw is None:
        return None
    return raw.strip().lower() in ("true", "y", "yes", "1")


def _scope(item2: etree._Element | None) -> tuple[tuple[ScopeEntry, ...], str | None]:
    entries: list[ScopeEntry] = []
    include_all = None
    for variant in _children(item2):  # reportSeriesClass | reportClass | reportClassName
        for el in _children(variant):
            name = _local(el)
            if name in _INCLUDE_ALL and _bool(el.text):
                include_all = _INCLUDE_ALL[name]
            elif name == "rptSeriesClassInfo":
                sid, sname = _text(_child(el, "seriesId")), _text(_child(el, "seriesName"))
                classes = [c for c in _children(el) if _local(c) == "classInfo"]
                if not classes:
                    entries.append(ScopeEntry(sid, sname, all_classes=bool(
                        _bool(_text(_child(el, "includeAllClassesFlag"))))))
                for c in classes:
                    entries.append(ScopeEntry(sid, sname, _text(_child(c, "classId")),
                                              _text(_child(c, "className"))))
            elif name in ("annualClassInfo", "annualClassNameInfo"):
                entries.append(ScopeEntry(class_id=_text(_child(el, "classId")),
                                          class_name=_text(_child(el, "className"))))
    return tuple(entries), include_all


def _block(index: int, info: etree._Element) -> Block:
    items = {_local(c): c for c in _children(info)}
    item3, item4, item5 = items.get("item3"), items.get("item4"), items.get("item5")
    if item4 is None or item5 is None:
        raise Notice24F2Error(f"block {index}: no item 4 / item 5")
    fye = _date(_text(_child(item4, "lastDayOfFiscalYear")), f"block {index} item 4")
    if fye is None:
        raise Notice24F2Error(f"block {index}: no lastDayOfFiscalYear")
    five: dict[str, Any] = {}
    for el in _children(item5):
        field = _ITEM5.get(_local(el))
        if field:
            five[field] = money(el.text, f"block {index} {_local(el)}")
    scope, include_all = _scope(items.get("item2"))
    files = tuple(t for t in (_text(f) for f in (item3.iter() if item3 is not None else ())
                              if isinstance(f.tag, str) and _local(f) == "fileNumber") if t)
    sig = items.get("signature")
    return Block(
        index=index,
        issuer_name=_text(_child(items["item1"], "nameOfIssuer")) if "item1" in items else None,
        scope=scope,
        include_all=include_all,
        ica_file_number=_text(_child(item3, "investmentCompActFileNo")) if item3 is not None
        else None,
        securities_act_file_numbers=files,
        fiscal_year_end=fye,
        filed_late=_bool(_text(_child(item4, "isThisFormBeingFiledLate"))),
        last_filing=_bool(_text(_child(item4, "isThisTheLastTimeIssuerFilingThisForm"))),
        series_or_class_id=_text(_child(item5, "seriesOrClassId")),
        aggregate_sales=five.get("aggregate_sales"),
        redeemed_in_year=five.get("redeemed_in_year"),
        redeemed_prior_credits=five.get("redeemed_prior_credits"),
        total_redemption_credits=five.get("total_redemption_credits"),
        net_sales=five.get("net_sales"),
        credits_for_future_years=five.get("credits_for_future_years"),
        fee_rate=five.get("fee_rate"),
        registration_fee_due=five.get("registration_fee_due"),
        interest_due=money(_text(_child(items["item6"], "interestDue")), f"block {index} item 6")
        if "item6" in items else None,
        total_due=money(_text(_child(items["item7"], "totalOfRegistrationFeePlusAnyInterestDue")),
                        f"block {index} item 7") if "item7" in items else None,
        explanatory_notes=_text(_child(items["item8"], "explanatoryNotes"))
        if "item8" in items else None,
        signature_date=_date(_text(_child(sig, "signatureDate")), f"block {index} signature")
        if sig is not None else None,
    )


def parse_24f2(data: bytes) -> Notice24F2:
    """Every block of one 24F-2NT XML notice; raises Notice24F2Error on anything else."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                             huge_tree=False)
    try:
        root = etree.fromstring(data.lstrip(), parser)
    except etree.XMLSyntaxError as exc:
        raise Notice24F2Error(f"not a 24F-2NT XML document: {exc}") from None
    if root is None or etree.QName(root).namespace != NS:
        raise Notice24F2Error("not a 24F-2NT XML document (root namespace is not "
                              f"{NS})")
    header = _child(root, "headerData")
    form = _text(_child(header, "submissionType")) if header is not None else None
    if form not in FORMS:
        raise Notice24F2Error(f"submissionType {form!r} is not one of {FORMS}")
    filer_info = _child(header, "filerInfo")
    cik = None
    ic_type = None
    if filer_info is not None:
        ic_type = _text(_child(filer_info, "investmentCompanyType"))
        for el in filer_info.iter():
            if isinstance(el.tag, str) and _local(el) == "cik":
                cik = _text(el)
                break
    form_data = _child(root, "formData")
    annual = _child(form_data, "annualFilings") if form_data is not None else None
    infos = [el for el in _children(annual) if _local(el) == "annualFilingInfo"]
    if not infos:
        raise Notice24F2Error("the notice has no annualFilingInfo block")
    return Notice24F2(form=form, filer_cik=cik, investment_company_type=ic_type,
                      schema_version=_text(_child(root, "schemaVersion")),
                      blocks=tuple(_block(i, el) for i, el in enumerate(infos, 1)))


def summarize(notice: Notice24F2) -> dict[str, Any]:
    """What `etf-pipeline parse` prints for a notice."""
    def s(v: Any) -> Any:
        return str(v) if isinstance(v, (Decimal, date)) else v

    return {
        "form": notice.form,
        "filer_cik": notice.filer_cik,
        "investment_company_type": notice.investment_company_type,
        "blocks": [{
            "block": b.index,
            "fiscal_year_end": s(b.fiscal_year_end),
            "scope": b.include_all or ", ".join(b.class_ids or b.series_ids) or None,
            "aggregate_sales": s(b.aggregate_sales),
            "redeemed_in_year": s(b.redeemed_in_year),
            "net_sales": s(b.net_sales),
            "registration_fee_due": s(b.registration_fee_due),
            "total_due": s(b.total_due),
        } for b in notice.blocks],
    }
