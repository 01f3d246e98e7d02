"""The meaning banks and classifiers an assistant reads: the index's own when it was built with today's banks, else
made here from the banks' entries (an index opened without them, as the tests open one).

Both depend only on the banks' entries and the embedder, so one process makes each once, whatever the number of
assistants it opens (the evaluation's ablations open several on one index).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from assistant.bank_texts import CLASSIFIED, all_banks
from corpus.model import Document
from index.banks import Bank, banks_fingerprint
from index.classifier import TextClassifier, classifier_fingerprint
from index.retriever import Retriever, train_classifier

__all__ = ["banks_and_classifiers"]

_DERIVED: dict[tuple, object] = {}
_DERIVED_LOCK = threading.Lock()


def _derived_banks(wanted: dict, fingerprints: dict[str, str], embedder) -> dict[str, Bank]:  # noqa: ANN001
    key = ("banks", embedder.name, embedder.dim, tuple(sorted(fingerprints.items())))
    with _DERIVED_LOCK:
        if key not in _DERIVED:
            memo: dict[str, np.ndarray] = {}
            _DERIVED[key] = {name: Bank.build(name, entries, embedder, memo=memo) for name, entries in wanted.items()}
        return _DERIVED[key]  # type: ignore[return-value]


def _derived_classifier(bank: Bank, fingerprint: str, embedder) -> TextClassifier:  # noqa: ANN001
    key = ("classifier", bank.name, embedder.name, embedder.dim, fingerprint)
    with _DERIVED_LOCK:
        if key not in _DERIVED:
            _DERIVED[key] = train_classifier(bank, fingerprint)
        return _DERIVED[key]  # type: ignore[return-value]


def banks_and_classifiers(retriever: Retriever, documents: Sequence[Document]
                          ) -> tuple[dict[str, Bank], dict[str, TextClassifier]]:
    """Every meaning bank (by name) and the classifiers trained on the classified ones, for the guide's documents:
    the index's when its manifest records the same banks, else made from the entries (once per process)."""
    wanted = all_banks(documents)
    fingerprints = banks_fingerprint(wanted)
    if retriever.manifest.banks == fingerprints and set(retriever.banks) >= set(wanted):
        banks = dict(retriever.banks)
    else:
        # an index built without (or with other) banks, e.g. directly through Retriever.open in tests
        banks = dict(_derived_banks(wanted, fingerprints, retriever.embedder))
    classifiers = {
        name: (retriever.classifiers[name]
               if retriever.classifiers.get(name) is not None
               and retriever.classifiers[name].fingerprint == classifier_fingerprint(fingerprints[name])
               else _derived_classifier(banks[name], fingerprints[name], retriever.embedder))
        for name in CLASSIFIED}
    return banks, classifiers
