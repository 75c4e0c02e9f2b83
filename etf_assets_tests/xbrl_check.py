"""An independent checker of generated inline XBRL documents against one SEC taxonomy
schema (rr-2023 for 485BPOS, oef-2025 for N-CSR shareholder reports), read with plain
lxml - never with the reader under test (:mod:`etf_assets.xbrl.inline`).

Taxonomy-driven: a :class:`Profile` holds the element declarations of one taxonomy xsd
(type, abstract, substitution group, period type), the item types it defines (their
base type and facets: ``minInclusive`` / ``maxInclusive`` / ``pattern`` /
``enumeration``), the concepts its label linkbase calls deprecated, the axes allowed
with the member shape each takes, and small tables for the dei / us-gaap items a
document may use (the dei and us-gaap schemas are not in the fixtures).

:func:`check` lists every way a document breaks the XBRL 2.1 / Dimensions / iXBRL rules
we rely on (an empty list: none):

* concepts: a concrete (non-abstract) ``xbrli:item`` of the taxonomy, or a listed
  dei / us-gaap item; not deprecated;
* numbers: ``ix:nonFraction`` only for numeric types, with ``decimals``, a unit of the
  type's kind (pure and percent types: ``xbrli:pure``; monetary: ``iso4217:USD``;
  integers: ``xbrli:pure``), a readable value of known format, no more digits than
  ``decimals`` says, whole for integer types, inside the type's min/max facets;
* text: ``ix:nonNumeric`` only for text, date and token types; patterns and
  enumerations of the type hold; dates carry a date format or are ISO; text blocks are
  ``escape="true"``;
* contexts: every ``contextRef`` resolves, each context is used, one entity identifier
  (the CIK) throughout, the context's period kind is the concept's ``periodType``
  (instant vs duration; rr: every context a start = end duration), start <= end;
* dimensions: explicit members only, on axes the taxonomy declares
  (``xbrldt:dimensionItem``) or lists, at most once per context, members well formed:
  from the filer extension, or the taxonomy's own domain members (where the taxonomy
  lists an axis's domain, the member must be in it);
* facts: no two facts of one concept, context and unit with different values;
* document: ids unique, ``continuedAt`` chains resolve, every continuation used once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

IX = "http://www.xbrl.org/2013/inlineXBRL"
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
XS = "http://www.w3.org/2001/XMLSchema"
LINK = "http://www.xbrl.org/2003/linkbase"
XLINK = "http://www.w3.org/1999/xlink"
XBRLDT = "http://xbrl.org/2005/xbrldt"
ISO4217 = "http://www.xbrl.org/2003/iso4217"
IXT = "http://www.xbrl.org/inlineXBRL/transformation/2020-02-12"
IXT_SEC = "http://www.sec.gov/inlineXBRL/transformation/2015-08-31"
SCHEMAS = Path(__file__).parent / "fixtures" / "sec" / "schemas" / "xbrl"

#: Base item types by kind (XBRL 2.1 and the DTR types SEC taxonomies use).
PURE = frozenset({"xbrli:pureItemType", "dtr-types:percentItemType", "xbrli:decimalItemType"})
MONETARY = frozenset({"xbrli:monetaryItemType", "dtr-types:nonNegativeMonetaryItemType"})
INTEGER = frozenset({"xbrli:integerItemType", "xbrli:nonNegativeIntegerItemType"})
TEXT = frozenset({"xbrli:stringItemType", "xbrli:normalizedStringItemType",
                  "xbrli:tokenItemType", "dtr-types:textBlockItemType",
                  "dei:securityTitleItemType"})
DATE = frozenset({"xbrli:dateItemType"})
BOOLEAN = frozenset({"xbrli:booleanItemType"})
#: Facets the DTR types carry themselves.
DTR_FACETS = {"dtr-types:nonNegativeMonetaryItemType": {"min": Decimal(0)}}
NUMBER_FORMATS = {(IXT, "num-dot-decimal"), (IXT, "fixed-zero"), (IXT_SEC, "numwordsen")}
DATE_FORMATS = {(IXT, "date-monthname-day-year-en"), (IXT, "date-month-day-year")}
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


@dataclass(frozen=True)
class Element:
    """One ``xs:element`` of a taxonomy schema."""

    type: str | None
    abstract: bool
    group: str | None  # substitution group: xbrli:item, xbrldt:dimensionItem, ...
    period: str | None  # xbrli:periodType


@dataclass(frozen=True)
class ItemType:
    """A complex item type the schema defines: base type and facets."""

    base: str
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    pattern: str | None = None
    enumeration: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    """A dei / us-gaap item used by documents: its type and period type, and for text
    the regular expression its value must match."""

    type: str
    period: str  # "duration" | "instant"
    pattern: str | None = None


@dataclass(frozen=True)
class AxisRule:
    """What an axis's members look like: a local-name pattern, and the taxonomy members
    allowed besides the filer extension's (None: any domain member of the taxonomy)."""

    member_pattern: str = r"[A-Z][A-Za-z0-9]*Member"
    taxonomy_members: frozenset[tuple[str, str]] | None = None  # (namespace, local)
    extension: bool = True  # filer-extension members allowed


@dataclass(frozen=True)
class Profile:
    name: str  # "rr-2023", "oef-2025": used in messages
    namespace: str
    elements: Mapping[str, Element]
    types: Mapping[str, ItemType]  # "prefix:LocalType" -> facets (this schema's types)
    others: Mapping[tuple[str, str], ItemSpec]  # (namespace, local) of dei / us-gaap items
    axes: Mapping[tuple[str, str], AxisRule]  # (namespace, local) -> rule
    deprecated: frozenset[str] = frozenset()
    ext_prefix: str = "fks"
    same_day_durations: bool = False  # rr: every context a start = end duration
    number_formats: frozenset[tuple[str, str]] = frozenset(NUMBER_FORMATS)
    date_formats: frozenset[tuple[str, str]] = frozenset(DATE_FORMATS)

    def spec(self, ns: str | None, local: str) -> tuple[str, str, str | None] | None:
        """(type, period type, value pattern) of a concept, None when unknown/abstract."""
        if ns == self.namespace:
            el = self.elements.get(local)
            if el is None or el.abstract or el.group != "xbrli:item" or el.type is None:
                return None
            return el.type, el.period or "duration", None
        other = self.others.get((ns or "", local))
        return (other.type, other.period, other.pattern) if other else None


# --------------------------------------------------------------------------- loading


def schema_elements(xsd: Path) -> dict[str, Element]:
    root = etree.parse(str(xsd)).getroot()
    return {el.get("name"): Element(el.get("type"), el.get("abstract") == "true",
                                    el.get("substitutionGroup"),
                                    el.get(f"{{{XBRLI}}}periodType"))
            for el in root.iter(f"{{{XS}}}element") if el.get("name")}


def schema_types(xsd: Path, prefix: str) -> dict[str, ItemType]:
    """The item types `xsd` defines (``xs:complexType`` with a simpleContent restriction)."""
    root = etree.parse(str(xsd)).getroot()
    out: dict[str, ItemType] = {}
    for ct in root.iter(f"{{{XS}}}complexType"):
        r = ct.find(f"{{{XS}}}simpleContent/{{{XS}}}restriction")
        if r is None or not ct.get("name"):
            continue

        def facet(tag: str) -> str | None:
            el = r.find(f"{{{XS}}}{tag}")
            return el.get("value") if el is not None else None

        lo, hi = facet("minInclusive"), facet("maxInclusive")
        out[f"{prefix}:{ct.get('name')}"] = ItemType(
            base=r.get("base") or "", minimum=Decimal(lo) if lo is not None else None,
            maximum=Decimal(hi) if hi is not None else None, pattern=facet("pattern"),
            enumeration=tuple(e.get("value") for e in r.iter(f"{{{XS}}}enumeration")))
    return out


def deprecated_in_labels(lab: Path) -> frozenset[str]:
    """Concepts whose standard label says "(Deprecated YYYY-MM-DD)"."""
    root = etree.parse(str(lab)).getroot()
    locs = {l.get(f"{{{XLINK}}}label"): l.get(f"{{{XLINK}}}href").split("#")[-1]
            for l in root.iter(f"{{{LINK}}}loc")}
    labels = {l.get(f"{{{XLINK}}}label"): l.text or "" for l in root.iter(f"{{{LINK}}}label")}
    out = set()
    for arc in root.iter(f"{{{LINK}}}labelArc"):
        if re.search(r"\(Deprecated \d{4}-\d\d-\d\d\)", labels.get(arc.get(f"{{{XLINK}}}to"), "")):
            href = locs.get(arc.get(f"{{{XLINK}}}from"), "")
            out.add(href.split("_", 1)[-1])
    return frozenset(out)


def axis_domains(definition: Path, namespaces: Mapping[str, str]
                 ) -> dict[str, frozenset[tuple[str, str]]]:
    """Axis local name -> every member of its domain (dimension-domain, then
    domain-member arcs, transitively; a ``...Domain`` head left out) in a definition
    linkbase such as oef-sr-2025.xsd;
    `namespaces` maps the schema file prefixes of the locators (``us-gaap``) to URIs."""
    root = etree.parse(str(definition)).getroot()
    children: dict[str, set[str]] = {}
    roots: dict[str, set[str]] = {}
    for link in root.iter(f"{{{LINK}}}definitionLink"):
        locs = {l.get(f"{{{XLINK}}}label"): l.get(f"{{{XLINK}}}href").split("#")[-1]
                for l in link.iter(f"{{{LINK}}}loc")}
        for arc in link.iter(f"{{{LINK}}}definitionArc"):
            kind = arc.get(f"{{{XLINK}}}arcrole").rsplit("/", 1)[-1]
            a, b = locs[arc.get(f"{{{XLINK}}}from")], locs[arc.get(f"{{{XLINK}}}to")]
            if kind == "dimension-domain":
                roots.setdefault(a, set()).add(b)
            elif kind == "domain-member":
                children.setdefault(a, set()).add(b)
    out = {}
    for axis, domains in roots.items():
        # a "...Domain" head is the axis's default, never an explicit member (but
        # SalesLoadAxis's head is the member WithSalesLoadMember)
        seen: set[str] = set()
        todo = [m for d in domains for m in
                (children.get(d, ()) if d.endswith("Domain") else (d,))]
        while todo:
            x = todo.pop()
            if x not in seen:
                seen.add(x)
                todo.extend(children.get(x, ()))
        members = set()
        for x in seen:
            prefix, _, local = x.partition("_")
            if prefix in namespaces:
                members.add((namespaces[prefix], local))
        out[axis.partition("_")[2]] = frozenset(members)
    return out


# --------------------------------------------------------------------------- profiles


def rr_2023() -> Profile:
    """485BPOS risk/return summaries: rr-2023 + dei-2023 (as the fake EDGAR's generator
    writes them: every context a start = end duration)."""
    rr_ns, dei_ns = "http://xbrl.sec.gov/rr/2023", "http://xbrl.sec.gov/dei/2023"
    xsd = SCHEMAS / "rr-2023" / "rr-2023.xsd"
    elements = schema_elements(xsd)
    dei = {  # dei-2023 items of 485BPOS documents: (type, value pattern)
        "DocumentType": ("dei:submissionTypeItemType", r"485BPOS"),
        "AmendmentFlag": ("xbrli:booleanItemType", r"true|false"),
        "AmendmentDescription": ("xbrli:stringItemType", r".+"),
        "EntityCentralIndexKey": ("dei:centralIndexKeyItemType", r"\d{10}"),
        "EntityRegistrantName": ("xbrli:normalizedStringItemType", r"\S.*"),
        "EntityInvCompanyType": ("dei:invCompanyType", r"N-1A|N-2|N-3|N-4|N-5|N-6|S-1or3|S-6"),
        "DocumentPeriodEndDate": ("xbrli:dateItemType", r"\d{4}-\d\d-\d\d"),
        "TradingSymbol": ("dei:tradingSymbolItemType", r"[A-Z0-9.]{1,10}"),
    }
    axes = {(dei_ns, "LegalEntityAxis"): AxisRule(r"S\d{9}Member", frozenset())}
    for local, el in elements.items():
        if el.group == "xbrldt:dimensionItem":
            pattern = {"ProspectusShareClassAxis": r"C\d{9}Member",
                       "PerformanceMeasureAxis": r"[A-Z][A-Za-z0-9]*Member"}.get(local, r"(?!)")
            axes[(rr_ns, local)] = AxisRule(pattern)
    return Profile(
        name="rr-2023", namespace=rr_ns, elements=elements, types=schema_types(xsd, "rr"),
        others={(dei_ns, k): ItemSpec(t, "duration", p) for k, (t, p) in dei.items()},
        axes=axes, same_day_durations=True)


OEF_DEI = {  # dei-2025 items of N-CSR shareholder reports: (type, value pattern)
    "DocumentType": ("dei:submissionTypeItemType", r"N-CSRS?"),
    "AmendmentFlag": ("xbrli:booleanItemType", r"true|false"),
    "AmendmentDescription": ("xbrli:stringItemType", r"\S.*"),
    "EntityCentralIndexKey": ("dei:centralIndexKeyItemType", r"\d{10}"),
    "EntityRegistrantName": ("xbrli:normalizedStringItemType", r"\S.*"),
    "EntityInvCompanyType": ("dei:invCompanyType", r"N-1A|N-2|N-3|N-4|N-5|N-6|S-1or3|S-6"),
    "DocumentPeriodEndDate": ("xbrli:dateItemType", r"\d{4}-\d\d-\d\d"),
    "TradingSymbol": ("dei:tradingSymbolItemType", r"[A-Z0-9.]{1,10}"),
    # dei:edgarExchangeCodeItemType (a few of its values)
    "SecurityExchangeName": ("dei:edgarExchangeCodeItemType",
                             r"NYSE|NYSEArca|NYSEAMER|NASDAQ|CboeBZX|CboeBYX|CboeEDGX|IEX"),
    "NoTradingSymbolFlag": ("xbrli:booleanItemType", r"true"),
}
OEF_US_GAAP = {  # us-gaap-2025 items the oef-2025 shareholder report tables use
    "AssetsNet": ("xbrli:monetaryItemType", "instant"),
    "InvestmentCompanyPortfolioTurnover": ("dtr-types:percentItemType", "duration"),
}


def oef_2025() -> Profile:
    """N-CSR / N-CSRS tailored shareholder reports: oef-2025 (concepts, its item types,
    deprecations from its label linkbase, axis domains from the oef-sr entry point's
    definition linkbase) + dei-2025 + the two us-gaap-2025 items of its tables."""
    oef_ns = "http://xbrl.sec.gov/oef/2025"
    dei_ns, gaap_ns = "http://xbrl.sec.gov/dei/2025", "http://fasb.org/us-gaap/2025"
    folder = SCHEMAS / "oef-2025"
    elements = schema_elements(folder / "oef-2025.xsd")
    domains = axis_domains(folder / "oef-sr-2025.xsd",
                           {"oef": oef_ns, "us-gaap": gaap_ns, "dei": dei_ns})
    axes = {(dei_ns, "LegalEntityAxis"): AxisRule(r"S\d{9}Member", frozenset())}
    for local, el in elements.items():
        if el.group == "xbrldt:dimensionItem":
            pattern = r"C\d{9}Member" if local == "ClassAxis" else r"[A-Z][A-Za-z0-9]*Member"
            axes[(oef_ns, local)] = AxisRule(pattern, domains.get(local))
    others = {(dei_ns, k): ItemSpec(t, "duration", p) for k, (t, p) in OEF_DEI.items()}
    others.update({(gaap_ns, k): ItemSpec(t, period) for k, (t, period) in OEF_US_GAAP.items()})
    return Profile(
        name="oef-2025", namespace=oef_ns, elements=elements,
        types=schema_types(folder / "oef-2025.xsd", "oef"), others=others, axes=axes,
        deprecated=deprecated_in_labels(folder / "oef-2025_lab.xsd"))


# --------------------------------------------------------------------------- checking


def _resolve(qname: str | None, el: etree._Element) -> tuple[str | None, str]:
    prefix, _, local = (qname or "").strip().rpartition(":")
    return el.nsmap.get(prefix or None), local


def _kind(type_name: str, profile: Profile) -> tuple[str, ItemType | None]:
    """("pure" | "monetary" | "integer" | "text" | "date" | "boolean" | "other", facets)."""
    facets = profile.types.get(type_name)
    base = facets.base if facets else type_name
    if base in DTR_FACETS and facets is None:
        facets = ItemType(base, minimum=DTR_FACETS[base].get("min"))
    for kind, group in (("pure", PURE), ("monetary", MONETARY), ("integer", INTEGER),
                        ("text", TEXT), ("date", DATE), ("boolean", BOOLEAN)):
        if base in group:
            return kind, facets
    if base.startswith("dei:") or base == "xbrli:tokenItemType":
        return "text", facets  # dei string-like types (enumerations by pattern)
    return "other", facets


def _number(el: etree._Element, text: str) -> Decimal | None:
    """The fact's value (format, scale and sign applied), None when unreadable."""
    fmt = el.get("format")
    ns, local = _resolve(fmt, el) if fmt else (None, "")
    try:
        if not fmt or (ns, local) == (IXT, "num-dot-decimal"):
            digits = text.replace(",", "").strip()
            if not re.fullmatch(r"\d+(\.\d+)?", digits):
                return None
            value = Decimal(digits)
        elif (ns, local) == (IXT, "fixed-zero"):
            value = Decimal(0)
        elif (ns, local) == (IXT_SEC, "numwordsen"):
            if text.strip().lower() not in ("no", "none", "zero"):
                return None
            value = Decimal(0)
        else:
            return None
        value = value.scaleb(int(el.get("scale") or 0))
    except (InvalidOperation, ValueError):
        return None
    return -value if el.get("sign") == "-" and value else value


def check(data: bytes, profile: Profile) -> list[str]:
    """Every problem of `data` under `profile` (see the module docstring)."""
    bad: list[str] = []
    root = etree.fromstring(data)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    bad += [f"duplicate id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    resources = root.find(f".//{{{IX}}}resources")
    if resources is None:
        return bad + ["no ix:resources"]
    contexts = {c.get("id"): c for c in resources.iter(f"{{{XBRLI}}}context")}
    units = {}
    for u in resources.iter(f"{{{XBRLI}}}unit"):
        units[u.get("id")] = [_resolve(m.text, m) for m in u.iter(f"{{{XBRLI}}}measure")]
    ext_ns = root.nsmap.get(profile.ext_prefix)
    periods: dict[str, str] = {}
    identifiers = set()
    for cid, c in contexts.items():
        ident = c.find(f".//{{{XBRLI}}}identifier")
        identifiers.add((ident.get("scheme"), (ident.text or "").strip())
                        if ident is not None else None)
        instant = c.findtext(f".//{{{XBRLI}}}instant")
        start = c.findtext(f".//{{{XBRLI}}}startDate")
        end = c.findtext(f".//{{{XBRLI}}}endDate")
        if instant and not (start or end):
            periods[cid] = "instant"
        elif start and end and not instant:
            periods[cid] = "duration"
            if start > end:
                bad.append(f"context {cid}: starts {start} after it ends {end}")
        else:
            bad.append(f"context {cid}: neither an instant nor a start/end duration")
        if profile.same_day_durations and not (start and start == end):
            bad.append(f"context {cid}: not a start=end duration")
        if c.find(f".//{{{XBRLI}}}scenario") is not None:
            bad.append(f"context {cid}: scenario (SEC wants dimensions in the segment)")
        if next(c.iter(f"{{{XBRLDI}}}typedMember"), None) is not None:
            bad.append(f"context {cid}: typed member")
        axes_seen: set[tuple[str | None, str]] = set()
        for m in c.iter(f"{{{XBRLDI}}}explicitMember"):
            axis = _resolve(m.get("dimension"), m)
            mns, mlocal = _resolve(m.text, m)
            if axis in axes_seen:
                bad.append(f"context {cid}: {m.get('dimension')} twice")
            axes_seen.add(axis)
            rule = profile.axes.get(axis)  # type: ignore[arg-type]
            if rule is None:
                bad.append(f"context {cid}: unknown axis {m.get('dimension')}")
                continue
            if mns is None or not re.fullmatch(rule.member_pattern, mlocal):
                bad.append(f"context {cid}: bad member {m.text!r} on {axis[1]}")
            elif mns == ext_ns and rule.extension:
                pass
            elif rule.taxonomy_members is not None and (mns, mlocal) in rule.taxonomy_members:
                pass
            elif mns == profile.namespace and rule.taxonomy_members is None:
                el = profile.elements.get(mlocal)
                if el is None or el.type != "dtr-types:domainItemType":
                    bad.append(f"context {cid}: {mlocal} is not an {profile.name.split('-')[0]}"
                               " domain member")
            elif mns == profile.namespace:
                bad.append(f"context {cid}: {mlocal} is not in the domain of {axis[1]}")
            else:
                bad.append(f"context {cid}: member namespace {mns} of {m.text!r}")
    if len(identifiers) > 1:
        bad.append(f"contexts name {len(identifiers)} entities: {sorted(map(str, identifiers))}")

    continuations = {c.get("id"): c for c in root.iter(f"{{{IX}}}continuation")}
    used: list[str] = []
    used_contexts: set[str] = set()
    seen_values: dict[tuple[str, str | None, str | None], tuple[object, str]] = {}
    for el in root.iter(f"{{{IX}}}nonFraction", f"{{{IX}}}nonNumeric"):
        name, ctx, unit = el.get("name"), el.get("contextRef"), el.get("unitRef")
        ns, local = _resolve(name, el)
        text = "".join(el.itertext()).strip()
        numeric = el.tag == f"{{{IX}}}nonFraction"
        used_contexts.add(ctx or "")
        if ctx not in contexts:
            bad.append(f"{name}: contextRef {ctx} does not resolve")
        fmt = el.get("format")
        if fmt and _resolve(fmt, el) not in profile.number_formats | profile.date_formats:
            bad.append(f"{name}: format {fmt}")
        nxt, seen = el.get("continuedAt"), set()
        while nxt:
            if nxt in seen or nxt not in continuations:
                bad.append(f"{name}: continuation {nxt} loops or does not resolve")
                break
            seen.add(nxt)
            used.append(nxt)
            nxt = continuations[nxt].get("continuedAt")
        spec = profile.spec(ns, local)
        if spec is None:
            bad.append(f"{name}: not a concrete {profile.name} item"
                       + (" (nor a known dei / us-gaap item)" if ns != profile.namespace else ""))
            continue
        kind_name, period_type, pattern = spec
        if ns == profile.namespace and local in profile.deprecated:
            bad.append(f"{name}: deprecated in {profile.name}")
        if ctx in periods and periods[ctx] != period_type:
            bad.append(f"{name}: {period_type} item in {periods[ctx]} context {ctx}")
        kind, facets = _kind(kind_name, profile)
        value: object = text
        if numeric:
            if kind not in ("pure", "monetary", "integer"):
                bad.append(f"{name}: {kind_name} tagged as a number")
                continue
            want = [(ISO4217, "USD")] if kind == "monetary" else [(XBRLI, "pure")]
            if units.get(unit) != want:
                shown = [f"{'xbrli' if n == XBRLI else 'iso4217' if n == ISO4217 else n}:{m}"
                         for n, m in units.get(unit) or []]
                bad.append(f"{name}: unit {unit} {shown or None} for {kind_name}")
            decimals = el.get("decimals")
            if decimals is None:
                bad.append(f"{name}: no decimals")
            number = _number(el, text)
            if number is None:
                bad.append(f"{name}: unreadable number {text!r} ({fmt})")
                continue
            value = number
            if decimals not in (None, "INF"):
                try:
                    if number != number.quantize(Decimal(1).scaleb(-int(decimals))):
                        bad.append(f"{name}: {number} has more digits than decimals={decimals}")
                except (InvalidOperation, ValueError):
                    bad.append(f"{name}: decimals {decimals!r}")
            if kind == "integer" and number != number.to_integral_value():
                bad.append(f"{name}: {number} is not a whole number")
            if facets is not None and (
                    (facets.minimum is not None and number < facets.minimum)
                    or (facets.maximum is not None and number > facets.maximum)):
                bad.append(f"{name}: sign breaks {kind_name} ({number})")
        else:
            if unit is not None:
                bad.append(f"{name}: text with a unit")
            if kind in ("pure", "monetary", "integer", "other"):
                bad.append(f"{name}: {kind_name} tagged as text")
                continue
            if kind_name == "dtr-types:textBlockItemType" and el.get("escape") != "true":
                bad.append(f'{name}: text block without escape="true"')
            if kind == "date":
                if not (fmt and _resolve(fmt, el) in profile.date_formats) \
                        and not _ISO_DATE.fullmatch(text):
                    bad.append(f"{name}: date without a date format: {text!r}")
            collapsed = " ".join(text.split())
            if pattern is not None and not re.fullmatch(pattern, collapsed):
                bad.append(f"{name}: not a dei item of this shape: {text!r}")
            if facets is not None:
                if facets.pattern and not re.fullmatch(facets.pattern, collapsed):
                    bad.append(f"{name}: {collapsed!r} breaks the pattern of {kind_name}")
                if facets.enumeration and collapsed not in facets.enumeration:
                    bad.append(f"{name}: {collapsed!r} is not one of {kind_name}")
            value = collapsed
        key = (f"{{{ns}}}{local}", ctx, unit)
        if key in seen_values and seen_values[key][0] != value:
            bad.append(f"{name}: inconsistent duplicate in {ctx}: {value} vs "
                       f"{seen_values[key][0]}")
        seen_values.setdefault(key, (value, name or ""))
    bad += [f"context {c} is not used by any fact" for c in contexts if c not in used_contexts]
    bad += [f"continuation {c} used {used.count(c)} times" for c in continuations
            if used.count(c) != 1]
    return bad
