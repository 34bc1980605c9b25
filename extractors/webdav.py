"""WebDAV as a source: ``webdav://host/path`` (HTTP) or ``webdavs://host/path`` (HTTPS), a
port after the host if needed; every document below the collection, read as a folder is,
through webdav4's fsspec filesystem (one PROPFIND listing gives each file's ETag, size and
modification time).

Credentials come from ``VEIKART_WEBDAV_USER`` and ``VEIKART_WEBDAV_PASSWORD``, else from the
netrc file (``NETRC``, default ``~/.netrc``) entry of the host; never from the command line.
A URL with a password in it is refused, and a password never appears in a reason, a log or
the report (:func:`extractors.remote.mask`). Retries are veikart's (webdav4's own are off).
"""

from __future__ import annotations

import netrc
import os
import urllib.parse
from pathlib import Path

from veikart.errors import FetchError

from . import listing
from .remote import Crawl, Fetched, Retry, mask, secret

USER_ENV = "VEIKART_WEBDAV_USER"
PASSWORD_ENV = "VEIKART_WEBDAV_PASSWORD"


def base_url(url: str) -> str:
    """The HTTP(S) URL of a ``webdav(s)://`` source. Raises :class:`FetchError` for a URL
    with credentials in it.

    >>> base_url("webdavs://dav.example.no:8443/motes/2023/")
    'https://dav.example.no:8443/motes/2023'
    """
    parts = urllib.parse.urlsplit(url)
    if parts.username or parts.password:
        raise FetchError(mask(url), f"credentials go in {USER_ENV} and {PASSWORD_ENV} (or "
                                    "~/.netrc), not in the URL")
    scheme = {"webdav": "http", "webdavs": "https"}[parts.scheme.lower()]
    return urllib.parse.urlunsplit((scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def credentials(host: str) -> tuple[str, str] | None:
    """(user, password) for ``host``: the environment's, else the netrc file's, else None."""
    if os.environ.get(USER_ENV):
        return os.environ[USER_ENV], os.environ.get(PASSWORD_ENV, "")
    path = Path(os.environ.get("NETRC") or Path.home() / ".netrc")
    try:
        found = netrc.netrc(str(path)).authenticators(host) if path.is_file() else None
    except (netrc.NetrcParseError, OSError):
        found = None
    if not found:
        return None
    secret(found[2])
    return found[0], found[2] or ""


def filesystem(url: str, policy: Retry):
    """A webdav4 filesystem rooted at the source's collection, veikart's timeout, no retries
    of its own."""
    from webdav4.fsspec import WebdavFileSystem

    base = base_url(url)
    return WebdavFileSystem(base, auth=credentials(urllib.parse.urlsplit(base).hostname or ""),
                            retry=False, timeout=policy.timeout)


def crawl(url: str, known: dict[str, dict], mirror: Path, policy: Retry | None = None) -> Crawl:
    """The documents below ``url``, incrementally (:func:`extractors.listing.sync`)."""
    policy = policy or Retry.from_env()
    try:
        fs = filesystem(url, policy)
    except FetchError as err:
        return Crawl(documents=[Fetched(err.url, status="failed", error=err.reason)])
    return listing.sync(fs, url, "", known, mirror, policy)
