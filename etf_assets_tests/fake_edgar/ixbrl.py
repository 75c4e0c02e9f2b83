"""What the inline XBRL generators (485BPOS in :mod:`.prospectus`, N-CSR in :mod:`.tsr`)
write alike: fact ids and ``ix:nonNumeric`` facts."""

from __future__ import annotations

from collections.abc import Iterable


class FactWriter:
    """Numbers the facts of one document (``id_prefix`` + 1, 2, ...) and writes text facts."""

    def __init__(self, id_prefix: str) -> None:
        self.n = 0
        self.id_prefix = id_prefix

    def fid(self) -> str:
        self.n += 1
        return f"{self.id_prefix}{self.n}"

    def text(self, concept: str, ctx: str, content: str, *, fmt: str | None = None,
             escape: bool = False, continued_at: str | None = None) -> str:
        attrs = f' format="{fmt}"' if fmt else ""
        attrs += ' escape="true"' if escape else ""
        attrs += f' continuedAt="{continued_at}"' if continued_at else ""
        return (f'<ix:nonNumeric name="{concept}" contextRef="{ctx}" id="{self.fid()}"'
                f"{attrs}>{content}</ix:nonNumeric>")


IX_NAMESPACES = (
    'xmlns="http://www.w3.org/1999/xhtml" '
    'xmlns:ix="http://www.xbrl.org/2013/inlineXBRL" '
    'xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12" '
    'xmlns:ixt-sec="http://www.sec.gov/inlineXBRL/transformation/2015-08-31" '
    'xmlns:xbrli="http://www.xbrl.org/2003/instance" '
    'xmlns:xbrldi="http://xbrl.org/2006/xbrldi" '
    'xmlns:link="http://www.xbrl.org/2003/linkbase" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:iso4217="http://www.xbrl.org/2003/iso4217"')
UNITS = ('<xbrli:unit id="USD"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>\n'
         '<xbrli:unit id="pure"><xbrli:measure>xbrli:pure</xbrli:measure></xbrli:unit>\n')


def inline_document(*, namespaces: dict[str, str], title: str, hidden: Iterable[str],
                    schema_ref: str, contexts: Iterable[str], body: Iterable[str]) -> bytes:
    """An inline XBRL XHTML document: the iXBRL/XBRL namespaces plus `namespaces`
    (prefix -> URI: taxonomies and the filer extension), the header (hidden facts, the
    extension schema reference, contexts, USD and pure units), then the body."""
    extra = " ".join(f'xmlns:{p}="{uri}"' for p, uri in namespaces.items())
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f"<html {IX_NAMESPACES} {extra}>\n"
        f"<head>\n<title>{title}</title>\n"
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>\n</head>\n'
        '<body>\n<div style="display:none">\n<ix:header>\n<ix:hidden>\n'
        + "\n".join(hidden) +
        "\n</ix:hidden>\n<ix:references>\n"
        f'<link:schemaRef xlink:type="simple" xlink:href="{schema_ref}"/>\n'
        "</ix:references>\n<ix:resources>\n"
        + "\n".join(contexts) + "\n" + UNITS +
        "</ix:resources>\n</ix:header>\n</div>\n"
        + "".join(body) + "</body>\n</html>\n").encode("utf-8")
