"""The text analyser: one instance for every lexical reading, one reading of the question per ask, and its
fingerprint in the index manifest."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant import routes
from assistant.types import Turn
from assistant.message import _CLAUSES, split_parts
from corpus import load_guide
from index import IndexCorrupt, IndexSettings, Retriever, make_embedder
from index.analysis import Analyzer, analyzer_for, default_analyzer
from index.language import DATA_DIR
from index.lexical import LexicalIndex
from index.store import current_generation


def test_one_pass_normalises_maps_dialect_drops_stopwords_and_stems():
    a = default_analyzer().analyse("Kæm kan få heimesjukepleie?")
    assert a.normalised == "hvem kan få hjemmesykepleie"
    assert a.tokens == ("hvem", "kan", "få", "hjemmesykepleie")
    assert a.terms == ("få", "hjemmesykeplei")  # "hvem" and "kan" are stopwords
    assert a.analyzer == default_analyzer().fingerprint


@pytest.mark.parametrize("text, normalised", [
    ("Kæm kan få heimesjukepleie?", "hvem kan få hjemmesykepleie"),
    ("Kva kostar tryggleiksalarm?", "hva koster trygghetsalarm"),
    ("Korleis søkje om plass på sjukeheimen", "hvordan søke om plass på sykehjemmet"),
    ("æ får itj hjelp hjemmi", "jeg får ikke hjelp hjemme"),
    ("å viss dæm sei nei", "å viss de sei nei"),
    ("ka kosta det nåkka", "hva koster det noe"),
    ("ho fekk ikkje vere heime heilt", "hun fikk ikke vere hjemme helt"),
    ("kem kan hjælp han med hjæmmehjelpa", "hvem kan hjelp han med hjemmehjelpa"),
    # words bokmål spells the same stay as written: diet, the fish, the weather, the infinitive
    ("spesiell kost og sei i dårlig vær", "spesiell kost og sei i dårlig vær"),
    ("jeg klarer ikke å orke mer", "jeg klarer ikke å orke mer"),
    # a village of the municipality is no question word ("åssen" is; "i Åsen" read "i hvordan" asked how to apply)
    ("far bor alene i Åsen, åssen søker vi", "far bor alene i åsen hvordan søker vi"),
])
def test_nynorsk_and_dialect_are_normalised_to_bokmal_and_bokmal_words_stay(text, normalised):
    assert default_analyzer().normalise(text) == normalised


def test_function_words_bm25s_lacks_are_no_terms_and_a_folder_without_the_list_still_reads(tmp_path):
    # "under 16 år" must not find "hjelpen du trenger under arrangementet", nor "rett" the compound head of "deretter"
    assert default_analyzer().terms("Deretter får barn under 16 år hjelp hos legen") == ("får", "barn", "16", "år",
                                                                                           "hjelp", "leg")
    for name in ("lexicon.tsv", "prefixes.tsv", "phrases.tsv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    plain = Analyzer.from_folder(tmp_path)
    assert "und" in plain.terms("barn under 16") and plain.fingerprint != default_analyzer().fingerprint


def test_the_analyser_is_built_once_and_shared(hashing_assistant):
    bot = hashing_assistant
    assert analyzer_for(None) is default_analyzer() is analyzer_for(DATA_DIR)
    assert bot.retriever.analyzer is bot.retriever.lexical.analyzer is default_analyzer()
    assert bot.analyzer is bot.understander.analyzer is bot.writer.analyzer is bot.retriever.analyzer
    assert bot.meaning._need_lexical.analyzer is bot.analyzer
    assert bot.meaning._emergency_lexical.analyzer is bot.analyzer


def test_threads_read_alike():
    texts = [f"Kva kostar heimesjukepleie og tryggleiksalarm nummer {i}?" for i in range(300)]
    analyzer = default_analyzer()
    alone = [analyzer.analyse(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(analyzer.analyse, texts)) == alone


def _counting(monkeypatch) -> Counter:
    """Every pass of the analyser over a text, by (method, text)."""
    seen: Counter = Counter()
    analyse, normalise = Analyzer.analyse, Analyzer.normalise

    def counted_analyse(self, text):
        seen["analyse", text] += 1
        return analyse(self, text)

    def counted_normalise(self, text):
        seen["normalise", text] += 1
        return normalise(self, text)

    monkeypatch.setattr(Analyzer, "analyse", counted_analyse)
    monkeypatch.setattr(Analyzer, "normalise", counted_normalise)
    return seen


@pytest.mark.parametrize(("question", "history"), [
    ("Hva koster trygghetsalarm?", ()),
    ("Kor mykje kostar heimesjukepleie, og korleis søkjer eg?", ()),
    ("Mor klarer ikke trappa lenger og bor alene. Hva kan hun få hjelp til?", ()),
    ("Hva koster det?", (Turn("user", "Hva er trygghetsalarm?"),)),
])
def test_the_question_is_analysed_once_per_ask(hashing_assistant, monkeypatch, question, history):
    bot = hashing_assistant
    bot.ask(question, list(history))  # the embeddings are cached now: what is counted is the pipeline's reading
    seen = _counting(monkeypatch)
    reply = bot.ask(question, list(history))
    assert reply.text and reply.status != "emergency"
    assert seen["analyse", question] == 1
    # analyse() normalises through normalise(): one pass in all, then the analysis is carried through the steps
    assert seen["normalise", question] == 1, "the question is read once"
    for turn in history:
        assert seen["analyse", turn.text] <= 1
    # everything else read during the ask is a piece of the message: a clause (for aspect cues), a part asked,
    # a sentence (for safety), the question with a service's title; never a sentence of the guide, a fixed cue
    # or the question again
    pieces = {question, *_CLAUSES.split(question), *split_parts(question), *re.split(r"(?<=[.!?])\s+", question)}
    for turn in history:
        pieces |= {turn.text, *_CLAUSES.split(turn.text)}
    for _, text in seen:
        assert text in pieces or text.startswith(question + " "), text
    assert not {routes._ASSESSMENT_CUE, routes._ROUTE_CUE} & {text for _, text in seen}
    if question == "Hva koster trygghetsalarm?":
        # one clause, one sentence, no history: the question's reading is the only pass of the analyser
        assert sum(seen.values()) == 2 and seen["normalise", question] == 1, seen
    for (method, text), n in seen.items():
        if method == "analyse":
            assert n == 1, (text, n)  # a part or an earlier turn is analysed once too


def _mini_guide(folder: Path):
    (folder / "hjemmesykepleie.md").write_text(
        "---\nservice_id: hjemmesykepleie\ntitle: Hjemmesykepleie\naliases: [hjemmesykepleie]\n---\n"
        "## Hva er tjenesten?\nHjemmesykepleie er helsehjelp i hjemmet, som sårstell og legemidler.\n", "utf-8")
    (folder / "praktisk-bistand.md").write_text(
        "---\nservice_id: praktisk-bistand\ntitle: Praktisk bistand\naliases: [praktisk-bistand]\n---\n"
        "## Hva er tjenesten?\nPraktisk bistand er hjelp til rengjøring og klesvask hjemme.\n", "utf-8")
    return load_guide(markdown_dirs=(folder,))


def test_the_manifest_holds_the_analysers_fingerprint_and_another_makes_the_index_stale(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    guide = _mini_guide(docs)
    settings = IndexSettings(data_dir=tmp_path / "index", backend="hashing")
    first = Retriever.open(settings=settings, guide=guide)
    assert first.manifest.analyzer == f"{default_analyzer().fingerprint}+bm25(k1=1.2,b=0.75)"
    assert first.lexical.fingerprint == first.manifest.analyzer
    assert not first.search("sårpleie", k=1, mode="lexical")[0].lexical

    # the same data with one more dialect word: another analyser
    language = tmp_path / "language"
    shutil.copytree(DATA_DIR, language, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    with (language / "lexicon.tsv").open("a", encoding="utf-8") as fh:
        fh.write("sårpleie\tsårstell\n")
    other = analyzer_for(language)
    assert other.fingerprint != default_analyzer().fingerprint
    assert analyzer_for(language) is other

    moved = IndexSettings(data_dir=settings.data_dir, backend="hashing", language_dir=language)
    with pytest.raises(IndexCorrupt, match="stale: the Norwegian text analyzer"):
        Retriever.load(guide, make_embedder("hashing"), settings=moved)
    second = Retriever.open(settings=moved, guide=guide)
    assert second.manifest.analyzer.startswith(other.fingerprint + "+")
    assert second.analyzer is other
    assert second.search("sårpleie", k=1, mode="lexical")[0].chunk.service_id == "hjemmesykepleie"
    assert current_generation(settings.data_dir).name == second.generation


def test_an_index_refuses_another_analysers_reading():
    index = LexicalIndex.build(["Hjemmesykepleie er helsehjelp i hjemmet."])
    stranger = Analyzer(default_analyzer().rules, frozenset())  # no stopwords: another fingerprint
    with pytest.raises(ValueError, match="another analyser|analysed by"):
        index.scores(stranger.analyse("hjemmesykepleie"))
    assert index.scores(default_analyzer().analyse("hjemmesykepleie"))[0] > 0


def test_an_analysis_says_whether_a_word_was_mapped():
    a = default_analyzer()
    assert a.analyse("æ e itj heime").rewritten and a.analyse("Kven kan få BPA?").rewritten
    assert not a.analyse("Jeg er ikke hjemme.").rewritten
