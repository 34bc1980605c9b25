"""What every remote source shares: which inputs are remote, what one fetch gave, retries
with backoff for failures that may pass, one-line reasons naming the URL, credentials masked,
and the content-addressed mirror.

Remote kinds: web pages (``http://``, ``https://``: :mod:`extractors.web`), S3
(``s3://bucket/prefix``: :mod:`extractors.s3`) and WebDAV (``webdav://``, ``webdavs://``:
:mod:`extractors.webdav`). Transient failures (a timeout, a reset or dropped connection, a 5xx
answer, a 429) are tried again after a pause that doubles each time; permanent ones (404, 403,
a TLS failure, an unknown host) fail at once. Settings, from the environment:

- ``VEIKART_RETRIES``: tries after the first (default 3);
- ``VEIKART_RETRY_BACKOFF``: the first pause in seconds (default 0.5; doubled each try, at
  most 10 s, or the server's ``Retry-After`` when it is shorter than that);
- ``VEIKART_REMOTE_TIMEOUT``: seconds to wait for a connection or an answer (default 30).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import socket
import ssl
import time
import urllib.error
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from veikart.errors import FetchError, TransientFetchError
from veikart.files import atomic_write_bytes

#: URL schemes veikart reads as remote sources.
SCHEMES = ("http", "https", "s3", "webdav", "webdavs")
RETRIES_ENV = "VEIKART_RETRIES"
BACKOFF_ENV = "VEIKART_RETRY_BACKOFF"
TIMEOUT_ENV = "VEIKART_REMOTE_TIMEOUT"
#: Environment variables whose values are secrets: never in a reason, a log or a report.
SECRET_ENV = ("VEIKART_WEBDAV_PASSWORD", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
#: Largest document fetched (bytes).
MAX_BYTES = 512 << 20

T = TypeVar("T")
_SECRETS: set[str] = set()


def is_remote(text: str) -> bool:
    """Whether an input names a remote source rather than a local path.

    >>> is_remote("s3://bucket/motes"), is_remote("webdavs://host/dav"), is_remote("inbox/")
    (True, True, False)
    """
    scheme, sep, _ = str(text).partition("://")
    return bool(sep) and scheme.lower() in SCHEMES


@dataclass
class Fetched:
    """One URL's outcome: where its bytes are (``path``), what the server said of them."""

    url: str
    path: Path | None = None
    sha256: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    size: int | None = None
    #: "fetched", "unchanged" (nothing downloaded), or "failed" (``error`` says why).
    status: str = "fetched"
    error: str | None = None


@dataclass
class Crawl:
    """What one remote source gave: its documents, what it lists and does not read, and the
    documents an earlier run fetched from it that it no longer lists."""

    documents: list[Fetched] = field(default_factory=list)
    #: URLs found but not read: (url, reason).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    #: URLs fetched from this source before and no longer in it: (url, reason).
    removed: list[tuple[str, str]] = field(default_factory=list)
    requests: int = 0


@dataclass(frozen=True)
class Retry:
    """How often and how patiently a remote source is asked.

    >>> Retry(retries=3, backoff=0.5).pauses()
    [0.5, 1.0, 2.0]
    """

    retries: int = 3
    backoff: float = 0.5
    timeout: float = 30.0
    #: The longest pause between two tries.
    cap: float = 10.0

    @classmethod
    def from_env(cls) -> Retry:
        """The settings in ``VEIKART_RETRIES``, ``VEIKART_RETRY_BACKOFF`` and
        ``VEIKART_REMOTE_TIMEOUT`` (the defaults where unset)."""
        return cls(retries=max(0, int(os.environ.get(RETRIES_ENV) or cls.retries)),
                   backoff=max(0.0, float(os.environ.get(BACKOFF_ENV) or cls.backoff)),
                   timeout=max(0.1, float(os.environ.get(TIMEOUT_ENV) or cls.timeout)))

    def pauses(self) -> list[float]:
        return [min(self.backoff * 2 ** n, self.cap) for n in range(self.retries)]


def mask(text: str) -> str:
    """``text`` with credentials taken out: a password in a URL, the value of every secret
    variable (``SECRET_ENV``) that is set, and every credential given to :func:`secret`.

    >>> mask("webdavs://anne:hemmelig@dav.example/dav: the server answered 401")
    'webdavs://anne:***@dav.example/dav: the server answered 401'
    """
    text = re.sub(r"(://[^/\s:@]+):[^/\s@]*@", r"\1:***@", str(text))
    for secret in {os.environ.get(name) for name in SECRET_ENV} | _SECRETS:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


def secret(value: str | None) -> None:
    """Remember a credential read from elsewhere (a netrc file), so :func:`mask` hides it."""
    if value:
        _SECRETS.add(value)


def _chain(err: BaseException) -> Iterator[BaseException]:
    """``err`` and the errors behind it (``__cause__``, ``__context__``, urllib's
    ``reason``)."""
    seen: set[int] = set()
    todo = [err]
    while todo and len(seen) < 16:
        e = todo.pop(0)
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        reason = getattr(e, "reason", None) if isinstance(e, urllib.error.URLError) else None
        todo += [x for x in (reason, e.__cause__, e.__context__) if isinstance(x,
                                                                               BaseException)]


def status_of(err: BaseException) -> int | None:
    """The HTTP status a failure carries: urllib's ``code``, an httpx or webdav4
    ``status_code``, botocore's ``ResponseMetadata``."""
    for e in _chain(err):
        if isinstance(e, urllib.error.HTTPError):
            return e.code
        code = getattr(e, "status_code", None)
        if isinstance(code, int):
            return code
        response = getattr(e, "response", None)
        if isinstance(response, dict):
            code = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if isinstance(code, int):
                return code
        elif isinstance(getattr(response, "status_code", None), int):
            return response.status_code
    return None


def _code(err: BaseException) -> str:
    """The error code an S3 answer names (``NoSuchBucket``, ``AccessDenied``), in
    parentheses; empty for other answers."""
    for e in _chain(err):
        response = getattr(e, "response", None)
        if isinstance(response, dict):
            code = str(response.get("Error", {}).get("Code") or "")
            if code and not code.isdigit():
                return f" ({code})"
    return ""


#: Client errors that mean the connection broke (named, so this module imports no client).
_BROKEN = {"RemoteProtocolError", "ReadError", "WriteError", "ConnectError", "ProtocolError",
           "ConnectionClosedError", "EndpointConnectionError", "ServerDisconnectedError",
           "ClientPayloadError", "ClientConnectionError", "ResponseStreamingError",
           "IncompleteRead", "IncompleteReadError", "RemoteDisconnected", "HTTPClientError"}


def _names(err: BaseException) -> set[str]:
    return {c.__name__ for c in type(err).__mro__}


def _short(err: BaseException) -> str:
    return " ".join(str(err).split())[:160] or type(err).__name__


def classify(err: BaseException, timeout: float) -> tuple[bool, str, int | None]:
    """(transient, one-line reason, HTTP status) of a failed request.

    >>> classify(TimeoutError(), 5)
    (True, 'no answer within 5 s', None)
    >>> classify(FileNotFoundError("bucket/k.pdf"), 5)
    (False, 'not found', 404)
    """
    chain = list(_chain(err))
    if any(isinstance(e, ssl.SSLError) for e in chain):
        tls = next(e for e in chain if isinstance(e, ssl.SSLError))
        return False, f"the TLS connection failed ({_short(tls)})", None
    status = status_of(err)
    if status is not None:
        phrase = http.client.responses.get(status, "")
        reason = f"the server answered {status} {phrase}".rstrip() + _code(err)
        return status == 429 or status >= 500, reason, status
    if any(isinstance(e, FileNotFoundError) for e in chain):
        return False, "not found", 404
    if any(isinstance(e, PermissionError) for e in chain):
        return False, "access denied", 403
    if any(isinstance(e, socket.gaierror) for e in chain):
        return False, f"cannot reach it (unknown host: {_short(err)})", None
    if any(isinstance(e, TimeoutError) or any("Timeout" in n for n in _names(e))
           for e in chain):
        return True, f"no answer within {timeout:g} s", None
    if any(isinstance(e, ConnectionError | http.client.HTTPException) or _names(e) & _BROKEN
           for e in chain):
        return True, f"the connection failed ({_short(err)})", None
    return False, _short(err), None


def _retry_after(err: BaseException) -> float | None:
    """The seconds a 429 or 503 answer asks the client to wait (``Retry-After``)."""
    for e in _chain(err):
        headers = getattr(e, "headers", None) or getattr(getattr(e, "response", None),
                                                         "headers", None)
        value = headers.get("Retry-After") if hasattr(headers, "get") else None
        if value and str(value).strip().isdigit():
            return float(value)
    return None


def with_retries(call: Callable[[], T], url: str, policy: Retry | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, tried again after each transient failure (``policy.pauses()``). Raises
    :class:`FetchError` (permanent, at once) or :class:`TransientFetchError` (transient,
    after the last try), whose message names ``url`` and the reason, credentials masked;
    its ``status`` is the server's answer (a 304 is not retried: the caller reads it).

    >>> answers = iter([TimeoutError(), b"%PDF-"])
    >>> def flaky():
    ...     answer = next(answers)
    ...     if isinstance(answer, Exception):
    ...         raise answer
    ...     return answer
    >>> with_retries(flaky, "s3://b/k.pdf", Retry(retries=1, backoff=0))
    b'%PDF-'
    """
    policy = policy or Retry.from_env()
    pauses = policy.pauses()
    for attempt in range(len(pauses) + 1):
        try:
            return call()
        except Exception as err:  # noqa: BLE001 - every client's errors, sorted below
            transient, reason, status = classify(err, policy.timeout)
            if not transient or attempt == len(pauses):
                if transient and attempt:
                    reason += f" (tried {attempt + 1} times)"
                kind = TransientFetchError if transient else FetchError
                raise kind(mask(url), mask(reason), status) from err
            wait = pauses[attempt]
            asked = _retry_after(err)
            sleep(min(asked, policy.cap) if asked is not None and asked > wait else wait)
    raise AssertionError("unreachable")


def keep(data: bytes, suffix: str, mirror: Path) -> tuple[Path, str]:
    """Keep fetched bytes in the mirror under their SHA-256 (content-addressed: the same
    bytes are stored once, however many URLs give them); returns (path, sha256)."""
    sha = hashlib.sha256(data).hexdigest()
    path = Path(mirror) / f"{sha}{suffix.lower()}"
    if not path.exists():
        atomic_write_bytes(path, data)
    return path, sha
