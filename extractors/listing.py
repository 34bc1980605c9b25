"""Sources that list their documents (S3, WebDAV), through any fsspec filesystem.

One listing (with retries) says what is below the source's root and each object's ETag, size
and modification time. :func:`sync` compares every entry with what the state remembers of its
URL (the ``fetched`` table): an entry that is the same as when it was last fetched is not
downloaded (its mirror copy is read); a new or changed one is downloaded (with retries) into
the content-addressed mirror; a URL fetched from this source before that the listing no
longer names is reported as removed. The folder walk's rules for names hold: hidden files and
folders, editors' lock files and other formats are listed as not read, with their reasons.
A failed download costs only its document; a failed listing costs the source (and removes
nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from veikart.errors import FetchError

from .remote import MAX_BYTES, Crawl, Fetched, Retry, keep, with_retries
from .sources import listed_reason


@dataclass(frozen=True)
class Listed:
    """One object of a listing: its URL, its path in the filesystem, and what the listing
    says of it."""

    url: str
    key: str
    etag: str | None
    size: int | None
    modified: str | None


def _text(value: Any) -> str | None:
    """A listing's timestamp or ETag as the text kept in the state."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value if value.tzinfo else value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="seconds")
    return str(value)


def entry(url: str, key: str, info: dict) -> Listed:
    """A listing entry from an fsspec ``info`` dict (s3fs: ``ETag``, ``LastModified``;
    webdav4: ``etag``, ``modified``; both: ``size``).

    >>> entry("s3://b/a.pdf", "b/a.pdf", {"ETag": '"9f"', "size": 3}).etag
    '"9f"'
    """
    size = info.get("size")
    return Listed(url, key, _text(info.get("ETag") or info.get("etag")),
                  int(size) if size is not None else None,
                  _text(info.get("LastModified") or info.get("modified")
                        or info.get("last_modified")))


def url_of(root_url: str, root: str, key: str) -> str:
    """The URL of a filesystem path below the source's root.

    >>> url_of("s3://bucket/motes/", "bucket/motes", "bucket/motes/2023/deck.pptx")
    's3://bucket/motes/2023/deck.pptx'
    """
    relative = key[len(root):].strip("/") if key.startswith(root) else key.strip("/")
    return root_url.rstrip("/") + ("/" + relative if relative else "")


def unchanged(known: dict | None, listed: Listed) -> bool:
    """Whether the state's record of a URL says the listed object is the one already in the
    mirror: the same ETag, size and modification time, and the mirror copy still there. An
    entry with neither ETag nor modification time is always downloaded (a size alone does
    not tell an edit).

    >>> listed = Listed("s3://b/a.pdf", "b/a.pdf", None, 3, None)
    >>> unchanged({"path": __file__, "etag": None, "size": 3, "last_modified": None}, listed)
    False
    """
    return bool(known and known.get("path") and Path(known["path"]).is_file()
                and (listed.etag or listed.modified)
                and (known.get("etag"), known.get("size"), known.get("last_modified"))
                == (listed.etag, listed.size, listed.modified))


def listing(fs, root_url: str, root: str, policy: Retry) -> tuple[list[Listed],
                                                                   list[tuple[str, str]]]:
    """The documents below ``root`` (sorted by URL) and the objects not read, with their
    reasons (a hidden folder once, not once per object). Raises :class:`FetchError`."""
    found = with_retries(lambda: fs.find(root, detail=True), root_url, policy)
    documents, skipped = [], {}
    for key in sorted(found):
        info = found[key]
        if info.get("type", "file") != "file":
            continue
        url = url_of(root_url, root, key)
        relative = url[len(root_url.rstrip("/")):].lstrip("/")
        why = listed_reason(relative) if relative else None  # the URL names the object itself
        if why is None:
            documents.append(entry(url, key, info))
        else:
            part, reason = why
            skipped.setdefault(root_url.rstrip("/") + "/" + part, reason)
    return documents, list(skipped.items())


def _download(fs, listed: Listed, mirror: Path, policy: Retry) -> Fetched:
    if listed.size is not None and listed.size > MAX_BYTES:
        return Fetched(listed.url, status="failed", error=f"bigger than {MAX_BYTES >> 20} MB")
    try:
        data = with_retries(lambda: fs.cat_file(listed.key), listed.url, policy)
    except FetchError as err:
        return Fetched(listed.url, status="failed", error=err.reason)
    if len(data) > MAX_BYTES:
        return Fetched(listed.url, status="failed", error=f"bigger than {MAX_BYTES >> 20} MB")
    path, sha = keep(data, PurePosixPath(listed.key).suffix, mirror)
    return Fetched(listed.url, path, sha, listed.etag, listed.modified, len(data))


def _removed(root_url: str, known: dict[str, dict], listed: set[str]) -> list[tuple[str, str]]:
    """URLs fetched from this source before that its listing no longer names."""
    base = root_url.rstrip("/")
    return [(url, f"no longer in {base} (removed since it was fetched, "
                  f"{str(record.get('fetched_at') or '')[:10] or 'earlier'})")
            for url, record in sorted(known.items())
            if (url == base or url.startswith(base + "/")) and url not in listed]


def sync(fs, root_url: str, root: str, known: dict[str, dict], mirror: Path,
         policy: Retry | None = None) -> Crawl:
    """List the source and bring the mirror up to date with it (see the module's doc):
    ``known`` maps a URL to what the state remembers of it (``etag``, ``size``,
    ``last_modified``, ``path``, ``sha256``, ``fetched_at``)."""
    policy = policy or Retry.from_env()
    result = Crawl(requests=1)
    try:
        documents, result.skipped = listing(fs, root_url, root, policy)
    except FetchError as err:
        result.documents.append(Fetched(root_url, status="failed",
                                        error=f"cannot list it: {err.reason}"))
        return result
    for listed in documents:
        record = known.get(listed.url)
        if unchanged(record, listed):
            result.documents.append(Fetched(listed.url, Path(record["path"]),
                                            record.get("sha256"), listed.etag, listed.modified,
                                            listed.size, "unchanged"))
            continue
        result.requests += 1
        result.documents.append(_download(fs, listed, mirror, policy))
    result.removed = _removed(root_url, known, {d.url for d in documents})
    return result
