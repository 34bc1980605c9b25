"""Exceptions and exit codes, in the style of OCRmyPDF: every error carries its exit code
and a message that tells the user what happened; the CLI turns them into exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    ok = 0
    #: Some documents could not be read; the others were ingested and written.
    partial = 1
    bad_args = 2
    #: No readable document at all (nothing found, or every document failed).
    input_file = 3
    #: The output folder could not be written.
    output_error = 4
    #: A dependency (tesseract, its Norwegian data) is missing.
    missing_dependency = 5
    #: A helper program (tesseract) failed.
    child_process_error = 6
    #: A review request that cannot be done: no dataset, an unknown item or initiative.
    review_error = 7
    #: The state folder cannot be used as asked: the dataset's catalogue gone.
    state_error = 8
    #: Another ingest held the output's state folder for longer than ``--wait``.
    locked = 9
    other_error = 15
    #: Ctrl-C.
    interrupted = 130
    #: SIGTERM.
    terminated = 143


class VeikartError(Exception):
    """Base class. ``str(err)`` is a one-line message for the user."""

    exit_code = ExitCode.other_error


class InputFileError(VeikartError):
    """A document cannot be read: wrong format, corrupt, encrypted, empty."""

    exit_code = ExitCode.input_file

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class MissingDependencyError(VeikartError):
    exit_code = ExitCode.missing_dependency


class OcrError(VeikartError):
    """Tesseract ran but failed (crashed, killed, returned garbage)."""

    exit_code = ExitCode.child_process_error


class OutputError(VeikartError):
    """A file veikart was asked to write (the dataset, an export) could not be written."""

    exit_code = ExitCode.output_error


class CatalogueError(VeikartError):
    exit_code = ExitCode.bad_args


class UsageError(VeikartError):
    """The command was given something it cannot take: a bad argument (a cron string that is
    none, an unknown time zone), or a file that is not what it should be (a decision export
    that is not one). The user's mistake, not a bug."""

    exit_code = ExitCode.bad_args


class ReviewError(VeikartError):
    """A review request that cannot be done (the reviewer's mistake, not a bug)."""

    exit_code = ExitCode.review_error


class LockedError(VeikartError):
    """Another ingest holds the state folder."""

    exit_code = ExitCode.locked


class StateError(VeikartError):
    """The state folder cannot be used as asked."""

    exit_code = ExitCode.state_error


class Transient:
    """Mixin (as dlt's): the failure may go away on its own (a timeout, a reset connection, a
    5xx answer, a 429), so it is worth trying again. A Prefect retry condition, or
    :func:`is_transient`, reads it."""


def is_transient(err: BaseException) -> bool:
    """Whether ``err`` is marked retryable.

    >>> is_transient(TransientFetchError("s3://b/k.pdf", "no answer")), is_transient(
    ...     FetchError("s3://b/k.pdf", "not found"))
    (True, False)
    """
    return isinstance(err, Transient)


class FetchError(VeikartError):
    """A remote document (or listing) could not be fetched: a permanent failure (404, 403, a
    TLS error), tried once. ``str(err)`` names the URL."""

    exit_code = ExitCode.input_file

    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        #: The server's HTTP status, when it answered.
        self.status = status


class TransientFetchError(Transient, FetchError):
    """A remote fetch failed in a way that may pass (timeout, reset, 5xx, 429)."""
