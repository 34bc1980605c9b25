"""One door to every remote source: :func:`crawl` picks the kind by the URL's scheme
(``http``/``https``: :mod:`extractors.web`; ``s3``: :mod:`extractors.s3`; ``webdav``/
``webdavs``: :mod:`extractors.webdav`). The clients of S3 and WebDAV are imported only when
such a source is read."""

from __future__ import annotations

from pathlib import Path

from . import web
from .remote import Crawl, is_remote

__all__ = ["crawl", "is_remote"]


def crawl(url: str, known: dict[str, dict], mirror: Path, follow: int = 1) -> Crawl:
    """The documents of one remote source, fetched only when they changed; ``known`` maps a
    URL to what the state remembers of it. ``follow`` applies to web pages."""
    scheme = url.partition("://")[0].lower()
    if scheme == "s3":
        from . import s3

        return s3.crawl(url, known, mirror)
    if scheme in ("webdav", "webdavs"):
        from . import webdav

        return webdav.crawl(url, known, mirror)
    if scheme in ("http", "https"):
        return web.crawl(url, known, mirror, follow)
    raise ValueError(f"{url}: not a remote source")
