"""Inline XBRL (iXBRL 1.1, also 1.0) fact reader: bytes in, contexts, units and facts out. Pure.

Why a reader of our own and not a full XBRL processor: SEC fund documents (485BPOS risk/
return summaries in the rr taxonomy, N-CSR tailored shareholder reports in oef) are
read for a few dozen concepts, offline, without the taxonomy's DTS (no network in
tests or parsers), and a full processor would load and validate the whole taxonomy for
every document. What we need from the iXBRL specification is small and done here:

* every ``ix:nonFraction`` / ``ix:nonNumeric`` in the document, hidden ones included
  (``ix:hidden`` holds the dei cover facts and facts not shown on the page), nested ones
  included (a text block holding tagged numbers gives both facts);
* the transformation rules SEC documents use (``format``), ``scale``, ``sign="-"``,
  ``xsi:nil``, ``ix:exclude``, and ``continuedAt`` / ``ix:continuation`` chains that
  spread one text block over several places of the page;
* contexts (entity, period, explicit and typed dimension members) and units.

Values are exact: numbers are :class:`~decimal.Decimal` built digit by digit from the
displayed text (``scale`` shifts the exponent, nothing is ever a float); text blocks
become plain text (block elements -> line breaks, whitespace collapsed), because the
warehouse stores text, not markup.

Concepts keep their namespace URI and local name separately: the SEC re-issues its
taxonomies yearly (``rr/2012`` .. ``rr/2023``, then ``oef/2024``..), so callers match
facts by local name and check the namespace family themselves.

A fact that cannot be read (unknown transformation, unparsable number, missing
context or unit, broken continuation) is still returned, with ``value`` None and the
reason in ``problem``: callers list it, nothing is dropped silently. A document that
is not inline XBRL at all raises :class:`InlineXbrlError`.

One pass over the tree (lxml walks the elements of interest in C), then one walk per
text block; a 2 MB 485BPOS reads in well under a second.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Literal

from lxml import etree

from etf_assets import limits

__all__ = [
    "IX_NAMESPACES",
    "cell_label",
    "Context",
    "Fact",
    "InlineDocument",
    "InlineXbrlError",
    "Period",
    "QName",
    "Unit",
    "parse_inline_xbrl",
    "plain_text",
]

IX_11 = "http://www.xbrl.org/2013/inlineXBRL"
IX_10 = "http://www.xbrl.org/2008/inlineXBRL"
IX_NAMESPACES = (IX_11, IX_10)
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
XHTML = "http://www.w3.org/1999/xhtml"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


class InlineXbrlError(ValueError):
    """The document is not a readable inline XBRL document (nothing of it is returned)."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class QName:
    """An expanded name; ``prefix`` only as written (prefixes are not stable across filers)."""

    namespace: str | None
    local: str
    prefix: str | None = None

    def __str__(self) -> str:
        return f"{self.prefix}:{self.local}" if self.prefix else self.local

    @property
    def clark(self) -> str:
        return f"{{{self.namespace}}}{self.local}" if self.namespace else self.local


@dataclass(frozen=True, slots=True)
class Period:
    """An XBRL period: an instant, a start/end duration, or forever."""

    instant: date | None = None
    start: date | None = None
    end: date | None = None
    forever: bool = False

    @property
    def end_date(self) -> date | None:
        """The instant, or the end of the duration (the "as of" date of a fact)."""
        return self.instant or self.end


@dataclass(frozen=True, slots=True)
class Context:
    """One ``xbrli:context``; dimension members are keyed by the axis's expanded name."""

    id: str
    entity_scheme: str | None
    entity_id: str | None
    period: Period
    explicit: tuple[tuple[QName, QName], ...] = ()  # (axis, member), document order
    typed: tuple[tuple[QName, str], ...] = ()  # (axis, member text)
    problem: str | None = None

    def member(self, *axis_local: str) -> QName | None:
        """The explicit member on the first axis whose LOCAL name is one of `axis_local`."""
        for axis, member in self.explicit:
            if axis.local in axis_local:
                return member
        return None

    @property
    def axes(self) -> tuple[QName, ...]:
        return tuple(a for a, _ in self.explicit) + tuple(a for a, _ in self.typed)


@dataclass(frozen=True, slots=True)
class Unit:
    """One ``xbrli:unit``: measures of the numerator (and denominator of a divide)."""

    id: str
    numerators: tuple[QName, ...]
    denominators: tuple[QName, ...] = ()

    @property
    def is_pure(self) -> bool:
        return (not self.denominators and len(self.numerators) == 1
                and self.numerators[0].local == "pure")

    @property
    def currency(self) -> str | None:
        """The ISO 4217 code of a plain currency unit (``iso4217:USD`` -> "USD")."""
        if (len(self.numerators) == 1 and not self.denominators
                and (self.numerators[0].namespace or "").endswith("iso4217")):
            return self.numerators[0].local
        return None

    def __str__(self) -> str:
        num = "*".join(map(str, self.numerators))
        return f"{num}/{'*'.join(map(str, self.denominators))}" if self.denominators else num


@dataclass(frozen=True, slots=True)
class Fact:
    """One inline fact.

    ``value``: Decimal for ``nonFraction`` (scale and sign applied), str for
    ``nonNumeric`` (plain text; ISO ``YYYY-MM-DD`` after a date transformation), None
    when nil or unreadable (then ``problem`` says why; a text whose continuation chain
    breaks keeps its readable part, with the problem). ``displayed`` is the text as
    shown on the page for numbers and transformed values (None for plain text, whose
    value is the text itself).
    """

    concept: QName
    kind: Literal["nonFraction", "nonNumeric", "fraction", "tuple"]
    context_ref: str | None
    unit_ref: str | None
    value: Decimal | str | None
    displayed: str | None
    is_nil: bool
    decimals: str | None  # as written: "INF", "2", "-3"
    scale: int | None
    negated: bool  # sign="-"
    format: str | None  # as written, e.g. "ixt:num-dot-decimal"
    fact_id: str | None
    hidden: bool  # inside ix:hidden
    order: int  # position among the document's facts
    row_label: str | None = None  # first cell of the table row shown with the fact
    # nearest cell with words to the left of the fact's cell, in the same row: the label
    # of a value in a table that prints two label/value pairs side by side
    cell_label: str | None = None
    escape: bool = False
    continued: bool = False  # the value joins ix:continuation parts
    target: str | None = None
    problem: str | None = None
    # contextRef of the ix:nonNumeric text block the fact is shown in (directly, or in
    # one of that block's ix:continuation parts): a TSR's index return cell sits in its
    # class's returns table even when the index context itself names no class.
    enclosing_context: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in ("nonFraction", "fraction")


@dataclass(frozen=True, slots=True)
class InlineDocument:
    """Everything read from one inline XBRL document."""

    facts: tuple[Fact, ...]
    contexts: dict[str, Context]
    units: dict[str, Unit]
    namespaces: dict[str, str]  # prefix -> URI declared on the root element
    problems: tuple[str, ...]  # document-level: duplicate ids, unused continuations, ...

    def by_local(self, local: str) -> list[Fact]:
        """Facts whose concept has this local name, any namespace, document order."""
        return [f for f in self.facts if f.concept.local == local]

    def context(self, fact: Fact) -> Context | None:
        return self.contexts.get(fact.context_ref) if fact.context_ref else None

    def unit(self, fact: Fact) -> Unit | None:
        return self.units.get(fact.unit_ref) if fact.unit_ref else None


# --------------------------------------------------------------------------- transforms


class _TransformError(ValueError):
    pass


_GROUPING = str.maketrans("", "", ", \xa0'\u202f")
_NUMBER = re.compile(r"\d+(?:\.\d*)?|\.\d+")
_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november "
    "december".split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def _decimal(digits: str, raw: str) -> Decimal:
    if (absurd := limits.number_problem(digits)) is not None:  # limits: absurd numbers
        raise _TransformError(absurd)
    if not _NUMBER.fullmatch(digits):
        raise _TransformError(f"not a number: {raw!r}")
    return Decimal(digits)


def _num_dot_decimal(text: str) -> Decimal:
    return _decimal(text.strip().translate(_GROUPING), text)


def _num_comma_decimal(text: str) -> Decimal:
    s = text.strip().translate(str.maketrans("", "", ". \xa0'\u202f")).replace(",", ".")
    return _decimal(s, text)


def _zero(text: str) -> Decimal:
    return Decimal(0)


def _number_words(text: str) -> Decimal:
    """ixt-sec:numwordsen: "no", "none", "zero", "five", "twenty-one", "one hundred"."""
    words = [w for w in re.split(r"[\s\-,\xa0]+", text.strip().lower()) if w and w != "and"]
    if words in (["no"], ["none"], ["nil"]):
        return Decimal(0)
    if not words:
        raise _TransformError(f"no number words: {text!r}")
    total = current = 0
    for w in words:
        if w in _SMALL:
            current += _SMALL[w]
        elif w in _TENS:
            current += _TENS[w]
        elif w == "hundred" and current:
            current *= 100
        elif w in _SCALES and current:
            total += current * _SCALES[w]
            current = 0
        else:
            raise _TransformError(f"not English number words: {text!r}")
    return Decimal(total + current)


def _year(y: str) -> int:
    return 2000 + int(y) if len(y) == 2 else int(y)  # ixt: two-digit years are 20YY


def _month(name: str, raw: str) -> int:
    m = _MONTHS.get(name.lower().rstrip("."))
    if m is None:
        raise _TransformError(f"not a month name in {raw!r}")
    return m


def _iso(y: int, m: int, d: int, raw: str) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        raise _TransformError(f"not a date: {raw!r}") from None


_MDY_NAME = re.compile(r"([A-Za-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4}|\d{2})")
_DMY_NAME = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s*([A-Za-z]+)\.?\s*,?\s*(\d{4}|\d{2})")
_NUMERIC_DATE = re.compile(r"(\d{1,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,4})")


def _clean_date(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _date_monthname_day_year(text: str) -> str:
    m = _MDY_NAME.fullmatch(_clean_date(text))
    if not m:
        raise _TransformError(f"not a 'Month day, year' date: {text!r}")
    return _iso(_year(m[3]), _month(m[1], text), int(m[2]), text)


def _date_day_monthname_year(text: str) -> str:
    m = _DMY_NAME.fullmatch(_clean_date(text))
    if not m:
        raise _TransformError(f"not a 'day Month year' date: {text!r}")
    return _iso(_year(m[3]), _month(m[2], text), int(m[1]), text)


def _numeric_date(order: str) -> Callable[[str], str]:
    def transform(text: str) -> str:
        m = _NUMERIC_DATE.fullmatch(_clean_date(text))
        if not m:
            raise _TransformError(f"not a numeric date: {text!r}")
        parts = dict(zip(order, m.groups()))
        if len(parts["y"]) not in (2, 4) or len(parts["m"]) > 2 or len(parts["d"]) > 2:
            raise _TransformError(f"not a {order} date: {text!r}")
        return _iso(_year(parts["y"]), int(parts["m"]), int(parts["d"]), text)
    return transform


def _fixed(value: str) -> Callable[[str], str]:
    return lambda text: value


# Keyed by the format's local name, lower case, hyphens removed, so the ixt v3 names
# ("numdotdecimal", "datemonthdayyearen") and v4 names ("num-dot-decimal",
# "date-monthname-day-year-en") meet. v3 "datemonthdayyearen" spells the month out,
# as v4 "date-monthname-day-year-en" does; "datemonthdayyear" is numeric in both.
_NUMERIC_TRANSFORMS: dict[str, Callable[[str], Decimal]] = {
    "numdotdecimal": _num_dot_decimal,
    "numcommadecimal": _num_comma_decimal,
    "zerodash": _zero,
    "fixedzero": _zero,
    "numwordsen": _number_words,
    "numworden": _number_words,
}
_TEXT_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "datemonthdayyearen": _date_monthname_day_year,
    "datemonthnamedayyearen": _date_monthname_day_year,
    "datedaymonthyearen": _date_day_monthname_year,
    "datedaymonthnameyearen": _date_day_monthname_year,
    "datemonthdayyear": _numeric_date("mdy"),
    "datedaymonthyear": _numeric_date("dmy"),
    "dateyearmonthday": _numeric_date("ymd"),
    "booleanfalse": _fixed("false"),
    "booleantrue": _fixed("true"),
    "fixedfalse": _fixed("false"),
    "fixedtrue": _fixed("true"),
    "fixedempty": _fixed(""),
    "nocontent": _fixed(""),
}


def _format_key(fmt: str) -> str:
    return fmt.rpartition(":")[2].lower().replace("-", "").replace("_", "")


# --------------------------------------------------------------------------- text


_BLOCK = frozenset(
    "p div br li ul ol table tr thead tbody tfoot h1 h2 h3 h4 h5 h6 blockquote section "
    "article header footer pre dl dt dd hr center caption".split())
_CELL = frozenset(("td", "th"))
_EXCLUDE = frozenset(f"{{{ns}}}exclude" for ns in IX_NAMESPACES)
_FACT_TAGS = tuple(f"{{{ns}}}{t}" for ns in IX_NAMESPACES
                   for t in ("nonFraction", "nonNumeric", "fraction", "tuple"))
_FACT_TAG_SET = frozenset(_FACT_TAGS)


_NEWLINES = str.maketrans("\r\n", "  ")  # source line breaks are mere whitespace


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].lower()


def _collapse(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def plain_text(elements: Iterable[etree._Element], skip: frozenset[str] = _EXCLUDE) -> str:
    """The text of `elements` (and their descendants) as plain text, in order: block
    elements start new lines, table cells are separated by a space, whitespace runs
    collapse, and subtrees whose tag is in `skip` (``ix:exclude``) are left out (their
    tails are kept). The elements' own tails are not part of their content."""
    parts: list[str] = []
    for top in elements:
        walker = etree.iterwalk(top, events=("start", "end"))
        for event, el in walker:
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if event == "start":
                if tag in skip:
                    walker.skip_subtree()
                    continue
                local = _local(tag)
                if local in _BLOCK:
                    parts.append("\n")
                elif local in _CELL:
                    parts.append(" ")
                if el.text:
                    parts.append(el.text.translate(_NEWLINES))
            else:
                if tag not in skip and _local(tag) in _BLOCK:
                    parts.append("\n")
                if el is not top and el.tail:
                    parts.append(el.tail.translate(_NEWLINES))
        parts.append("\n")
    return _collapse("".join(parts))


# --------------------------------------------------------------------------- reading


def _qname(text: str | None, el: etree._Element) -> QName | None:
    if not text:
        return None
    prefix, colon, local = text.strip().rpartition(":")
    if not colon:
        return QName(el.nsmap.get(None), local, None)
    return QName(el.nsmap.get(prefix), local, prefix)


def _xml_date(text: str | None) -> date | None:
    if not text:
        return None
    return date.fromisoformat(text.strip()[:10])


def _read_context(el: etree._Element) -> Context:
    cid = el.get("id") or ""
    ident = next(el.iter(f"{{{XBRLI}}}identifier"), None)
    problem = None
    try:
        period_el = next(el.iter(f"{{{XBRLI}}}period"), None)
        if period_el is None:
            raise ValueError("no period")
        found = {_local(p.tag): p.text for p in period_el if isinstance(p.tag, str)}
        period = Period(instant=_xml_date(found.get("instant")),
                        start=_xml_date(found.get("startdate")),
                        end=_xml_date(found.get("enddate")),
                        forever="forever" in found)
    except ValueError as exc:
        period, problem = Period(), f"context {cid}: bad period ({exc})"
    explicit: list[tuple[QName, QName]] = []
    typed: list[tuple[QName, str]] = []
    for m in el.iter(f"{{{XBRLDI}}}explicitMember", f"{{{XBRLDI}}}typedMember"):
        axis = _qname(m.get("dimension"), m)
        if axis is None:
            problem = f"context {cid}: a member without dimension"
            continue
        if m.tag.endswith("explicitMember"):
            member = _qname(m.text, m)
            if member is None or member.namespace is None:
                problem = f"context {cid}: member {m.text!r} of {axis} does not resolve"
                continue
            explicit.append((axis, member))
        else:
            typed.append((axis, " ".join("".join(m.itertext()).split())))
    return Context(
        id=cid,
        entity_scheme=ident.get("scheme") if ident is not None else None,
        entity_id=(ident.text or "").strip() or None if ident is not None else None,
        period=period, explicit=tuple(explicit), typed=tuple(typed), problem=problem)


def _read_unit(el: etree._Element) -> Unit:
    num: list[QName] = []
    den: list[QName] = []
    for m in el.iter(f"{{{XBRLI}}}measure"):
        q = _qname(m.text, m)
        if q is None:
            continue
        parent = m.getparent()
        (den if parent is not None and _local(parent.tag) == "unitdenominator" else num).append(q)
    return Unit(id=el.get("id") or "", numerators=tuple(num), denominators=tuple(den))


def _shift(value: Decimal, scale: int) -> Decimal:
    """value * 10**scale, exactly (no context rounding)."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return value
    exponent += scale
    if exponent > 0:  # "12" scale 6 -> 12000000, not 1.2E+7
        digits, exponent = digits + (0,) * exponent, 0
    return Decimal((sign, digits, exponent))


class _RowLabels:
    """First-cell text of the table row holding a fact (e.g. an index's name next to
    its returns), facts' own text left out; cached per row."""

    def __init__(self) -> None:
        self._rows: dict[int, str | None] = {}
        self._keep: list[etree._Element] = []  # keep proxies alive so id() stays unique

    def __call__(self, el: etree._Element) -> str | None:
        tr = next(el.iterancestors(f"{{{XHTML}}}tr", "tr"), None)
        if tr is None:
            return None
        key = id(tr)
        if key not in self._rows:
            self._keep.append(tr)
            cell = next((c for c in tr if isinstance(c.tag, str) and _local(c.tag) in _CELL),
                        None)
            text = plain_text([cell], skip=_EXCLUDE | _FACT_TAG_SET) if cell is not None else ""
            self._rows[key] = " ".join(text.split()) or None
        return self._rows[key]


_WORD = re.compile(r"[^\W\d_]")


def cell_label(el: etree._Element) -> str | None:
    """The text of the nearest cell left of ``el``'s cell that has a letter in it (a
    "$" or "(" cell is no label; facts' own text left out), None outside a table."""
    cell = next(el.iterancestors(*(f"{{{XHTML}}}{c}" for c in _CELL), *_CELL), None)
    if cell is None:
        return None
    for prev in cell.itersiblings(preceding=True):
        if not isinstance(prev.tag, str) or _local(prev.tag) not in _CELL:
            continue
        text = " ".join(plain_text([prev], skip=_EXCLUDE | _FACT_TAG_SET).split())
        if _WORD.search(text):
            return text
    return None


def _numeric_value(raw: str, fmt: str | None, scale: str | None,
                   negated: bool) -> tuple[Decimal, int | None]:
    if fmt:
        transform = _NUMERIC_TRANSFORMS.get(_format_key(fmt))
        if transform is None:
            raise _TransformError(f"unsupported number format {fmt!r}")
        value = transform(raw)
    else:
        value = _decimal(raw.strip(), raw)
    shift = None
    if scale is not None:
        try:
            shift = int(scale)
        except ValueError:
            raise _TransformError(f"bad scale {scale!r}") from None
        if abs(shift) > limits.LIMITS.max_exponent:  # limits: 10**999999999 is no value
            raise _TransformError(f"scale {shift} out of range")
        value = _shift(value, shift)
    if negated and value:
        value = value.copy_negate()
    return value, shift


def _text_value(displayed: str, fmt: str) -> str:
    """A transformed ``ix:nonNumeric``: dates become ISO text; a number format (rare on
    nonNumeric, but seen) gives the number's text."""
    key = _format_key(fmt)
    if key in _TEXT_TRANSFORMS:
        return _TEXT_TRANSFORMS[key](displayed)
    if key in _NUMERIC_TRANSFORMS:
        return str(_NUMERIC_TRANSFORMS[key](displayed))
    raise _TransformError(f"unsupported format {fmt!r}")


def _parse_tree(data: bytes) -> etree._Element:
    text = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not any(ns.encode() in text for ns in IX_NAMESPACES):
        raise InlineXbrlError("not an inline XBRL document: the inline XBRL namespace "
                              f"({IX_11}) is not declared anywhere")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(text, parser)
    except etree.XMLSyntaxError as exc:
        raise InlineXbrlError(f"not an inline XBRL document: not well-formed XHTML ({exc})"
                              ) from None
    if root is None:
        raise InlineXbrlError("not an inline XBRL document: empty")
    return root


def parse_inline_xbrl(data: bytes) -> InlineDocument:
    """Read every fact, context and unit of an inline XBRL (XHTML) document.

    Raises :class:`InlineXbrlError` when the bytes are not well-formed XHTML with inline
    XBRL facts; a single unreadable fact is returned with its ``problem`` instead.
    """
    root = _parse_tree(data)
    contexts: dict[str, Context] = {}
    units: dict[str, Unit] = {}
    continuations: dict[str, etree._Element] = {}
    problems: list[str] = []
    hidden: set[etree._Element] = set()
    raw_facts: list[etree._Element] = []
    header_seen = False
    tags = (*_FACT_TAGS,
            *(f"{{{ns}}}{t}" for ns in IX_NAMESPACES
              for t in ("continuation", "hidden", "header")),
            f"{{{XBRLI}}}context", f"{{{XBRLI}}}unit")
    for el in root.iter(*tags):
        local = el.tag.rpartition("}")[2]
        if el.tag in _FACT_TAG_SET:
            raw_facts.append(el)
            if not len(raw_facts) % 1000:  # limits: fact count and time, while reading
                limits.check_count("inline XBRL facts", len(raw_facts),
                                   limits.LIMITS.max_facts)
                limits.check_time()
        elif local == "continuation":
            cid = el.get("id")
            if cid in continuations:
                problems.append(f"duplicate ix:continuation id {cid!r}")
            continuations[cid or ""] = el
        elif local == "hidden":
            hidden.update(el.iter(*_FACT_TAGS))
        elif local == "header":
            header_seen = True
        elif local == "context":
            ctx = _read_context(el)
            if ctx.id in contexts:
                problems.append(f"duplicate context id {ctx.id!r}")
            if ctx.problem:
                problems.append(ctx.problem)
            contexts[ctx.id] = ctx
        else:
            unit = _read_unit(el)
            if unit.id in units:
                problems.append(f"duplicate unit id {unit.id!r}")
            units[unit.id] = unit
    if not header_seen and not raw_facts:
        raise InlineXbrlError("not an inline XBRL document: no ix:header and no facts")

    row_label = _RowLabels()
    owners = _continuation_owners(raw_facts, continuations)
    used_continuations: set[str] = set()
    facts: list[Fact] = []
    for order, el in enumerate(raw_facts):
        if not order % 500:
            limits.check_time()  # limits: the filing's time budget
        facts.append(_read_fact(el, order, el in hidden, contexts, units, continuations,
                                used_continuations, row_label, owners))
    for cid in continuations.keys() - used_continuations:
        problems.append(f"ix:continuation {cid!r} is not reached from any fact")
    nsmap = {k or "": v for k, v in root.nsmap.items()}
    return InlineDocument(facts=tuple(facts), contexts=contexts, units=units,
                          namespaces=nsmap, problems=tuple(problems))


_NON_NUMERIC = frozenset(f"{{{ns}}}nonNumeric" for ns in IX_NAMESPACES)
_CONTINUATION = frozenset(f"{{{ns}}}continuation" for ns in IX_NAMESPACES)


def _continuation_owners(raw_facts: list[etree._Element],
                         continuations: dict[str, etree._Element]) -> dict[str, str]:
    """ix:continuation id -> contextRef of the ix:nonNumeric whose chain reaches it."""
    owners: dict[str, str] = {}
    for el in raw_facts:
        ctx, nxt, seen = el.get("contextRef"), el.get("continuedAt"), set()
        while ctx and nxt and nxt not in seen and nxt in continuations:
            seen.add(nxt)
            owners.setdefault(nxt, ctx)
            nxt = continuations[nxt].get("continuedAt")
    return owners


def _enclosing_context(el: etree._Element, owners: dict[str, str]) -> str | None:
    """The contextRef of the nearest text block around ``el`` (see Fact)."""
    for anc in el.iterancestors():
        if anc.tag in _NON_NUMERIC:
            return anc.get("contextRef")
        if anc.tag in _CONTINUATION:
            return owners.get(anc.get("id") or "")
    return None


def _chain(el: etree._Element, continuations: dict[str, etree._Element],
           used: set[str]) -> Iterator[etree._Element]:
    """The fact element, then each ix:continuation its continuedAt chain names."""
    yield el
    seen: set[str] = set()
    nxt = el.get("continuedAt")
    while nxt:
        if nxt in seen:
            raise _TransformError(f"continuedAt chain loops at {nxt!r}")
        seen.add(nxt)
        part = continuations.get(nxt)
        if part is None:
            raise _TransformError(f"continuedAt {nxt!r}: no such ix:continuation")
        used.add(nxt)
        yield part
        nxt = part.get("continuedAt")


def _read_fact(el: etree._Element, order: int, is_hidden: bool,
               contexts: dict[str, Context], units: dict[str, Unit],
               continuations: dict[str, etree._Element], used: set[str],
               row_label: _RowLabels, owners: dict[str, str] | None = None) -> Fact:
    kind = el.tag.rpartition("}")[2]
    concept = _qname(el.get("name"), el) or QName(None, "")
    context_ref = el.get("contextRef")
    unit_ref = el.get("unitRef")
    fmt = el.get("format")
    negated = el.get("sign") == "-"
    is_nil = el.get(XSI_NIL) in ("true", "1")
    problem: str | None = None
    value: Decimal | str | None = None
    displayed: str | None = None
    shift: int | None = None
    continued = bool(el.get("continuedAt"))
    if kind in ("fraction", "tuple"):
        problem = f"ix:{kind} is not supported"
    elif context_ref is None:
        problem = "no contextRef"
    elif context_ref not in contexts:
        problem = f"contextRef {context_ref!r} does not resolve"
    elif concept.namespace is None:
        problem = f"concept {el.get('name')!r} has no namespace"
    if kind == "nonFraction":
        if problem is None and unit_ref not in units:
            problem = f"unitRef {unit_ref!r} does not resolve"
        displayed = "".join(el.itertext()).strip()
        if not is_nil:
            try:
                value, shift = _numeric_value(displayed, fmt, el.get("scale"), negated)
            except (_TransformError, InvalidOperation) as exc:
                problem = problem or str(exc)
    elif kind == "nonNumeric" and not is_nil:
        try:
            text = plain_text(_chain(el, continuations, used))
        except _TransformError as exc:
            problem = problem or str(exc)
            text = plain_text([el])
        if fmt:
            displayed = " ".join(text.split())
            try:
                value = _text_value(displayed, fmt)
            except _TransformError as exc:
                problem = problem or str(exc)
        else:
            value = text  # with a broken chain: the readable part (problem says so)
        if len(text) > limits.LIMITS.max_text_chars:  # limits: text length
            problem, value = f"text of {len(text):,} characters (limit " \
                f"{limits.LIMITS.max_text_chars:,})", None
    if problem and kind != "nonNumeric":
        value = None
    return Fact(
        concept=concept, kind=kind,  # type: ignore[arg-type]
        context_ref=context_ref, unit_ref=unit_ref, value=value, displayed=displayed,
        is_nil=is_nil, decimals=el.get("decimals"),
        scale=shift, negated=negated, format=fmt, fact_id=el.get("id"), hidden=is_hidden,
        order=order, row_label=None if is_hidden else row_label(el),
        cell_label=None if is_hidden else cell_label(el),
        escape=el.get("escape") in ("true", "1"), continued=continued,
        target=el.get("target"), problem=problem,
        enclosing_context=_enclosing_context(el, owners or {}))
