"""What the review app takes from a request, in one place: each setting has a safe default
and an environment variable (the README's "Reviewing matches" lists them).

| variable | default | what |
|---|---|---|
| ``VEIKART_REVIEW_MAX_BODY_KB`` | 64 | a request body larger than this is refused (413) unread |
| ``VEIKART_REVIEW_LOGIN_TRIES`` | 10 | failed sign-ins from one client address in the window |
| ``VEIKART_REVIEW_LOGIN_WINDOW_S`` | 300 | the window (seconds); then sign-in answers 429 |
| ``VEIKART_REVIEW_HOSTS`` | (none) | host names to answer besides 127.0.0.1 and localhost |

>>> s = Settings.from_env({"VEIKART_REVIEW_MAX_BODY_KB": "8", "VEIKART_REVIEW_HOSTS": "a.b, c"})
>>> s.max_body, s.login_tries, s.hosts
(8192, 10, ('127.0.0.1', 'localhost', 'a.b', 'c'))
>>> Settings.from_env({"VEIKART_REVIEW_LOGIN_TRIES": "many"}).login_tries  # not a number
10
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

#: The app listens on 127.0.0.1 only; a browser names it so, or localhost.
LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class Settings:
    #: Bytes of a request body (the app's forms are a few hundred).
    max_body: int = 64 * 1024
    #: Failed sign-ins a client address may make within ``login_window`` seconds.
    login_tries: int = 10
    login_window: float = 300.0
    #: Host names (the Host header) the app answers; any other gets 400 (DNS rebinding).
    hosts: tuple[str, ...] = LOCAL_HOSTS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        def number(name: str, default: float) -> float:
            try:
                return max(1.0, float(environ.get(name, default)))
            except ValueError:
                return default

        extra = [h.strip().lower() for h in environ.get("VEIKART_REVIEW_HOSTS", "").split(",")]
        return cls(max_body=int(number("VEIKART_REVIEW_MAX_BODY_KB", 64) * 1024),
                   login_tries=int(number("VEIKART_REVIEW_LOGIN_TRIES", 10)),
                   login_window=number("VEIKART_REVIEW_LOGIN_WINDOW_S", 300),
                   hosts=LOCAL_HOSTS + tuple(h for h in extra if h and h not in LOCAL_HOSTS))
