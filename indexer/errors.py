"""Errors that reach a person: each carries a message meant to be shown as is."""
from __future__ import annotations


class PolicySearchError(Exception):
    """Base for errors with a readable message (CLI prints it, web turns it into 4xx/503)."""


class ExtractError(PolicySearchError):
    """A source could not be read; ``reason`` says why in words (truncated, encrypted, …)."""

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source, self.reason, self.line = source, reason, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")


class IndexLockedError(PolicySearchError):
    def __init__(self, path: str, timeout: float):
        super().__init__(
            f"index is locked by another process: {path} (waited {timeout:g} s); "
            "try again when the other ingest has finished"
        )


class IndexMissingError(PolicySearchError):
    pass


class RebuildRequiredError(PolicySearchError):
    pass


class QueryError(PolicySearchError):
    """A query or search parameter a person typed that we cannot run; the message says why."""
