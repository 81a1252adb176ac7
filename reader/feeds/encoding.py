"""A feed's bytes as UTF-8: byte order marks, wide encodings, declarations that say Latin-1 of what is windows-1252 or UTF-8."""

from __future__ import annotations

import codecs
import re

from reader.sanitize import legacy_codec

_XML_DECL_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9._:-]+)(["'])""")
_LATIN_1 = frozenset(("iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso_8859-1", "cp819"))
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def to_utf8(data: bytes, http_charset: str | None) -> bytes:
    """UTF-8 bytes with a matching declaration when the document is in a
    wide encoding (BOM or NUL-interleaved), undeclared and not UTF-8, or
    declared Latin-1 or ASCII (read as windows-1252, or as the UTF-8 it is);
    otherwise the bytes as they came (lxml honours the declaration). An
    encoding Python does not know raises LookupError, saying which."""
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, data = name, data[len(bom) :]
            break
    if encoding is None and data[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        encoding = "utf-16-le" if data[:1] == b"<" else "utf-16-be"
    if encoding is None:
        declared = _XML_DECL_ENCODING.match(data)
        named = declared.group(2).decode("ascii") if declared else None
        if named and named.lower() not in _LATIN_1:
            return data  # lxml honours the declaration
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = named or http_charset or legacy_codec(data, "windows-1252")
        else:  # undeclared, or declared Latin-1 or ASCII and UTF-8 all the same (a «us-ascii» feed often is)
            return _XML_DECL_ENCODING.sub(rb"\1utf-8\3", data, count=1) if named else data
    if encoding.lower() in _LATIN_1:  # as browsers read it: the «smart quotes» of old CMSs are in 0x80-0x9F
        encoding = "windows-1252"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        raise LookupError(f"unknown character encoding {encoding!r}") from None
    out = text.encode("utf-8")
    return _XML_DECL_ENCODING.sub(rb"\1utf-8\3", out, count=1)
