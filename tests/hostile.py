"""A corpus of hostile articles, generated (never committed as binary junk)."""

from __future__ import annotations

import json
import os
from pathlib import Path

MARKUP_TITLE = "[bold red]x[/] [@click=app.quit]q[/]"
MARKUP_BODY = "[link=file:///etc/passwd]passwd[/link] [bold]not bold[/bold]"


def front(title: str, body: str, date: str = "2024-03-01") -> str:
    """An article; the title is a YAML double-quoted string, whose escapes
    put any character, controls too, into it."""
    return f"---\ntitle: {json.dumps(title)}\ndate: {date}\nsource: Test\n---\n{body}\n"


def build(folder: Path) -> dict[str, int]:
    """Write the hostile corpus. Returns counts: ``loadable`` articles and
    ``refused`` files (each must get one warning)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = {
        "invalid_yaml.md": "---\ntitle: [unclosed\ndate: 2024-01-01\n---\nBody survives invalid YAML.\n",
        "yaml_tag.md": f"---\ntitle: !!python/object/apply:os.system ['touch {folder}/PWNED']\n---\nBody behind a YAML tag.\n",
        "front_only.md": "---\ntitle: Only front matter\ndate: 2024-01-02\n---\n",
        "crlf.md": front("CRLF", "Line one.\r\n\r\nLine two.").replace("\n", "\r\n"),
        "markup.md": front(MARKUP_TITLE, MARKUP_BODY),
        "controls.md": front(
            "Controls \x1b[31mred",
            "Clear \x1b[2J screen. Clipboard \x1b]52;c;SGVsbG8=\x07. Link \x1b]8;;http://x\x1b\\x\x1b]8;;\x1b\\. Bare \x1b. C1 \x9b31m.",
        ),
        "zero_width_rtl.md": front("Zero\u200bwidth \u202eRTL", "Hidden\u200b\u200d text \u202egnp.exe\u202c and \u2066isolate\u2069."),
        "digits.md": front("Digits", "1" * 100_000),
        "one_line.md": front("One long line", "слово " * 170_000),
    }
    for name, content in text.items():
        (folder / name).write_text(content, encoding="utf-8")
    (folder / "bom.md").write_bytes("\ufeff".encode() + front("BOM", "Текст с BOM.").encode())
    (folder / "utf16.md").write_bytes(front("UTF-16", "Текст в UTF-16.").encode("utf-16"))
    (folder / "cp1251.md").write_bytes(front("cp1251", "Текст в кодировке Windows-1251.").encode("cp1251"))
    (folder / "latin1.md").write_bytes(front("Latin-1", "Café crème à la carte.").encode("latin-1"))
    (folder / "nul.md").write_bytes(front("NUL", "a\x00b\x00c").encode())
    (folder / "huge.md").write_bytes(front("Twenty megabytes", ("Абзац про Ташкент и $5 млрд. " * 40 + "\n\n") * 17_000).encode())
    (folder / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4096) + bytes(4096))
    (folder / "empty.md").write_bytes(b"")
    (folder / "loop").symlink_to(folder)
    (folder / "a_link.md").symlink_to(folder / "b_link.md")
    (folder / "b_link.md").symlink_to(folder / "a_link.md")
    return {"loadable": 15, "refused": 4}  # refused: binary, empty, the two looping links
