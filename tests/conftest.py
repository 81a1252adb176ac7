from __future__ import annotations

import errno
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.library import Library

TESTS = Path(__file__).parent
RAW_SEEDS = TESTS / "data" / "raw_seeds"
SEEDS = TESTS.parent / "seeds"
BELTA = "ea7f2758d4bd9c4b"
SPUTNIK = "ae45ae0cd3712ef5"


@pytest.fixture(scope="session")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the session (caches are made again from the packages)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test writes only under its own temporary dir (and the session's cache)."""
    data = tmp_path / "data"
    monkeypatch.setenv("READER_DATA_DIR", str(data))
    monkeypatch.setenv("READER_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("READER_CACHE_DIR", str(cache))
    return data


@pytest.fixture
def data_dir(isolated: Path) -> Path:
    return isolated


@pytest.fixture
def library(data_dir: Path) -> Iterator[Library]:
    with Library([SEEDS], data_dir) as lib:
        lib.refresh()
        yield lib


@pytest.fixture
def raw_library(data_dir: Path) -> Iterator[Library]:
    with Library([RAW_SEEDS], data_dir) as lib:
        lib.refresh()
        yield lib


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 16 MiB (a tmpfs), to fill up: mounted for the
    test and unmounted after it. Mounting needs root (CI runs as root)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int = 0) -> Path:
    """Fill a file system up, leaving about ``leave`` bytes free; the filler file, to remove again."""
    filler = disk / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as handle:
        while (free := shutil.disk_usage(disk).free) > leave:
            try:
                handle.write(chunk[: max(4096, min(len(chunk), free - leave))])
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                break
    return filler
