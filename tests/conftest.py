"""Shared fixtures for the test suite.

``hashing_assistant`` is an Assistant on the fast, deterministic, model-free hashing embedder, built once per
session into a temporary folder (about half a second). ``assert_reply_valid`` and ``assert_reply_grounded`` check the
contract every reply must keep, whatever the input:

* valid status; citations numbered 1..n, each quote verbatim in the chunk it names, every ``[n]`` marker in
  the text pointing at an existing citation (and every citation used);
* the text consists only of the fixed templates of :mod:`assistant.templates` and sentences quoted verbatim
  from the cited chunks.
"""

from __future__ import annotations

import re
import string
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # so that a bare ``pytest`` finds the packages without an installation
    sys.path.insert(0, str(REPO))

from assistant import templates  # noqa: E402
from assistant.core import Assistant  # noqa: E402
from assistant.settings import AssistantSettings  # noqa: E402
from assistant.types import STATUSES, Reply  # noqa: E402
from corpus.guide import Guide, load_guide  # noqa: E402
from corpus.model import SECTION_HEADINGS  # noqa: E402
from index.retriever import Retriever  # noqa: E402
from index.settings import IndexSettings  # noqa: E402

_MARKER = re.compile(r"\[(\d+)\]")


# -- the shared hashing-backend assistant ------------------------------------------------------------


def hashing_index_settings(data_dir: Path) -> IndexSettings:
    """Index settings for the hashing backend in ``data_dir``, independent of the environment."""
    return IndexSettings(data_dir=data_dir, backend="hashing", model=None)


def make_assistant(guide: Guide, data_dir: Path) -> Assistant:
    """Build (or load) a hashing-backend index for ``guide`` in ``data_dir`` and wrap it in an Assistant."""
    settings = AssistantSettings(index=hashing_index_settings(data_dir))
    retriever = Retriever.open(settings=settings.index, guide=guide)
    return Assistant(retriever, guide, settings=settings)


@pytest.fixture(scope="session")
def hashing_settings(tmp_path_factory: pytest.TempPathFactory) -> AssistantSettings:
    """Assistant settings with the hashing embedder and a session-wide temporary index folder."""
    return AssistantSettings(index=hashing_index_settings(tmp_path_factory.mktemp("hashing-index")))


@pytest.fixture(scope="session")
def hashing_guide() -> Guide:
    """The shipped Markdown guide (never the PDF edition, whatever LEVANGER_GUIDE_PDF says)."""
    return load_guide(pdf=[])


@pytest.fixture(scope="session")
def hashing_retriever(hashing_settings: AssistantSettings, hashing_guide: Guide) -> Retriever:
    """The index of the shipped guide, built once per session with the hashing embedder."""
    return Retriever.open(settings=hashing_settings.index, guide=hashing_guide)


@pytest.fixture(scope="session")
def hashing_assistant(hashing_retriever: Retriever, hashing_guide: Guide,
                      hashing_settings: AssistantSettings) -> Assistant:
    """One Assistant for the session (thread-safe; tests must not mutate it without monkeypatch)."""
    return Assistant(hashing_retriever, hashing_guide, settings=hashing_settings)


# -- reply contract checks ------------------------------------------------------------------------------


def check_valid_reply(bot: Assistant, reply: Reply) -> None:
    """Status, citation numbering, verbatim quotes and markers (see the module docstring)."""
    assert isinstance(reply, Reply)
    assert reply.status in STATUSES, reply.status
    assert isinstance(reply.text, str) and reply.text.strip()
    chunks = {c.chunk_id: c for c in bot.retriever.chunks}
    assert [c.n for c in reply.citations] == list(range(1, len(reply.citations) + 1))
    for c in reply.citations:
        assert c.chunk_id in chunks, c.chunk_id
        chunk = chunks[c.chunk_id]
        assert c.quote and c.quote in chunk.text, (c.n, c.quote)
        assert (c.service_id, c.title, c.section) == (chunk.service_id, chunk.title, chunk.section)
    markers = {int(m) for m in _MARKER.findall(reply.text)}
    assert markers <= {c.n for c in reply.citations}, (markers, reply.text)
    assert {c.n for c in reply.citations} <= markers, "a citation is not referred to in the text"


def _template_patterns(guide: Guide) -> list[re.Pattern[str]]:
    """Every paragraph of every fixed template, placeholders filled with the values the assistant may use."""
    titles = {d.title for d in guide.documents}
    titles_lc = {t if t[:3].isupper() else t[:1].lower() + t[1:] for t in titles}
    sections = set(SECTION_HEADINGS) | {s.heading for d in guide.documents for s in d.sections}

    def alternatives(values: set[str]) -> str:
        return "(?:" + "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)) + ")"

    fill = {
        "title": alternatives(titles | {f"**{t}**" for t in titles}),
        "title_lc": alternatives(titles_lc),
        "section": alternatives(sections),
        "limit": r"\d+",
    }
    raw = [getattr(templates, name) for name in dir(templates)
           if name.isupper() and isinstance(getattr(templates, name), str)]
    raw += [f"**{lead}**" for lead in templates.ASPECT_LEADS.values()]
    patterns = []
    for template in raw:
        for paragraph in template.split("\n\n"):
            regex = "".join(re.escape(literal) + (fill[field] if field is not None else "")
                            for literal, field, _, _ in string.Formatter().parse(paragraph))
            patterns.append(re.compile(regex))
    return patterns


_QUOTED_SEGMENT = re.compile(r"(.+?) \[(\d+)\](?: |$)")
APPLY_PREFIX = "*Slik søker du:*"


def check_grounded(bot: Assistant, reply: Reply, *, sentence_in_quote: bool = True) -> None:
    """Every paragraph of ``reply.text`` is a fixed template, or quoted sentences each followed by ``[n]``
    and found verbatim in citation n's chunk and (with ``sentence_in_quote``) in citation n's quote."""
    check_valid_reply(bot, reply)
    patterns = _template_patterns(bot.guide)
    chunks = {c.chunk_id: c for c in bot.retriever.chunks}
    by_n = {c.n: c for c in reply.citations}
    for paragraph in reply.text.split("\n\n"):
        if any(p.fullmatch(paragraph) for p in patterns):
            continue
        for line in paragraph.split("\n"):
            line = line.removeprefix("- ").removeprefix(APPLY_PREFIX).strip()
            pos = 0
            for m in _QUOTED_SEGMENT.finditer(line):
                assert m.start() == pos, f"text that is neither template nor quoted corpus: {line[pos:m.start()]!r}"
                sentence, n = m.group(1), int(m.group(2))
                assert n in by_n, (n, line)
                quote = by_n[n].quote
                chunk_text = chunks[by_n[n].chunk_id].text
                plain = sentence.replace("**", "")
                if sentence_in_quote:
                    assert sentence in quote or plain in quote.replace("**", ""), (sentence, quote)
                assert sentence in chunk_text or plain in chunk_text.replace("**", ""), sentence
                pos = m.end()
            assert pos == len(line) and line, f"text that is neither template nor quoted corpus: {line!r}"


@pytest.fixture(scope="session")
def assert_reply_valid() -> Callable[[Assistant, Reply], None]:
    """``assert_reply_valid(bot, reply)``: status and citation contract."""
    return check_valid_reply


@pytest.fixture(scope="session")
def assert_reply_grounded() -> Callable[[Assistant, Reply], None]:
    """``assert_reply_grounded(bot, reply)``: the citation contract, and only templates and verbatim corpus text."""
    return check_grounded
