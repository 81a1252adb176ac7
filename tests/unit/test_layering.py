"""Domain modules never import textual."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import reader

PACKAGE = Path(reader.__file__).parent
DOMAIN = sorted(
    ".".join(("reader", *p.relative_to(PACKAGE).with_suffix("").parts))
    for p in PACKAGE.rglob("*.py")
    if "ui" not in p.relative_to(PACKAGE).parts and p.name not in ("__main__.py",)
)


def test_domain_modules_are_found() -> None:
    assert {"reader.corpus", "reader.library", "reader.store", "reader.search", "reader.cli", "reader.text.entities"} <= set(DOMAIN)


@pytest.mark.parametrize("module", DOMAIN)
def test_no_textual(module: str) -> None:
    code = f"import sys, {module}; assert 'textual' not in sys.modules, 'textual imported'"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
