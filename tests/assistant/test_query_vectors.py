"""The query-vector cache: one batch for the unknown texts, least recently used out, safe across threads."""

import threading

import numpy as np

from assistant.query_vectors import QueryVectors


class CountingEncoder:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def __call__(self, texts):
        self.batches.append(list(texts))
        return np.array([[float(len(t)), float(sum(map(ord, t)))] for t in texts])


def test_unknown_texts_are_encoded_once_in_one_batch_and_returned_in_order():
    enc = CountingEncoder()
    vectors = QueryVectors(enc)
    first = vectors.many(["b", "aa", "b"])
    assert enc.batches == [["b", "aa"]]  # a repeated text is encoded once
    assert [v[0] for v in first] == [1.0, 2.0, 1.0]
    again = vectors.many(["aa", "ccc"])
    assert enc.batches[-1] == ["ccc"]  # the known text comes from the cache
    np.testing.assert_array_equal(again[0], first[1])


def test_the_least_recently_used_text_leaves_first():
    enc = CountingEncoder()
    vectors = QueryVectors(enc, capacity=2)
    vectors.many(["a"])
    vectors.many(["b"])
    vectors.many(["a"])  # a is used again, so b is the oldest
    vectors.many(["c"])
    assert len(vectors) == 2
    vectors.many(["a"])
    assert enc.batches[-1] == ["c"]  # a was still cached
    vectors.many(["b"])
    assert enc.batches[-1] == ["b"]  # b had left


def test_concurrent_callers_get_their_own_vectors():
    # a smoke test: the interpreter's lock hides most races, so this shows the results stay right, not the locking
    vectors = QueryVectors(CountingEncoder(), capacity=8)
    texts = [f"tekst {i}" for i in range(40)]
    results: dict[str, float] = {}
    errors: list[BaseException] = []

    def work(chunk):
        try:
            for t, v in zip(chunk, vectors.many(chunk), strict=True):
                results[t] = v[1]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(texts[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == {t: float(sum(map(ord, t))) for t in texts}
    assert len(vectors) <= 8
