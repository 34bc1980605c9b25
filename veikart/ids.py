"""Run ids that sort in the order the runs started.

A run id is the UTC start time to the microsecond and a short random suffix
(``20261201T083003.123456Z-6f32a7``). Ids made in one process are strictly increasing even
when the clock repeats itself or steps back; the suffix keeps ids made by two processes in
the same microsecond apart.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_last: datetime | None = None


def run_start(now: datetime | None = None) -> datetime:
    """A UTC start time later than every one this process handed out before.

    >>> a = run_start(datetime(2026, 1, 1, tzinfo=UTC))
    >>> b = run_start(datetime(2026, 1, 1, tzinfo=UTC))
    >>> b - a
    datetime.timedelta(microseconds=1)
    """
    global _last
    now = (now or datetime.now(UTC)).astimezone(UTC)
    with _lock:
        if _last is not None and now <= _last:
            now = _last + timedelta(microseconds=1)
        _last = now
    return now


def run_id(started: datetime) -> str:
    """The id of a run that started at ``started`` (from :func:`run_start`).

    >>> run_id(datetime(2026, 12, 1, 8, 30, 3, 123456, tzinfo=UTC))[:23]
    '20261201T083003.123456Z'
    """
    return started.strftime("%Y%m%dT%H%M%S.%fZ") + "-" + secrets.token_hex(3)
