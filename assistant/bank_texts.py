"""The banks' texts: the guide's situations and not-for notes, the situation bank, the labelled questions, the
intents, and the safety banks of ``assistant/banks/`` (emergency, ordinary, out of scope), with the held-out part
of each and the outside bodies a question can name. Read once; :mod:`assistant.meaning` compares a question with
their vectors, and the index build (:mod:`index.banks`) embeds them."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from assistant.about_assistant import ABOUT_ASSISTANT, assistant_bank
from assistant.message import detect_aspects, message_sentences
from assistant.rules import rules
from corpus.model import Document
from index.analysis import default_analyzer
from index.banks import BankEntry

__all__ = ["ABOUT_ASSISTANT", "BANK_DIR", "CLASSIFIED", "INTENTS", "MAX_SENTENCES", "NORWEGIAN", "NO_SERVICE", "ORDINARY",
           "OTHER_TOPIC", "SAFETY_BANKS",
           "about_assistant_entries", "all_banks", "classifier_banks", "danger_language_entries", "danger_sentence_entries", "held_out",
           "intent_entries",
           "labelled_questions", "need_entries", "outside_names", "outside_topics", "safety_banks", "situation_entries",
           "situation_lines", "small_talk_entries", "story_context_topics", "topic_question_entries"]

T = TypeVar("T")
BANK_DIR = Path(__file__).resolve().parent / "banks"
SAFETY_BANKS = ("emergency", "ordinary", "out_of_scope")
#: The language codes of the banks' lines written in Norwegian (bokmål, nynorsk, dialect).
NORWEGIAN = ("nb", "nn", "dialect")
#: Share of each safety bank held out from tuning, chosen by a hash of the sentence (stable across edits).
HOLDOUT_SHARE = 0.3
#: At most this many sentences of one bank text are split off for the danger classifier (bank lines are short).
MAX_SENTENCES = 20


def held_out(text: str) -> bool:
    """True for the bank sentences kept out of tuning; the report measures the detector on them."""
    digest = hashlib.sha256(text.strip().lower().encode()).digest()
    return digest[0] / 256 < HOLDOUT_SHARE


def _read_rows(path: Path, build: Callable[[dict], T]) -> list[T]:
    """Each JSON line of ``path`` through ``build``; a malformed line is a ValueError naming file and line."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(build(json.loads(line)))
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path.name}:{number}: {exc}") from exc
    return rows


def _read_jsonl(path: Path, label_field: str) -> list[BankEntry]:
    return _read_rows(path, lambda d: BankEntry(text=str(d["text"]).strip(), label=str(d.get(label_field, ""))))


@lru_cache(maxsize=1)
def safety_banks() -> dict[str, tuple[BankEntry, ...]]:
    """The emergency, ordinary and out-of-scope banks from ``assistant/banks/`` (read once)."""
    return {
        "emergency": tuple(_read_jsonl(BANK_DIR / "emergency.jsonl", "kind")),
        "ordinary": tuple(_read_jsonl(BANK_DIR / "ordinary.jsonl", "lang")),
        "out_of_scope": tuple(_read_jsonl(BANK_DIR / "out_of_scope.jsonl", "topic")),
    }


@lru_cache(maxsize=1)
def situation_lines() -> tuple[tuple[BankEntry, str], ...]:
    """``banks/situations.jsonl``: more situations in people's words (short, long, dialect, other languages), each
    labelled with the service that fits it best; written blind from the service catalogue, beside each
    description's own ``situations:``, never from an evaluation question; with each line's language."""
    return tuple(_read_rows(BANK_DIR / "situations.jsonl", lambda d: (
        BankEntry(text=str(d["text"]).strip(), label=str(d["service_id"])), str(d.get("lang", "nb")))))


def situation_entries(documents: tuple[Document, ...] | list[Document], *,
                      norwegian: bool = False) -> tuple[BankEntry, ...]:
    """The situation bank's lines for the guide's services (``norwegian``: only those written in Norwegian, for
    the service classifier: a language with a line or two per service would teach its character n-grams the
    language, not the need)."""
    known = {doc.service_id for doc in documents}
    return tuple(e for e, lang in situation_lines() if e.label in known and (not norwegian or lang in NORWEGIAN))


def need_entries(documents: tuple[Document, ...] | list[Document]) -> tuple[BankEntry, ...]:
    """The guide's ``situations:`` and ``not_for:`` lines as one bank."""
    out: list[BankEntry] = []
    for doc in documents:
        out += [BankEntry(text=s, label=doc.service_id) for s in doc.situations]
        out += [BankEntry(text=n.text, label=n.see, against=doc.service_id) for n in doc.not_for]
    return tuple(out)


#: The banks a classifier is trained on when the index is built: what a question asks (an aspect of a service
#: description, or a conversational intent), which service it is about, whether it tells of danger now, and whether
#: it asks a topic (what comes after, how long, a deadline, a wait).
CLASSIFIED = ("asked", "about", "danger", "topic", "assistant")
#: The topic classifier's label for a question that asks no topic (a price, who can get it, a greeting …).
OTHER_TOPIC = "other"
#: The label of the danger classifier for everything that is not an emergency (its other labels are the kinds).
ORDINARY = "ordinary"
#: The label of the service classifier for a message no service answers (small talk, out of scope).
NO_SERVICE = "_none"
#: Conversational intents, labelled beside the aspects in the "asked" bank (of them, ``ABOUT_ASSISTANT`` ask about the
#: assistant itself).
INTENTS = ("greeting", "thanks", "capabilities", "human", "goodbye")


@lru_cache(maxsize=1)
def labelled_questions() -> tuple[dict, ...]:
    """``banks/questions.jsonl``: questions in people's words, each with its service and the aspect (section)
    that answers it; written from the service texts, never from an evaluation question."""
    return tuple(_read_rows(BANK_DIR / "questions.jsonl", lambda d: {
        "text": str(d["text"]).strip(), "service_id": str(d["service_id"]), "aspect": str(d["aspect"]),
        "lang": str(d.get("lang", ""))}))


@lru_cache(maxsize=1)
def outside_topics() -> dict[str, dict]:
    """``banks/outside_routes.yaml``: each topic outside the guide with its text, the bodies a question can name
    and its flags (read once; the names, the story context and the templates' routes come from it)."""
    import yaml

    return dict(yaml.safe_load((BANK_DIR / "outside_routes.yaml").read_text(encoding="utf-8"))["topics"])


@lru_cache(maxsize=1)
def outside_names() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per topic, one pattern for the outside bodies a question can name."""
    return tuple((topic, re.compile("|".join(f"(?:{n})" for n in spec["names"])))
                 for topic, spec in outside_topics().items() if spec.get("names"))


@lru_cache(maxsize=1)
def story_context_topics() -> frozenset[str]:
    """The topics whose bodies, named in a sentence that asks nothing, are the story's context
    (``in_a_story: context``), not what the message asks about."""
    return frozenset(t for t, spec in outside_topics().items() if spec.get("in_a_story") == "context")


@lru_cache(maxsize=1)
def intent_entries() -> tuple[BankEntry, ...]:
    """``banks/intents.jsonl``: greetings, thanks, "what can you do", asking for a person, goodbyes."""
    return tuple(_read_jsonl(BANK_DIR / "intents.jsonl", "intent"))


@lru_cache(maxsize=1)
def small_talk_entries() -> tuple[BankEntry, ...]:
    """``banks/small_talk.jsonl``: more of the same intents as people write them (dialect, nynorsk, other
    languages), written blind, without the lines within 0.8 of an evaluation question or a probe. They teach what
    a message asks only: taught as "no service" too, they moved three dev answers to a worse service
    (2026-12-06)."""
    return tuple(_read_jsonl(BANK_DIR / "small_talk.jsonl", "intent"))


@lru_cache(maxsize=1)
def about_assistant_entries() -> tuple[BankEntry, ...]:
    """``banks/about_assistant.jsonl``: questions about the assistant itself, each labelled with its topic."""
    return tuple(_read_jsonl(BANK_DIR / "about_assistant.jsonl", "topic"))


@lru_cache(maxsize=1)
def danger_language_entries() -> tuple[BankEntry, ...]:
    """``banks/danger_languages.jsonl``: emergencies (labelled with their kind) and ordinary messages (``ordinary``)
    in twelve languages besides Norwegian, written blind, ten of each per language. They train the danger
    classifier only: in the emergency and ordinary banks they moved the calibrated margins (a nynorsk question
    about debt and a power cut got the box, 2026-12-06); without them each language's ordinary lines taught the
    classifier's character n-grams that the language means ordinary."""
    return tuple(_read_jsonl(BANK_DIR / "danger_languages.jsonl", "kind"))


@lru_cache(maxsize=1)
def danger_sentence_entries() -> tuple[BankEntry, ...]:
    """``banks/danger_sentences.jsonl``: single sentences as people write them inside longer messages, in bokmål,
    nynorsk and Trøndersk, written blind on 2026-12-07: background that only tells (a diagnosis, a past event, a
    diet, a pension: ``ordinary``) and danger happening now on the same topics (labelled with their kind). They
    train the danger classifier only, which reads a message sentence by sentence: "han har diabetes og tåler ikke
    gluten." alone read 0.59 and boxed a question about meals on wheels. Since later that day (``origin``
    ``helper-2026-12-07b``), also suicidal intent said sideways (a decision, a method prepared, a farewell; the calm
    questions before it cut off) and ordinary messages that look like it (worn-out carers, closings, endings, past
    events), written blind: in the emergency bank the intent lines moved the margins (an appeal deadline, a debt
    and a hearing aid got the box on dev), here they train the classifier alone."""
    return tuple(_read_jsonl(BANK_DIR / "danger_sentences.jsonl", "kind"))


@lru_cache(maxsize=1)
def topic_question_entries() -> tuple[BankEntry, ...]:
    """``banks/topic_questions.jsonl``: questions that ask how long a decision or a place takes (``time``), a deadline
    (``deadline``), how long a service lasts or holds (``duration``) or what happens when it ends (``after``), and
    look-alikes that use words of time for something else (``other``): written blind on 2026-12-07 from
    ``evaluation/briefs/topic-questions.md`` (full questions, short follow-ups and stories, a third in dialect; the
    lines within the leak check's reach of an evaluation question left out). The cue words alone missed "må ho heim
    igjen etterpå da" and "når han er ferdig der, hva da?"."""
    return tuple(_read_jsonl(BANK_DIR / "topic_questions.jsonl", "aspect"))


def classifier_banks(documents: tuple[Document, ...] | list[Document]) -> dict[str, tuple[BankEntry, ...]]:
    """The training banks of the five classifiers.

    * ``asked``: labelled questions -> their aspect, and the intents and the small-talk bank -> their intent;
    * ``about``: labelled questions, the guide's situations and the situation bank's Norwegian lines -> their
      service, ``not_for`` lines -> the service to use instead, and small talk plus the tuning part of the
      out-of-scope bank -> no service;
    * ``topic``: the topic questions -> the topic they ask (how long it takes, a deadline, how long it lasts, what
      comes after) or ``other``, and every labelled question, intent and small talk -> ``other``;
    * ``danger``: the tuning part of the emergency bank, the emergencies in other languages and the acute single
      sentences -> their kind,
      against everything ordinary: the tuning parts of the ordinary and out-of-scope banks, the ordinary messages
      in other languages, the background single sentences, the situation bank (every language), the labelled
      questions and the intents, and each sentence that tells in the stories of the ordinary and situation banks
      (the safety step reads a message sentence by sentence, and "han falt to ganger i vinter" alone must read as
      the ordinary story it was part of);
    * ``assistant``: questions about the assistant itself -> their topic, against everything else people ask
      (:mod:`assistant.about_assistant`).
    """
    known = {d.service_id for d in documents}
    questions = [q for q in labelled_questions() if q["service_id"] in known]
    asked = [BankEntry(q["text"], q["aspect"]) for q in questions if q["aspect"] != "other"]
    asked += list(intent_entries()) + list(small_talk_entries())
    about = [BankEntry(q["text"], q["service_id"]) for q in questions]
    for doc in documents:
        about += [BankEntry(s, doc.service_id) for s in doc.situations]
        about += [BankEntry(n.text, n.see) for n in doc.not_for if n.see in known]
    about += list(situation_entries(documents, norwegian=True))
    about += [BankEntry(e.text, NO_SERVICE) for e in intent_entries()]
    about += [BankEntry(e.text, NO_SERVICE) for e in safety_banks()["out_of_scope"] if not held_out(e.text)]
    # what comes after, how long, a deadline, a wait: the topic questions against every other question
    # (a labelled question whose cue words ask a topic is left out: "hvor lenge varer et opphold?" is no "other")
    topic = list(topic_question_entries())
    topic += [BankEntry(q["text"], OTHER_TOPIC) for q in questions if not _asks_topic(q["text"])]
    topic += [BankEntry(e.text, OTHER_TOPIC) for e in (*intent_entries(), *small_talk_entries())]
    # a question about the assistant itself, by its topic, against everything else people ask
    said = (*intent_entries(), *small_talk_entries())
    others = [q["text"] for q in questions] + [e.text for e in said if e.label not in ABOUT_ASSISTANT]
    # ... and the tuning part of the emergency bank: an emergency told to the assistant ("Er du en robot? Jeg står
    # på brua nå.") must read as one, never as a question about it
    others += [e.text for name in ("out_of_scope", "emergency") for e in safety_banks()[name] if not held_out(e.text)]
    others += [s for doc in documents for s in doc.situations]
    assistant = assistant_bank(about_assistant_entries(), human=[e.text for e in said if e.label == "human"],
                               others=others)
    return {"asked": tuple(asked), "about": tuple(about), "danger": _danger_entries(documents, questions),
            "topic": tuple(topic), "assistant": assistant}


def _asks_topic(text: str) -> bool:
    """Whether a question's cue words ask a topic (how long it takes, a deadline, how long it lasts, what comes
    after)."""
    return any(a in rules().topics for a in detect_aspects(text))


def _danger_entries(documents: tuple[Document, ...] | list[Document], questions: list[dict]) -> tuple[BankEntry, ...]:
    # the held-out parts of the safety banks train nothing: evaluation.holdout measures the detector on them
    tuning = {name: [e for e in safety_banks()[name] if not held_out(e.text)] for name in SAFETY_BANKS}
    danger = [BankEntry(e.text, e.label)
              for e in (*tuning["emergency"], *danger_language_entries(), *danger_sentence_entries())
              if e.label != ORDINARY]
    stories = [e.text for e in (*tuning["ordinary"], *situation_entries(documents))]
    emergency, normalise = rules().emergency.values(), default_analyzer().normalise

    def alarming(text: str) -> bool:
        return any(rx.search(normalise(text)) for rx in emergency)

    ordinary = stories + [e.text for e in tuning["out_of_scope"]]
    ordinary += [e.text for e in danger_language_entries() if e.label == ORDINARY]
    # a background sentence an emergency pattern reads as one ("tok en overdose for mange år siden") is left out as
    # a story's is: alone it is what an emergency says
    ordinary += [e.text for e in danger_sentence_entries() if e.label == ORDINARY and not alarming(e.text)]
    ordinary += [q["text"] for q in questions] + [e.text for e in (*intent_entries(), *small_talk_entries())]
    # of the stories, the sentences that tell (of three words or more), not the questions: those are in the banks
    # whole, and a story's closing question alone is any question ("Kva kan NAV hjelpe meg med?"); nor a sentence
    # an emergency pattern reads as one ("Han fikk hjertestans i fjor og ble gjenopplivet": only its story makes
    # it ordinary)
    sentences = [s for text in stories for s in _sentences_of_several(text)
                 if len(s.split()) >= 3 and not s.rstrip().endswith("?")
                 and not alarming(s)]
    told = set(ordinary)
    ordinary += [s for s in dict.fromkeys(sentences) if s not in told]
    return tuple(danger + [BankEntry(text, ORDINARY) for text in dict.fromkeys(ordinary)])


def all_banks(documents: tuple[Document, ...] | list[Document]) -> dict[str, tuple[BankEntry, ...]]:
    """Every bank the assistant compares questions with, or trains a classifier on, by name."""
    return {"needs": need_entries(documents), "situations": situation_entries(documents), **safety_banks(),
            **classifier_banks(documents)}


def _sentences_of_several(text: str) -> list[str]:
    """The sentences of a text written in several (none for a one-sentence text: it is in the bank whole)."""
    sentences = message_sentences(text, limit=MAX_SENTENCES)
    return sentences if len(sentences) > 1 else []
