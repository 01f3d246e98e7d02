"""The guide's words in people's words (assistant/everyday.py) and their use in choosing a sentence."""

from __future__ import annotations

import json
import re

import pytest

from assistant.everyday import EVERYDAY_FILE, EverydayWords
from assistant.select import SectionPicker
from corpus import load_catalogue, load_guide
from corpus.model import Chunk
from index.analysis import default_analyzer


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _chunk(service_id: str, n: int, text: str, aspect: str = "included") -> Chunk:
    return Chunk(chunk_id=f"{service_id}#{aspect}-{n}", service_id=service_id, title=service_id.title(),
                 section="Hva inngår – og hva inngår ikke?", text=text, source=f"{service_id}.md", aspect=aspect)


# the nursing service's list holds the answer in the guide's words; enough other sentences that a word used once
# is rare in this little guide, as it would be in the real one
CHUNKS = [
    _chunk("s", 1, "Sykepleie er helsehjelp i hjemmet.\n\nSykepleie kan omfatte:\n- hjelp til personlig hygiene\n"
                   "- sårstell\n- hjelp med legemidler"),
    *(_chunk("t", n, f"Tjenesten nummer {n} gir hjelp hver dag etter et vedtak fra kommunen.") for n in range(40)),
]


@pytest.fixture(scope="module")
def words(tmp_path_factory):
    return EverydayWords.read(_write(tmp_path_factory.mktemp("everyday") / "everyday.jsonl", [
        {"service_id": "s", "guide": "personlig hygiene", "everyday": "dusje"},
        {"service_id": "s", "guide": "personlig hygiene", "everyday": "vaske seg"},
        {"service_id": "s", "guide": "sårstell", "everyday": "skifte bandasjen"},
        # what is asked, not a thing: left out
        {"service_id": "s", "guide": "egenandel", "everyday": "kor mykje kostar"},
        # the guide's word is the everyday word: nothing to bridge
        {"service_id": "s", "guide": "sårstell", "everyday": "sårstellet"},
    ]))


def test_a_phrase_that_names_what_is_asked_or_the_guide_word_itself_is_no_bridge(words):
    terms = default_analyzer().terms
    assert {b.everyday for b in words.bridges["s"]} == {frozenset(terms(w)) for w in
                                                        ("dusje", "vaske seg", "skifte bandasjen")}


def test_the_guide_words_come_only_for_a_rare_everyday_word_of_that_service(words):
    terms = default_analyzer().terms
    asked = set(terms("kan hun få hjelp til å dusje?"))
    assert words.guide_terms("s", asked, rare=lambda t: True) == set(terms("personlig hygiene")) - asked
    # a word the guide writes often is matched as it stands
    assert words.guide_terms("s", asked, rare=lambda t: False) == frozenset()
    # ... and a bridge is of its own service only
    assert words.guide_terms("t", asked, rare=lambda t: True) == frozenset()
    # every word of a phrase must be asked ("skifte bandasjen": "skifte" alone is no bridge)
    assert words.guide_terms("s", set(terms("kan de skifte lyspæra?")), rare=lambda t: True) == frozenset()
    assert words.guide_terms("s", set(terms("kan de skifte bandasjen?")), rare=lambda t: True) == {"sårstell"}


def test_a_word_the_guide_never_writes_finds_the_sentence_in_the_guide_words_for_it(words):
    question = "kan æ få hjelp te å dusje?"
    aspect, groups = SectionPicker(CHUNKS, everyday=words).detail("s", question, floor=2.0)
    assert aspect == "included"
    texts = [span.text for _, spans in groups for span in spans]
    assert "hjelp til personlig hygiene" in texts
    # without the bridges no sentence holds a word of the question
    assert SectionPicker(CHUNKS).detail("s", question, floor=2.0) == ("", [])


def test_the_bridges_of_the_guide_name_its_services_and_its_own_words_only():
    catalogue = {entry.service_id for entry in load_catalogue()}
    text: dict[str, str] = {}
    for chunk in load_guide().chunks():
        text[chunk.service_id] = text.get(chunk.service_id, "") + f" {chunk.title}\n{chunk.text}".lower()
    rows = [json.loads(line) for line in EVERYDAY_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) > 1000
    for row in rows:
        assert row["service_id"] in catalogue, row
        # the guide's words stand in that service's text; the everyday words do not (else nothing to bridge)
        assert row["guide"].lower() in text[row["service_id"]], row
        assert not re.search(rf"\b{re.escape(row['everyday'].lower())}\b", text[row["service_id"]]), row
