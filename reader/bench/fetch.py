"""``python -m reader.bench fetch``: fetch, store and index N feeds served
from 127.0.0.1, then refetch them unchanged; and newsboat's reload of the
same feeds when ``newsboat`` is on PATH.

The feeds are the feed-rs fixtures (``.xml`` and ``.json``, their
``.serde.json`` expectations left out) replicated to N distinct URLs
(``/f/<n>/<fixture>``), served by a threaded HTTP server that answers
``If-None-Match`` / ``If-Modified-Since`` with 304. Every feed is on the
same host here, so the per-host bound is lifted to the overall one.
Nothing here is a test and nothing asserts on time.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import html
import http.server
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

FIXTURE_CANDIDATES = (Path("../shared/feeds/feed-rs"), Path(__file__).resolve().parents[3] / "shared" / "feeds" / "feed-rs")
LAST_MODIFIED = "Mon, 02 Nov 2026 10:00:00 GMT"


def fixtures_dir(given: Path | None = None) -> Path | None:
    for candidate in (given,) if given else FIXTURE_CANDIDATES:
        if candidate and candidate.is_dir():
            return candidate
    return None


def load_fixtures(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix in (".xml", ".json") and not p.name.endswith(".serde.json")
    }


def make_news_feeds(folder: Path, items: int, articles: Sequence[Path]) -> int:
    """Write RSS 2.0 files of ``items`` news articles each to ``folder``, from
    Markdown ``articles`` (the bench corpus's: 1-8 KB of Russian news
    sentences), as HTML paragraphs with a link and emphasis. Real news feeds
    look like this (a few dozen full items), and there the items, not the
    feeds, are the work. Returns the bytes written."""
    import frontmatter

    written = 0
    for number in range(len(articles) // items):
        entries = []
        for path in articles[number * items : (number + 1) * items]:
            post = frontmatter.load(path)
            paragraphs = [html.escape(p) for p in post.content.split("\n\n") if p.strip()]
            words = paragraphs[0].split(" ")
            paragraphs[0] = (
                f'<a href="https://news.example/tag/{path.stem}">{" ".join(words[:3])}</a> <strong>{" ".join(words[3:6])}</strong> {" ".join(words[6:])}'
            )
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            date = email.utils.format_datetime(dt.datetime.fromisoformat(str(post["date"])).replace(tzinfo=dt.UTC))
            entries.append(
                f"<item><guid>https://news.example/{path.stem}</guid><title>{html.escape(str(post['title']))}</title>"
                f"<link>https://news.example/{path.stem}</link><pubDate>{date}</pubDate>"
                f"<description>{html.escape(body)}</description></item>"
            )
        xml = (
            f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Новости {number}</title>'
            f"<link>https://news.example/</link><language>ru</language>{''.join(entries)}</channel></rss>"
        ).encode()
        (folder / f"news-{number:04d}.xml").write_bytes(xml)
        written += len(xml)
    return written


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 drops connects, and a dropped SYN costs a second


class FeedServer:
    """Serves ``/f/<n>/<name>`` for every fixture name, with an ETag and a
    Last-Modified; counts requests and 304s."""

    def __init__(self, fixtures: dict[str, bytes]) -> None:
        self.fixtures = fixtures
        self.requests = 0
        self.not_modified = 0
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                with server._lock:
                    server.requests += 1
                parts = self.path.split("/", 3)
                body = server.fixtures.get(parts[3]) if len(parts) == 4 and parts[1] == "f" else None
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha1(self.path.encode() + body).hexdigest()[:20] + '"'
                if self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-None-Match") is None and self.headers.get("If-Modified-Since") == LAST_MODIFIED
                ):
                    with server._lock:
                        server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json" if self.path.endswith(".json") else "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
                self.end_headers()
                self.wfile.write(body)

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def urls(self, count: int) -> list[str]:
        names = list(self.fixtures)
        return [f"{self.base}/f/{n}/{names[n % len(names)]}" for n in range(count)]

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _serve(folder: str, ports: Any) -> None:
    """The server in its own process, so that it does not share the
    fetcher's interpreter lock (newsboat does not have to either)."""
    server = FeedServer(load_fixtures(Path(folder)))
    ports.put(server.httpd.server_address[1])
    server.httpd.serve_forever()


class ServerProcess:
    def __init__(self, folder: Path) -> None:
        context = multiprocessing.get_context("spawn")
        self.fixtures = load_fixtures(folder)
        self._ports: Any = context.Queue()
        self.process = context.Process(target=_serve, args=(str(folder), self._ports), daemon=True)
        self.base = ""

    def urls(self, count: int) -> list[str]:
        names = list(self.fixtures)
        return [f"{self.base}/f/{n}/{names[n % len(names)]}" for n in range(count)]

    def __enter__(self) -> ServerProcess:
        self.process.start()
        self.base = f"http://127.0.0.1:{self._ports.get(timeout=60)}"
        return self

    def __exit__(self, *_: object) -> None:
        self.process.terminate()
        self.process.join(10)


def _settle() -> None:
    """Each timed run starts on a quiet disk: what an earlier run (or an
    earlier bench's clean-up) left to write back is written first, so no run
    pays for another's writes."""
    os.sync()
    time.sleep(1.0)


def fetch_and_parse(urls: Sequence[str], concurrency: int) -> float:
    """Seconds to fetch and parse every feed, ``concurrency`` at once, storing nothing: what the machine allows."""
    from concurrent.futures import ThreadPoolExecutor

    from reader.feeds import fetch, parse

    def one(url: str) -> None:
        answer = fetch.get(url)
        if answer.error is None:
            parse.parse(answer.body, answer.url, answer.content_type)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, urls))
    return time.perf_counter() - start


def measure(count: int, fixtures: Path, log: Callable[[str], None], concurrency: int = 8, newsboat: bool = True) -> dict[str, float | int]:
    from reader.library import Library

    results: dict[str, float | int] = {"feeds": count}
    with tempfile.TemporaryDirectory(prefix="reader-fetch-bench-") as temp, ServerProcess(fixtures) as server:
        urls = server.urls(count)
        # The way `reader feeds import` and `reader fetch` go: subscriptions in
        # state.db, items written, fetch state recorded, the items indexed.
        log(f"the floor: fetch and parse {count:,} feeds, nothing stored")
        _settle()
        results["floor_s"] = round(fetch_and_parse(urls, concurrency), 3)
        with Library(data_dir=Path(temp) / "data") as library:
            library.import_feeds("".join(f'{u} "bench"\n' for u in urls).encode())
            log(f"first fetch of {count:,} feeds from {server.base} (fetch, store, record, index)")
            _settle()
            start = time.perf_counter()
            first = library.fetch(concurrency=concurrency, per_host=concurrency)
            elapsed = time.perf_counter() - start
            results |= {
                "fetch_feeds_per_s": round(count / elapsed, 1),
                "fetch_items_per_s": round(first.new / elapsed, 1),
                "fetch_s": round(elapsed, 3),
                "fetch_items": first.new,
                "fetch_failed": first.failed,
                "fetch_indexed": library.count(),
                "fetch_vs_floor": round(elapsed / results["floor_s"], 2),
                "data_dir_files": sum(len(names) for _, _, names in os.walk(Path(temp) / "data")),
            }
            log("refetch, nothing changed")
            _settle()
            start = time.perf_counter()
            second = library.fetch(concurrency=concurrency, per_host=concurrency)
            results |= {
                "refetch_unchanged_s": round(time.perf_counter() - start, 3),
                "refetch_304": second.not_modified,
                "refetch_written": second.new + second.updated,
            }
        command_path = shutil.which("newsboat") if newsboat else None
        if command_path:
            log("newsboat -x reload with reload-threads 8")
            work = Path(temp) / "newsboat"
            work.mkdir()
            (work / "urls").write_text("\n".join(urls) + "\n", encoding="utf-8")
            (work / "config").write_text("reload-threads 8\n", encoding="utf-8")
            command = [command_path, "-x", "reload", "-u", str(work / "urls"), "-c", str(work / "cache.db"), "-C", str(work / "config")]
            _settle()
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, timeout=3600, check=False, stdin=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
            if done.returncode == 0:
                results["newsboat_reload_s"] = round(elapsed, 3)
                results["newsboat_feeds_per_s"] = round(count / elapsed, 1)
                results["ratio_vs_newsboat"] = round(float(results["fetch_feeds_per_s"]) / (count / elapsed), 2)
                _settle()
                start = time.perf_counter()
                subprocess.run(command, capture_output=True, timeout=3600, check=False, stdin=subprocess.DEVNULL)
                results["newsboat_second_reload_s"] = round(time.perf_counter() - start, 3)
            else:
                log(f"newsboat failed ({done.returncode}): {done.stderr.decode('utf-8', 'replace')[:200]}")
    return results


def as_fetched(root: Path, data: Path, feeds: int) -> None:
    """The corpus under ``root`` as items fetched from ``feeds`` feeds: each
    file moved into ``items.db`` as one feed's item (round robin), the feeds
    subscribed (on a port nothing answers), the files gone."""
    from reader.feeds.write import DATE_LINE, feed_folder
    from reader.library import Library
    from reader.store.items import Items

    urls = [f"http://127.0.0.1:9/bench/{n}.xml" for n in range(feeds)]
    with Library(None, data) as library:
        for url in urls:
            library.subscribe(url)
    items = Items.open(data / "items.db", lambda message: None)
    folders = [feed_folder(data / "feeds", url).name for url in urls]
    rows: list[list[tuple[str, str, int, int, bytes]]] = [[] for _ in urls]
    for number, path in enumerate(sorted(root.rglob("*.md"))):
        data_of = path.read_bytes()
        date = DATE_LINE.search(data_of[:1024].decode("utf-8", "replace"))
        batch = rows[number % feeds]
        batch.append((f"{number:016x}", date.group(1) if date else "", len(data_of), time.time_ns(), data_of))
        if len(batch) >= 500:
            items.take_in(folders[number % feeds], batch)
            batch.clear()
        path.unlink()
    for folder, batch in zip(folders, rows, strict=True):
        items.take_in(folder, batch)
    items.close()
