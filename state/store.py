"""The state store: SQLite (WAL) next to the outputs, holding the ingest ledger, the source
copies, reviewers, the append-only decision log, the catalogue overlay made through review and
the settings the dataset was last built with. Schema changes are migrations, applied in order
on open; the store's version is SQLite's ``user_version``."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from veikart.errors import StateError, UsageError
from veikart.files import atomic_write

STATE_ENV = "VEIKART_STATE"
ACTIONS = ("match", "reject", "new", "alias", "ignore", "defer", "undo")
SCOPES = ("item", "text")

MIGRATIONS = [
    """
    CREATE TABLE reviewers (
        name TEXT PRIMARY KEY,
        token_sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        item_id TEXT NOT NULL,
        norm_text TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('item', 'text')),
        action TEXT NOT NULL CHECK (action IN ('match','reject','new','alias','ignore','defer')),
        initiative_id TEXT,
        new_name TEXT,
        note TEXT
    );
    CREATE INDEX decisions_item ON decisions(item_id);
    CREATE INDEX decisions_text ON decisions(norm_text);
    CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
    CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
    CREATE TABLE overlay (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('initiative', 'alias')),
        initiative_id TEXT NOT NULL,
        name TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE sources (
        sha256 TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        suffix TEXT NOT NULL,
        stored_at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE ingested (
        path TEXT PRIMARY KEY,
        sha256 TEXT,
        pipeline_key TEXT NOT NULL,
        status TEXT NOT NULL,
        error TEXT,
        exit_code INTEGER,
        result_file TEXT,
        run_id TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        set_at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE fetched (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        size INTEGER,
        sha256 TEXT,
        path TEXT,
        fetched_at TEXT NOT NULL
    );
    """,
    # An undo is one more entry in the log: action 'undo', ``revokes`` the id it takes back.
    # SQLite cannot widen a CHECK, so the table is made again with every row copied.
    """
    CREATE TABLE decisions_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        reviewer TEXT NOT NULL,
        item_id TEXT NOT NULL,
        norm_text TEXT NOT NULL,
        scope TEXT NOT NULL CHECK (scope IN ('item', 'text')),
        action TEXT NOT NULL CHECK (action IN ('match','reject','new','alias','ignore','defer',
                                               'undo')),
        initiative_id TEXT,
        new_name TEXT,
        note TEXT,
        revokes INTEGER REFERENCES decisions_v2(id),
        CHECK ((action = 'undo') = (revokes IS NOT NULL))
    );
    INSERT INTO decisions_v2(id, at, reviewer, item_id, norm_text, scope, action,
                             initiative_id, new_name, note)
        SELECT id, at, reviewer, item_id, norm_text, scope, action, initiative_id, new_name,
               note FROM decisions ORDER BY id;
    DROP TRIGGER decisions_append_only_update;
    DROP TRIGGER decisions_append_only_delete;
    DROP TABLE decisions;
    ALTER TABLE decisions_v2 RENAME TO decisions;
    CREATE INDEX decisions_item ON decisions(item_id);
    CREATE INDEX decisions_text ON decisions(norm_text);
    CREATE TRIGGER decisions_append_only_update BEFORE UPDATE ON decisions
        BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
    CREATE TRIGGER decisions_append_only_delete BEFORE DELETE ON decisions
        BEGIN SELECT RAISE(ABORT, 'the decision log is append-only'); END;
    """,
    # A review session holds the version of its reviewer's token it signed in with; a new
    # token, signing out and removing the reviewer raise the version, which ends every
    # session that holds an older one. Reviewers of an older state start at version 1.
    """
    ALTER TABLE reviewers ADD COLUMN token_version INTEGER NOT NULL DEFAULT 1;
    """,
]


def state_dir(out: Path, state: Path | None = None) -> Path:
    """The state folder: ``--state``, else $VEIKART_STATE, else OUT/state."""
    if state:
        return Path(state)
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV])
    return Path(out) / "state"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    id: int
    at: str
    reviewer: str
    item_id: str
    norm_text: str
    scope: str
    action: str
    initiative_id: str | None
    new_name: str | None
    note: str | None
    #: For an undo: the id of the decision it takes back.
    revokes: int | None = None


class Store:
    """One SQLite file, ``state.sqlite``, in the state folder.

    >>> import tempfile
    >>> s = Store(Path(tempfile.mkdtemp()))
    >>> s.version == len(MIGRATIONS)
    True
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "state.sqlite"
        self._migrate()

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        con.row_factory = sqlite3.Row
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA foreign_keys=ON")
        try:
            yield con
        finally:
            con.close()

    @property
    def version(self) -> int:
        with self.connect() as con:
            return con.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        with self.connect() as con:
            current = con.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                con.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _statements(script):
                        con.execute(statement)
                    con.execute(f"PRAGMA user_version = {number}")
                    con.execute("COMMIT")
                except sqlite3.Error:
                    con.execute("ROLLBACK")
                    raise

    # ---------------------------------------------------------------- reviewers
    def add_reviewer(self, name: str) -> str:
        """Create (or re-key) a reviewer; returns the new sign-in token, shown once. Re-keying
        raises the token's version: the sessions signed in with the old token end."""
        token = secrets.token_urlsafe(18)
        with self.connect() as con:
            con.execute("INSERT INTO reviewers(name, token_sha256, created_at) VALUES (?,?,?) "
                        "ON CONFLICT(name) DO UPDATE SET token_sha256=excluded.token_sha256, "
                        "active=1, token_version=token_version+1", (name, _hash(token), now()))
        return token

    def session_for(self, token: str) -> tuple[str, int] | None:
        """The active reviewer who holds ``token`` and their token's version (a session
        keeps it), or None."""
        with self.connect() as con:
            row = con.execute("SELECT name, token_version FROM reviewers WHERE token_sha256=? "
                              "AND active=1", (_hash(token),)).fetchone()
        return (row["name"], row["token_version"]) if row else None

    def token_version(self, name: str) -> int | None:
        """The version of an active reviewer's token (None: no such active reviewer). A
        session is good while it holds this version."""
        with self.connect() as con:
            row = con.execute("SELECT token_version FROM reviewers WHERE name=? AND active=1",
                              (name,)).fetchone()
        return row["token_version"] if row else None

    def end_sessions(self, name: str) -> None:
        """End every session of the reviewer (signing out): the token stays, its version
        goes up."""
        with self.connect() as con:
            con.execute("UPDATE reviewers SET token_version=token_version+1 WHERE name=?",
                        (name,))

    def remove_reviewer(self, name: str) -> bool:
        """Take a reviewer's access away: the token no longer signs in, their sessions end,
        their decisions stay in the log (``add_reviewer`` gives them a new token). False when
        there is no such active reviewer."""
        with self.connect() as con:
            cur = con.execute("UPDATE reviewers SET active=0, token_sha256='', "
                              "token_version=token_version+1 WHERE name=? AND active=1",
                              (name,))
        return cur.rowcount > 0

    def reviewers(self) -> list[str]:
        with self.connect() as con:
            return [r["name"] for r in con.execute(
                "SELECT name FROM reviewers WHERE active=1 ORDER BY name")]

    # ---------------------------------------------------------------- decisions
    def decide(self, reviewer: str, item_id: str, norm_text: str, action: str,
               scope: str = "item", initiative_id: str | None = None,
               new_name: str | None = None, note: str | None = None,
               at: str | None = None, revokes: int | None = None) -> int:
        if action not in ACTIONS or scope not in SCOPES or (action == "undo") != (
                revokes is not None):
            raise StateError(f"unknown decision {action!r} / scope {scope!r}")
        with self.connect() as con:
            cur = con.execute(
                "INSERT INTO decisions(at, reviewer, item_id, norm_text, scope, action, "
                "initiative_id, new_name, note, revokes) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (at or now(), reviewer, item_id, norm_text, scope, action, initiative_id,
                 new_name, note, revokes))
            return int(cur.lastrowid)

    def undo(self, reviewer: str, decision: Decision) -> int:
        """Take ``decision`` back: one more entry in the log (nothing is changed or removed);
        the publisher then applies the log as if ``decision`` had not been made."""
        if decision.action == "undo":
            raise StateError("an undo cannot be undone; decide again instead")
        return self.decide(reviewer, decision.item_id, decision.norm_text, "undo",
                           decision.scope, decision.initiative_id, None, None,
                           revokes=decision.id)

    def decisions(self) -> list[Decision]:
        with self.connect() as con:
            return [Decision(**dict(r)) for r in con.execute(
                "SELECT * FROM decisions ORDER BY id")]

    def add_overlay(self, reviewer: str, kind: str, initiative_id: str, name: str) -> None:
        with self.connect() as con:
            con.execute("INSERT INTO overlay(at, reviewer, kind, initiative_id, name) "
                        "VALUES (?,?,?,?,?)", (now(), reviewer, kind, initiative_id, name))

    def overlay(self) -> list[dict]:
        with self.connect() as con:
            return [dict(r) for r in con.execute("SELECT * FROM overlay ORDER BY id")]

    # ---------------------------------------------------------------- export / import
    def export_json(self) -> str:
        return json.dumps({"version": 1, "decisions": [d.__dict__ for d in self.decisions()],
                           "overlay": self.overlay()}, ensure_ascii=False, indent=2)

    def import_json(self, text: str) -> int:
        """Append the decisions and overlay entries of an export not already here. The whole
        export is checked first: a file that is not one appends nothing (``UsageError``)."""
        data = _export(text)

        def key(d: dict) -> tuple:
            return (d["at"], d["reviewer"], d["item_id"], d["action"], d.get("initiative_id"),
                    d.get("new_name"), d.get("scope"))

        seen = {key(d.__dict__): d.id for d in self.decisions()}
        ids: dict[int, int] = {}  # the export's decision ids -> this log's (for undos)
        added = 0
        for d in sorted(data["decisions"], key=_export_id):
            if key(d) in seen:
                if d.get("id") is not None:
                    ids[d["id"]] = seen[key(d)]
                continue
            revokes = d.get("revokes")
            if revokes is not None:
                revokes = ids[revokes]  # an earlier decision of the export (checked)
            new_id = self.decide(d["reviewer"], d["item_id"], d["norm_text"], d["action"],
                                 d["scope"], d.get("initiative_id"), d.get("new_name"),
                                 d.get("note"), at=d["at"], revokes=revokes)
            seen[key(d)] = new_id
            if d.get("id") is not None:
                ids[d["id"]] = new_id
            added += 1
        have = {(o["kind"], o["initiative_id"], o["name"]) for o in self.overlay()}
        for o in data.get("overlay", []):
            if (o["kind"], o["initiative_id"], o["name"]) not in have:
                self.add_overlay(o["reviewer"], o["kind"], o["initiative_id"], o["name"])
        return added

    # ---------------------------------------------------------------- ingest ledger
    def record_ingest(self, path: str, sha256: str | None, pipeline_key: str, status: str,
                      error: str | None, exit_code: int | None, result_file: str | None,
                      run_id: str) -> None:
        """What the last ingest of ``path`` produced (one row per path: its latest version)."""
        with self.connect() as con:
            con.execute("INSERT OR REPLACE INTO ingested VALUES (?,?,?,?,?,?,?,?,?)",
                        (path, sha256, pipeline_key, status, error, exit_code, result_file,
                         run_id, now()))

    def move_ledger(self, old: str, new: str) -> None:
        """Key the ledger row of ``old`` by ``new`` (the same file, named from the root)."""
        with self.connect() as con:
            con.execute("UPDATE ingested SET path=? WHERE path=?", (new, old))

    def ledger(self) -> dict[str, dict]:
        with self.connect() as con:
            return {r["path"]: dict(r) for r in con.execute("SELECT * FROM ingested")}

    # ---------------------------------------------------------------- settings
    def set(self, key: str, value: str) -> None:
        """Remember a setting of the dataset (``catalogue_path``: the catalogue it was built
        with, which review must use too)."""
        with self.connect() as con:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?,?,?)", (key, value, now()))

    def get(self, key: str) -> str | None:
        with self.connect() as con:
            row = con.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row["value"] if row else None

    # ---------------------------------------------------------------- fetched URLs
    def record_fetch(self, url: str, etag: str | None, last_modified: str | None,
                     size: int | None, sha256: str | None, path: str | None) -> None:
        """What a remote source last fetched from ``url`` (for conditional requests, and for
        a listing entry that is the same: not downloaded again)."""
        with self.connect() as con:
            con.execute("INSERT OR REPLACE INTO fetched VALUES (?,?,?,?,?,?,?)",
                        (url, etag, last_modified, size, sha256, path, now()))

    def fetched(self) -> dict[str, dict]:
        with self.connect() as con:
            return {r["url"]: dict(r) for r in con.execute("SELECT * FROM fetched")}

    def forget_fetch(self, url: str) -> None:
        """Forget what was fetched from ``url`` (a document its source no longer holds)."""
        with self.connect() as con:
            con.execute("DELETE FROM fetched WHERE url=?", (url,))

    def forget_failure(self, path: str) -> None:
        """Drop the ledger's record of ``path`` if it is a failure (a source whose listing
        failed once and works again is no document)."""
        with self.connect() as con:
            con.execute("DELETE FROM ingested WHERE path=? AND status='failed'", (path,))

    # ---------------------------------------------------------------- source copies
    def keep_source(self, path: Path, sha256: str) -> Path:
        """A copy of a source document inside the state folder, so the review app renders
        crops from files it owns (and documents can move or vanish from the inbox)."""
        target = self.folder / "sources" / f"{sha256}{Path(path).suffix.lower()}"
        if not target.exists():
            atomic_write(target, lambda tmp: shutil.copyfile(path, tmp))
        with self.connect() as con:  # also when a run was killed between copy and record
            con.execute("INSERT OR IGNORE INTO sources VALUES (?,?,?,?)",
                        (sha256, str(path), target.suffix, now()))
        return target

    def source_copy(self, sha256: str) -> Path | None:
        with self.connect() as con:
            row = con.execute("SELECT suffix FROM sources WHERE sha256=?", (sha256,)).fetchone()
        if row is None:
            return None
        target = self.folder / "sources" / f"{sha256}{row['suffix']}"
        return target if target.is_file() else None


def _export(text: str) -> dict:
    """The decision export in ``text``, every entry checked (``UsageError`` names the first
    that is wrong), so that an import appends all of it or nothing."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UsageError(f"not a veikart decision export: not JSON ({err.msg}, line "
                         f"{err.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("decisions"), list) or \
            not isinstance(data.get("overlay", []), list):
        raise UsageError("not a veikart decision export: no list of decisions")
    earlier: set[int] = set()
    for number, d in enumerate(sorted(data["decisions"], key=_export_id), start=1):
        problem = _decision_problem(d, earlier)
        if problem:
            raise UsageError(f"not a veikart decision export: decision {number} {problem}")
        if d.get("id") is not None:
            earlier.add(d["id"])
    for number, o in enumerate(data.get("overlay", []), start=1):
        if not isinstance(o, dict) or o.get("kind") not in ("initiative", "alias") or not all(
                isinstance(o.get(k), str) and o[k] for k in ("reviewer", "initiative_id", "name")):
            raise UsageError(f"not a veikart decision export: catalogue entry {number} is not "
                             "an initiative or alias with its reviewer, id and name")
    return data


def _export_id(d) -> int:
    """The order of an export's decisions (their ids; entries without one first)."""
    value = d.get("id") if isinstance(d, dict) else None
    return value if isinstance(value, int) else 0


def _decision_problem(d, earlier: set[int]) -> str | None:
    """What is wrong with one decision of an export (None: nothing). ``earlier``: the ids of
    the export's decisions before it, which an undo may revoke."""
    if not isinstance(d, dict):
        return "is not an object"
    for name in ("at", "reviewer", "item_id", "norm_text"):
        if not isinstance(d.get(name), str) or (name != "norm_text" and not d[name]):
            return f"has no {name}"
    for name in ("initiative_id", "new_name", "note"):
        if d.get(name) is not None and not isinstance(d[name], str):
            return f"has a {name} that is not text"
    for name in ("id", "revokes"):
        if d.get(name) is not None and (type(d[name]) is not int):
            return f"has an {name} that is not a number"
    if d.get("action") not in ACTIONS or d.get("scope") not in SCOPES:
        return f"has an unknown action or scope ({d.get('action')!r}, {d.get('scope')!r})"
    if (d["action"] == "undo") != (d.get("revokes") is not None):
        return "is an undo without the decision it revokes, or revokes without being an undo"
    if d.get("revokes") is not None and d["revokes"] not in earlier:
        return "is an undo of a decision the export does not hold"
    try:
        datetime.fromisoformat(d["at"])
    except ValueError:
        return f"has a time that is not ISO 8601 ({d['at']!r})"
    return None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _statements(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        joined = "\n".join(current).strip()
        if joined.endswith(";") and (joined.count("BEGIN") == joined.count("END;")
                                     or "TRIGGER" not in joined):
            out.append(joined)
            current = []
    return out
