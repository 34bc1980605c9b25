"""What stands between a request and the review app, deciding before the app reads a byte
of the request's body. :class:`ReviewerGate` (behind Starlette's ``AuthenticationMiddleware``)
says who is signed in: a session is good while its reviewer is active and still holds the
token version the session signed in with (signing out, a new token and removing the
reviewer raise it); without one only the sign-in page and the static files answer.
"""

from __future__ import annotations

from starlette.authentication import (
    AuthCredentials,
    AuthenticationBackend,
    AuthenticationError,
    SimpleUser,
)
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection

from state import Store

#: Paths that answer without a session: the sign-in page and what it is drawn with.
OPEN = ("/login", "/static/")


class SignInFirst(AuthenticationError):
    """No good session: none at all, or one that has ended (``ended``: signed out, a new
    token, the reviewer removed)."""

    def __init__(self, ended: bool):
        super().__init__("sign in first")
        self.ended = ended


class ReviewerGate(AuthenticationBackend):
    """The signed-in reviewer (``request.user``), or a refusal before anything is read:
    :class:`SignInFirst` (the app's ``on_error`` answers it)."""

    def __init__(self, store: Store):
        self.store = store

    async def authenticate(self, conn: HTTPConnection):
        path = conn.url.path
        name = conn.session.get("reviewer")
        if name is not None:
            version = await run_in_threadpool(self.store.token_version, name)
            if version is not None and version == conn.session.get("token_version"):
                return AuthCredentials(["reviewer"]), SimpleUser(name)
        if path == OPEN[0] or path.startswith(OPEN[1]):
            return None
        raise SignInFirst(ended=name is not None)
