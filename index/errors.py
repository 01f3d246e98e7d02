"""Exceptions of the index package; the CLI and UI turn them into user messages."""


class SearchIndexError(Exception):
    """Base class for index problems."""


class EmbedderError(SearchIndexError):
    """An embedder could not be created or used."""


class DimensionMismatch(SearchIndexError):
    """A query vector does not have the index's dimension."""


class IndexCorrupt(SearchIndexError):
    """Files on disk are missing, truncated or inconsistent; the index must be rebuilt."""
