"""The corpus package's exceptions: one base class, one per kind of problem."""

from __future__ import annotations


class CorpusError(Exception):
    """Base class for every problem with the source documents."""


class DocumentError(CorpusError):
    """One file could not be read; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class SchemaError(CorpusError):
    """The guide's schema file (``corpus/schema.yaml``) is missing or inconsistent."""
