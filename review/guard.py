"""What stands between a request and the review app (the app puts them together, settings in
``review.settings``). Each decides before the app reads a byte of the request's body:

- :class:`ReviewerGate` (behind Starlette's ``AuthenticationMiddleware``): who is signed in.
  A session is good while its reviewer is active and still holds the token version the
  session signed in with (signing out, a new token and removing the reviewer raise it);
  without one only the sign-in page and the static files answer. Too many failed sign-ins
  from one address (:class:`LoginAttempts`) and the sign-in form is refused too.
- :class:`BodyLimit`: a body over the limit is refused (413) at its first read, or as soon as
  a body sent in chunks grows past it.
- :class:`ResponseHeaders`: the security headers on every response, whoever made it.

The host check is Starlette's ``TrustedHostMiddleware``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from http.cookies import SimpleCookie

from fastapi import HTTPException
from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    SimpleUser,
)
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from state import Store

#: Paths that answer without a session: the sign-in page and what it is drawn with.
OPEN = ("/login", "/static/")


class SignInFirst(AuthenticationError):
    """No good session: none at all, or one that has ended (``ended``: signed out, a new
    token, the reviewer removed)."""

    def __init__(self, ended: bool):
        super().__init__("sign in first")
        self.ended = ended


class TooManyTries(AuthenticationError):
    """The client address has failed to sign in too often; ``wait``: seconds until it may
    try again."""

    def __init__(self, wait: float):
        super().__init__("too many failed sign-ins")
        self.wait = wait


def client_address(conn: HTTPConnection) -> str:
    """The address a request came from (the server reads no forwarding headers)."""
    return conn.client.host if conn.client else ""


class LoginAttempts:
    """Failed sign-ins per client address in a sliding window, in memory (one app in one
    process). ``wait(client)``: seconds until the client may try again (0: now).

    >>> clock = [0.0]
    >>> tries = LoginAttempts(2, 60, clock=lambda: clock[0])
    >>> tries.failed("a"); tries.wait("a")
    0.0
    >>> clock[0] = 10; tries.failed("a"); tries.wait("a"), tries.wait("b")
    (50.0, 0.0)
    >>> clock[0] = 60; tries.wait("a")
    0.0
    >>> tries.failed("a"); tries.succeeded("a"); tries.wait("a")
    0.0
    """

    def __init__(self, tries: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.tries, self.window, self.clock = tries, window, clock
        self._failed: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, client: str) -> float:
        with self._lock:
            times = self._failed.get(client)
            if times is None or len(times) < self.tries:
                return 0.0
            return max(0.0, times[0] + self.window - self.clock())

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            for stale in [c for c, t in self._failed.items() if t[-1] <= now - self.window]:
                del self._failed[stale]  # the window has passed them: forget them
            self._failed.setdefault(client, deque(maxlen=self.tries)).append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failed.pop(client, None)


class ReviewerGate(AuthenticationBackend):
    """The signed-in reviewer (``request.user``), or a refusal before anything is read:
    :class:`SignInFirst`, :class:`TooManyTries` (the app's ``on_error`` answers them)."""

    def __init__(self, store: Store, attempts: LoginAttempts):
        self.store, self.attempts = store, attempts

    async def authenticate(self, conn: HTTPConnection):
        path = conn.url.path
        if path == "/login" and conn.scope["method"] == "POST":
            wait = self.attempts.wait(client_address(conn))
            if wait > 0:
                raise TooManyTries(wait)
        name = conn.session.get("reviewer")
        if name is not None:
            version = await run_in_threadpool(self.store.token_version, name)
            if version is not None and version == conn.session.get("token_version"):
                return AuthCredentials(["reviewer"]), SimpleUser(name)
        if path == OPEN[0] or path.startswith(OPEN[1]):
            return None
        raise SignInFirst(ended=name is not None)


class BodyLimit:
    """Refuse a request body over ``max_bytes`` (413) without reading it. The refusal is
    raised where the app reads the body, so the answer is the app's own error page."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        received = 0

        async def limited() -> Message:
            nonlocal received
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise HTTPException(413, "the request body is too large")
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(413, "the request body is too large")
            return message

        await self.app(scope, limited, send)


class ResponseHeaders:
    """``headers`` on every response, whatever made it (a page, an error page, a refusal by
    a middleware), and the language cookie when the request picked a language (``?lang=``
    among ``languages``)."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str], cookie: str,
                 languages: Mapping[str, object]):
        self.app, self.headers = app, headers
        self.cookie, self.languages = cookie, languages

    def _language_cookie(self, scope: Scope) -> str | None:
        chosen = QueryParams(scope.get("query_string", b"")).get("lang")
        if chosen not in self.languages:
            return None
        cookie: SimpleCookie = SimpleCookie()
        cookie[self.cookie] = chosen
        cookie[self.cookie].update({"path": "/", "max-age": str(365 * 24 * 3600),
                                    "samesite": "strict", "httponly": True})
        return cookie.output(header="").strip()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = self._language_cookie(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.update(self.headers)
                if language:
                    headers.append("set-cookie", language)
            await send(message)

        await self.app(scope, receive, send_with_headers)
