"""Work in background processes (``python -m reader.worker``): indexing and
fetching for the app, and entity extraction. Each runs niced, with its
standard streams on a pipe or the log file and never on the app's terminal,
commits batch by batch, and leaves when the process that started it is gone.

The worker's protocol is here, whole: it writes one JSON object a line on
its standard output (:func:`encode`), read back here as typed events
(:func:`decode`): :class:`Progress`, :class:`Said` (a warning),
:class:`Noted` (a routine note on a fetched item) and :class:`Reported` (the
fetch's report) or :class:`Failed` (why it stopped)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.model import FetchReport

# The models multiply small matrices: one BLAS thread a process. Parallel
# BLAS in two worker processes on two cores made extraction five times slower.
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
RESTARTS = 3
LOG = "reader.log"


def append_log(data_dir: Path, text: str) -> Path:
    """Add a dated entry to the log in the data dir; returns its path."""
    from reader import __version__

    path = data_dir / LOG
    data_dir.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} reader {__version__}\n{text}\n")
    return path


def exit_with_parent() -> None:
    """In a helper process: leave when the process that started it is gone
    (even by kill -9), rather than linger as an orphan."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _start(data_dir: Path, *args: str, stdout: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "reader.worker", "--data-dir", str(data_dir), *args]
    with open(data_dir / LOG, "ab") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=log,
            env={**os.environ, **SINGLE_THREADED},
            start_new_session=True,  # keys typed in the app's terminal never reach it
        )


# -- the worker's events -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class Said:
    """A warning, as one line."""

    text: str


@dataclass(frozen=True, slots=True)
class Noted:
    """A routine note on a fetched item (no date…), kept with its feed."""

    item: str
    note: str


@dataclass(frozen=True, slots=True)
class Reported:
    report: FetchReport


@dataclass(frozen=True, slots=True)
class Failed:
    """Why the work stopped, in one line (a full disk)."""

    text: str


Event = Progress | Said | Noted | Reported | Failed


def encode(event: Event) -> str:
    """One line of the worker's standard output."""
    match event:
        case Progress(done, total):
            data: dict[str, object] = {"progress": [done, total]}
        case Said(text):
            data = {"warning": text}
        case Noted(item, note):
            data = {"note": [item, note]}
        case Reported(report):
            data = {"fetched": report.as_json()}
        case Failed(text):
            data = {"error": text}
    return json.dumps(data, ensure_ascii=False) + "\n"


def decode(line: bytes | str) -> Event | None:
    """An event back from its line; None for a line it is not."""
    data = json.loads(line)
    if not isinstance(data, dict):
        return None
    if isinstance(done := data.get("progress"), list) and len(done) == 2:
        return Progress(int(done[0]), int(done[1]))
    if "warning" in data:
        return Said(str(data["warning"]))
    if isinstance(note := data.get("note"), list) and len(note) == 2:
        return Noted(str(note[0]), str(note[1]))
    if isinstance(fetched := data.get("fetched"), dict):
        return Reported(FetchReport(**fetched))
    if "error" in data:
        return Failed(str(data["error"]))
    return None


def in_background(data_dir: Path, args: Sequence[str], progress: Callable[[int, int], None]) -> Iterator[Said | Noted | Reported | Failed]:
    """Run ``index ROOT ...`` or ``fetch [FEED ...]`` in a worker process;
    calls ``progress`` as it goes and yields its other events (warnings,
    notes, the fetch report). Raises RuntimeError when the worker fails."""
    process = _start(data_dir, *args, stdout=subprocess.PIPE)
    assert process.stdout is not None
    with process.stdout:
        for line in process.stdout:
            event = decode(line)
            if isinstance(event, Progress):
                progress(event.done, event.total)
            elif event is not None:
                yield event
    if process.wait() != 0:
        raise RuntimeError(f"{args[0]} stopped with exit status {process.returncode}; see {data_dir / LOG}")


class BackgroundExtraction:
    """Entity extraction for the whole index in worker processes, one a
    core: no GIL shared with the UI, each batch committed, so it resumes
    wherever it was stopped. A worker that dies is started again (up to
    :data:`RESTARTS` times) and said in :attr:`events`."""

    def __init__(self, data_dir: Path, pending: Callable[[], int], processes: int = 0) -> None:
        self.data_dir = data_dir
        self.pending = pending
        self.count = processes or max(1, min(2, os.cpu_count() or 1))
        self.processes: list[subprocess.Popen[bytes]] = []
        self.restarts = 0
        self.events: list[str] = []
        self.total = pending()

    def _spawn(self, part: int) -> subprocess.Popen[bytes]:
        return _start(self.data_dir, "extract", "--part", str(part), "--parts", str(self.count), stdout=subprocess.DEVNULL)

    def start(self) -> BackgroundExtraction:
        self.processes = [self._spawn(part) for part in range(self.count)]
        return self

    @property
    def running(self) -> bool:
        """Whether work goes on; a worker that died is restarted here."""
        for part, process in enumerate(self.processes):
            code = process.poll()
            if code not in (None, 0) and self.restarts < RESTARTS * self.count:
                self.restarts += 1
                self.events.append(f"an entity worker stopped (exit status {code}); restarted it (log: {self.data_dir / LOG})")
                self.processes[part] = self._spawn(part)
        return any(p.poll() is None for p in self.processes)

    def done(self) -> int:
        return self.total - self.pending()

    def failed(self) -> bool:
        return any(p.poll() not in (None, 0) for p in self.processes)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
