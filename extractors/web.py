"""Web pages as a source: a meeting page and the documents it links to, fetched politely and
only when they changed.

``crawl(url, follow, known, mirror)`` reads the page (robots.txt honoured, a clear
User-Agent, at most one request per ``DELAY`` seconds to a host), follows its links to
documents veikart reads on the same site (``follow`` levels of linked pages; 1: the page's
own links), and fetches each with a conditional request from what ``known`` remembers of it
(ETag, Last-Modified): an unchanged document costs a 304 and no bytes. A fetched document is
kept in ``mirror`` under its sha256 (content-addressed), and read from there. Failures are
per document (a 404, a timeout, a refused connection), each with a one-line reason.

A transient failure (a timeout, a dropped connection, a 5xx, a 429) is tried again with
backoff (:mod:`extractors.remote`). Only the standard library's HTTP client is used (urllib),
so no credentials are ever read from the command line; a server that needs them is out of
scope here.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from pathlib import Path

from veikart import __version__
from veikart.errors import FetchError

from .remote import MAX_BYTES, Crawl, Fetched, Retry, keep, with_retries
from .sources import DISCOVER_SUFFIXES

__all__ = ["Crawl", "Fetched", "crawl", "is_url"]

USER_AGENT = f"veikart/{__version__} (roadmap ingest; +https://www.helsenorge.no)"
#: Seconds between two requests to the same host.
DELAY = 0.2


def is_url(text: str) -> bool:
    return str(text).startswith(("http://", "https://"))


class _Client:
    def __init__(self, policy: Retry | None = None) -> None:
        self.policy = policy or Retry.from_env()
        self.last: dict[str, float] = {}
        self.robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.requests = 0

    def allowed(self, url: str) -> bool:
        parts = urllib.parse.urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self.robots:
            parser = urllib.robotparser.RobotFileParser(base + "/robots.txt")
            try:
                self._wait(parts.netloc)
                self.requests += 1
                with urllib.request.urlopen(urllib.request.Request(
                        base + "/robots.txt", headers={"User-Agent": USER_AGENT}),
                        timeout=self.policy.timeout) as response:
                    parser.parse(response.read().decode("utf-8", "replace").splitlines())
            except (urllib.error.URLError, OSError, ValueError):
                parser = None  # no robots.txt (or none readable): nothing is forbidden
            self.robots[base] = parser
        parser = self.robots[base]
        return parser is None or parser.can_fetch(USER_AGENT, url)

    def _wait(self, host: str) -> None:
        since = time.monotonic() - self.last.get(host, -DELAY)
        if since < DELAY:
            time.sleep(DELAY - since)
        self.last[host] = time.monotonic()

    def get(self, url: str, known: dict | None = None):
        """The response to a (conditional) GET; raises urllib's errors."""
        headers = {"User-Agent": USER_AGENT}
        if known and known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known and known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        self._wait(urllib.parse.urlsplit(url).netloc)
        self.requests += 1
        return urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                      timeout=self.policy.timeout)


def _suffix(url: str) -> str:
    return Path(urllib.parse.urlsplit(url).path).suffix.lower()


def _fetch(client: _Client, url: str, known: dict | None, mirror: Path) -> tuple[Fetched,
                                                                                 bytes | None]:
    """One document: unchanged (304), fetched into the mirror, or failed (transient failures
    tried again first)."""

    def get() -> tuple[bytes, object]:
        with client.get(url, known) as response:
            return response.read(MAX_BYTES + 1), response.headers

    try:
        data, headers = with_retries(get, url, client.policy)
    except FetchError as err:
        if err.status == 304 and known and known.get("path") and Path(known["path"]).is_file():
            return Fetched(url, Path(known["path"]), known.get("sha256"), known.get("etag"),
                           known.get("last_modified"), known.get("size"), "unchanged"), None
        return Fetched(url, status="failed", error=err.reason), None
    if len(data) > MAX_BYTES:
        return Fetched(url, status="failed", error=f"bigger than {MAX_BYTES >> 20} MB"), None
    suffix = _suffix(url) or (".html" if "html" in headers.get("Content-Type", "") else "")
    path, sha = keep(data, suffix, mirror)
    return Fetched(url, path, sha, headers.get("ETag"), headers.get("Last-Modified"),
                   len(data)), data


def _links(page_url: str, html: bytes) -> list[str]:
    from bs4 import BeautifulSoup  # (a run over local files never parses a web page here)

    soup = BeautifulSoup(html, "lxml")
    out = []
    for a in soup.find_all("a", href=True):
        url = urllib.parse.urljoin(page_url, a["href"]).split("#")[0]
        if url.startswith(("http://", "https://")):
            out.append(url)
    return list(dict.fromkeys(out))


def crawl(url: str, known: dict[str, dict], mirror: Path, follow: int = 1) -> Crawl:
    """The page at ``url`` (itself a document) and the documents it links to on the same site,
    ``follow`` levels deep; ``known`` maps a URL to what was fetched of it before (``etag``,
    ``last_modified``, ``path``, ``sha256``, ``size``)."""
    client, result = _Client(), Crawl()
    site = urllib.parse.urlsplit(url).netloc
    pages, seen = [(url, 0)], {url}
    while pages:
        page, depth = pages.pop(0)
        if not client.allowed(page):
            result.skipped.append((page, "robots.txt does not allow veikart to read it"))
            continue
        fetched, data = _fetch(client, page, known.get(page), mirror)
        result.documents.append(fetched)
        if fetched.status == "failed" or depth >= follow:
            continue
        if data is None and fetched.path is not None:
            data = fetched.path.read_bytes()  # unchanged: its links are in the mirror copy
        for link in _links(page, data or b""):
            if link in seen:
                continue
            seen.add(link)
            if urllib.parse.urlsplit(link).netloc != site:
                continue  # another site: not followed, and not worth a line
            suffix = _suffix(link)
            if suffix in (".html", ".htm", ""):
                if depth + 1 < follow:
                    pages.append((link, depth + 1))
                continue
            if suffix not in DISCOVER_SUFFIXES:
                result.skipped.append((link, f"unsupported format ({suffix})"))
                continue
            if not client.allowed(link):
                result.skipped.append((link, "robots.txt does not allow veikart to read it"))
                continue
            result.documents.append(_fetch(client, link, known.get(link), mirror)[0])
    result.requests = client.requests
    return result
