"""The arrows of ARCHITECTURE.md, as import-linter contracts: they hold, they
cover every domain module, and breaking one makes `lint-imports` fail."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import reader

PACKAGE = Path(reader.__file__).parent
PROJECT = PACKAGE.parent
LINT = Path(sys.executable).with_name("lint-imports")
NOT_DOMAIN = {"reader.ui", "reader.cli", "reader.bench", "reader.__main__", "reader.__init__"}


def contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def lint(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(project)}
    return subprocess.run(
        [str(LINT), "--config", str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_domain_module_is_kept_from_textual() -> None:
    top = {
        f"reader.{p.stem}" if p.is_file() else f"reader.{p.name}"
        for p in PACKAGE.iterdir()
        if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    assert top - NOT_DOMAIN == set(contracts()["no-textual"]["source_modules"])  # type: ignore[arg-type]


def test_contracts_hold() -> None:
    result = lint(PROJECT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("ui/article_list.py", "import reader.store", "The UI and the CLI sit on the library facade and the model"),
        ("cli/__init__.py", "from reader.search import parse", "The UI and the CLI sit on the library facade and the model"),
        ("store/__init__.py", "import textual.app", "Domain code never imports textual"),
        ("feeds/parse.py", "import reader.library", "The floors of ARCHITECTURE.md: a room imports only from the floors below it"),
        ("text/lang.py", "import reader.store", "The floors of ARCHITECTURE.md: a room imports only from the floors below it"),
        ("store/__init__.py", "import reader.search", "The floors of ARCHITECTURE.md: a room imports only from the floors below it"),
    ],
)
def test_a_broken_arrow_fails(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copytree(PACKAGE, tmp_path / "reader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "reader" / module
    target.write_text(f"{line}  # noqa\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    result = lint(tmp_path)
    assert result.returncode != 0
    assert f"{contract} BROKEN" in result.stdout
