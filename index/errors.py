"""Exceptions of the index package; the CLI and UI turn them into user messages."""


class SearchIndexError(Exception):
    """Base class for index problems."""


class EmbedderError(SearchIndexError):
    """An embedder could not be created or used."""


class DimensionMismatch(SearchIndexError):
    """A query vector does not have the index's dimension."""


class IndexCorrupt(SearchIndexError):
    """Files on disk are missing, truncated or inconsistent; the index must be rebuilt."""


class IndexStale(IndexCorrupt):
    """An intact generation built from another corpus or text analyzer; it must be rebuilt before serving."""


class IndexReadOnly(SearchIndexError):
    """The index folder cannot be written, so a missing or stale index cannot be rebuilt there."""


class IndexBusy(SearchIndexError):
    """Another process has held the writer lock for longer than the wait allows."""
