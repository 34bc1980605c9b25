"""The pipeline's state, owned by neither the flow nor the review app: the SQLite store
(ingest ledger, source copies, reviewers, the append-only decision log, the catalogue overlay,
the settings the dataset was built with) and the per-document result files."""

from .lock import locked
from .store import Decision, StateError, Store, state_dir

__all__ = ["Decision", "StateError", "Store", "locked", "state_dir"]
