"""The understanding layer's rules, as data: aspect cues, topics, safety, injection, follow-up and switch patterns,
the words that open a question, and the language markers.

Everything here is read once from ``assistant/language/`` (``patterns.yaml``, ``languages.yaml``); code elsewhere
asks for :func:`rules` and never spells out a word list of its own. Every pattern runs on
:meth:`index.analysis.Analyzer.normalise` output. The lexical analyser's own data (lexicon, compound prefixes,
phrases) stays in ``index/language/``, one layer down, because it decides the index's terms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "language"

__all__ = ["DATA_DIR", "Rules", "Topic", "rules"]


@dataclass(frozen=True)
class Topic:
    """An aspect no section heading holds (how long it takes): the sentences that state it, wherever they stand.

    Attributes:
        sentences: Finds such a sentence (run on the sentence as written, lower-cased).
        prefer: Of those, the ones that say it outright (a length of time) come first.
        fallback: The service whose description answers it when a service states nothing of it ("" for none).
        exclude: Finds a sentence that states something else in the same words (a deadline to appeal is "fire
            uker" too, but not how long a stay lasts); None for none.
        avoid: The sections never read for it (the law that governs a deadline is not the deadline; the price
            per day is not how long a stay lasts).
        not_stated: What the reply says is not stated, when neither the service nor a fallback states it
            ("hvor lenge det varer eller gjelder"); "" to say nothing.
        spans: At most this many sentences answer it (what happens after a stay is told in a paragraph: the
            assessment, going home with more help, and a new assessment when home is not safe).
        paragraph: It is told in a paragraph: sentences that tell it one after the other come first.
    """

    sentences: re.Pattern[str]
    prefer: re.Pattern[str] | None = None
    fallback: str = ""
    exclude: re.Pattern[str] | None = None
    avoid: tuple[str, ...] = ("law",)
    not_stated: str = ""
    spans: int = 2
    paragraph: bool = False


@dataclass(frozen=True)
class Rules:
    """The loaded rules.

    Attributes:
        aspects: Aspect key -> one compiled cue pattern, in priority order.
        topics: The aspects answered by sentences wherever they stand, not by a section (see :class:`Topic`).
        asked_by_verb: Service id -> the phrasings that ask about it by its verb ("hvordan klager vi"): of the
            services a message names, that one is asked about, and the others are what it is about.
        emergency: Emergency kind -> one compiled pattern.
        injection: One compiled pattern for re-programming attempts.
        follow_up: One compiled pattern for messages that lean on the conversation.
        same_question: A follow-up that asks the last question again for someone or something else.
        to_self: A follow-up that turns from the person talked about to the writer, a relative ("og for meg?"),
            matched whole on its first sentence.
        general_aspects: The aspects that ask about a service as a whole (what it is, whom to contact).
        open_aspects: The aspects a clause may ask and still tell a need of its own beside a named service's
            question (what there is, whom to turn to, what help is given).
        as_relative: What a relative's own question is read with, for its services ("jeg er pårørende.").
        referents: "first", "second" or "last" -> a follow-up that points to one of the last answer's services by
            its place.
        described: A follow-up that points to a thing of the conversation by a demonstrative and its noun (group
            ``thing``): "det oppholdet", "den skolen du nevnte".
        definition: A guide sentence that says what something is; group 1 is what it defines. Unlike the others it
            runs on a guide sentence as written (lower-cased), not on normalised text.
        steps: A step of how to get a service in a guide sentence (the apply and contact cues): how to apply runs
            on through them in order.
        condition: The words just before a name that make it a person's condition ("som har demens").
        route: The words just before a name that make it the way to another service ("henvisning fra").
        ask_whom: A sentence that says whom to ask (a price answer without an amount ends with it).
        price_amount: An amount of money or a share in a price sentence.
        coordination: The text between two service names that joins them ("og", "eller", nothing): the
            names are coordinated, and the question asks the same of each.
        switch: One compiled pattern for messages that change the subject in so many words.
        told_need: The words that tell a need in the rest of a message beside its question: what someone cannot
            do or does not have ("klarer ikke", "høyrer nesten ingenting"), not what they have ("mor har det").
        asks_for_help: An open ask for someone or something that helps ("hvem tar over for meg", "finnes det noen
            som kan ta ham med"): the rest of a message that asks so tells a need too.
        asks_with_verb: A question word followed by its verb ("hva skjer", "hvem fikser"), not by a word that
            only points back ("hva med far?", "what about mum?"): the question says what it asks.
        question_opener: A sentence that opens with a question word or a verb (a Norwegian sentence that opens
            with its verb asks something: "Må legen henvise meg?"), after a conjunction or not ("Og ka kosta det?").
        part_split: Where one message holds several questions: after a question mark, or at a conjunction
            followed by a question word, a question's verb and subject, or a trøndersk verb form that spells a
            bokmål word too before a pronoun ("og kost det nåkka").
        markers: Language code -> its frequent function words (for recognising the asker's language).
        identify: The languages the language identifier chooses among.
        norwegian: Of those, the ones that count as Norwegian.
        identify_min_words: Shorter messages are recognised by the marker words alone.
        identify_sure_words: Up to this many words, the identifier's language also needs one of its marker words.
        norwegian_only: Words no other listed language writes ("hva", "ikke", "æ"): a message with more of them
            than of the identified language's markers is Norwegian.
        own_evidence: A language so close to Norwegian that dialect reads as it -> the words and letters only it
            writes; the identifier's call stands only when the message has one of them.
    """

    aspects: tuple[tuple[str, re.Pattern[str]], ...]
    topics: dict[str, Topic]
    asked_by_verb: dict[str, re.Pattern[str]]
    emergency: dict[str, re.Pattern[str]]
    injection: re.Pattern[str]
    follow_up: re.Pattern[str]
    same_question: re.Pattern[str]
    to_self: re.Pattern[str]
    as_relative: str
    general_aspects: frozenset[str]
    open_aspects: frozenset[str]
    referents: Mapping[str, re.Pattern[str]]
    described: tuple[re.Pattern[str], ...]
    definition: re.Pattern[str]
    steps: re.Pattern[str]
    condition: re.Pattern[str]
    route: re.Pattern[str]
    coordination: re.Pattern[str]
    ask_whom: re.Pattern[str]
    price_amount: re.Pattern[str]
    switch: re.Pattern[str]
    told_need: re.Pattern[str]
    asks_for_help: re.Pattern[str]
    part_split: re.Pattern[str]
    question_opener: re.Pattern[str]
    asks_with_verb: re.Pattern[str]
    markers: dict[str, frozenset[str]]
    identify: tuple[str, ...]
    norwegian: frozenset[str]
    identify_min_words: int
    identify_sure_words: int
    norwegian_only: frozenset[str] = frozenset()
    own_evidence: dict[str, frozenset[str]] = field(default_factory=dict)

    def cue(self, aspect: str) -> re.Pattern[str]:
        """The cue pattern of one aspect ("cost": "koste\\w*", "pris\\w*", ...)."""
        return dict(self.aspects)[aspect]


def _alternatives(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b")


def _with_fragments(cue: str, fragments: Mapping[str, str]) -> str:
    """``cue`` with each ``<name>`` of ``fragments`` written out (an unknown name is an error, not a literal)."""
    def fragment(match: re.Match[str]) -> str:
        if match.group(1) not in fragments:
            raise KeyError(f"patterns.yaml: no fragment named <{match.group(1)}>")
        return fragments[match.group(1)]

    # "<" after "?" is a lookbehind ("(?<!ikke )"), not a fragment
    return re.sub(r"(?<!\?)<(\w+)>", fragment, cue)


#: The places a follow-up may point to among the last answer's services (``referents`` in patterns.yaml).
PLACES = ("first", "second", "last")


def _referents(data: dict) -> Mapping[str, re.Pattern[str]]:
    unknown = set(data) - set(PLACES)
    if unknown:
        raise ValueError(f"patterns.yaml referents: unknown places {sorted(unknown)}; known: {', '.join(PLACES)}")
    return MappingProxyType({place: _any_of(list(map(str, cues))) for place, cues in data.items()})


def _any_of(patterns: list[str] | None, flags: int = 0) -> re.Pattern[str]:
    """One pattern that matches wherever one of ``patterns`` does (nowhere, when there are none)."""
    return re.compile("|".join(f"(?:{p})" for p in (patterns or ["(?!)"])), flags)


def _words(patterns: dict, key: str) -> str:
    return "(?:" + "|".join(map(re.escape, map(str, patterns.get(key) or ["(?!)"]))) + ")"


def _at_least_one(topic: str, value: object) -> int:
    """A topic's ``spans``: a whole number of sentences, one at least."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"patterns.yaml: topic {topic!r}: spans must be a whole number of at least 1, not {value!r}")
    return value


def _question_opener(patterns: dict) -> re.Pattern[str]:
    """Inside a sentence: a question word, or a verb followed by its subject (a yes/no question's word order:
    "og har hun rett", "og blir utgiftene dekket"; not "faller og må ha hjelp"). Besides the listed verbs, any
    verb in the present tense (-er, -ar) followed by a pronoun subject: "og påvirker det uføretrygden?"."""
    return re.compile(rf"(?:{_words(patterns, 'question_words')}\b|{_words(patterns, 'question_verbs')}\s+"
                      rf"(?:{_words(patterns, 'question_subjects')}|\w{{3,}}(?:en|et|ene|a))\b"
                      rf"|{_words(patterns, 'modal_verbs')}\s+{_words(patterns, 'someone')}\b"
                      rf"|\w{{3,}}(?:er|ar)\s+(?:{_words(patterns, 'question_subjects')})\b)", re.IGNORECASE)


@lru_cache(maxsize=1)
def rules() -> Rules:
    """Read the rule files once (cached for the process)."""
    import yaml  # lazy: only needed when the rules are first used

    patterns = yaml.safe_load((DATA_DIR / "patterns.yaml").read_text(encoding="utf-8"))
    languages = yaml.safe_load((DATA_DIR / "languages.yaml").read_text(encoding="utf-8"))
    opener = _question_opener(patterns).pattern
    fragments = {str(name): str(text) for name, text in (patterns.get("fragments") or {}).items()}
    return Rules(
        aspects=tuple((key, _alternatives([_with_fragments(str(cue), fragments) for cue in cues]))
                      for key, cues in patterns["aspects"].items()),
        topics={key: Topic(_alternatives(list(map(str, t["sentences"]))),
                           _alternatives(list(map(str, t["prefer"]))) if t.get("prefer") else None,
                           str(t.get("fallback") or ""),
                           _alternatives(list(map(str, t["exclude"]))) if t.get("exclude") else None,
                           tuple(map(str, t.get("avoid") or ("law",))), str(t.get("not_stated") or ""),
                           _at_least_one(key, t.get("spans", Topic.spans)), bool(t.get("paragraph", Topic.paragraph)))
                for key, t in (patterns.get("topics") or {}).items()},
        asked_by_verb={sid: _alternatives(list(map(str, cues)))
                       for sid, cues in (patterns.get("asked_by_verb") or {}).items()},
        emergency={kind: _alternatives(list(map(str, cues))
                                       + list(map(str, (patterns.get("emergency_other_languages") or {}).get(kind, ()))))
                   for kind, cues in patterns["emergency"].items()},
        injection=_any_of(patterns["injection"]),
        follow_up=_any_of(patterns["follow_up"]),
        same_question=_any_of(patterns.get("same_question")),
        to_self=_any_of(patterns.get("to_self")),
        as_relative=str(patterns.get("as_relative") or ""),
        general_aspects=frozenset(str(a) for a in patterns.get("general_aspects") or ()),
        open_aspects=frozenset(str(a) for a in patterns.get("open_aspects") or ()),
        referents=_referents(patterns.get("referents") or {}),
        described=tuple(re.compile(str(p)) for p in patterns.get("described") or ()),
        definition=re.compile(str(patterns.get("definition") or "(?!)"), re.IGNORECASE),
        steps=_alternatives([_with_fragments(str(c), fragments) for key in ("apply", "contact")
                             for c in patterns["aspects"].get(key) or ()]),
        condition=_any_of(patterns.get("condition")),
        route=_any_of(patterns.get("route")),
        switch=_any_of(patterns.get("switch")),
        told_need=re.compile(rf"\b{_words(patterns, 'told_need')}\b"),
        asks_for_help=_any_of(patterns.get("asks_for_help")),
        price_amount=_any_of(patterns.get("price_amount"), re.IGNORECASE),
        ask_whom=_any_of(patterns.get("ask_whom"), re.IGNORECASE),
        coordination=re.compile(rf"\s*(?:(?:{_words(patterns, 'coordinators')}\s+)+"
                                rf"(?:{_words(patterns, 'coordinator_fillers')}\s+)?)?", re.IGNORECASE),
        asks_with_verb=re.compile(rf"\b{_words(patterns, 'question_words')}\s+(?!{_words(patterns, 'not_verbs')}\b)"
                                  r"\w{2,}", re.IGNORECASE),
        # after a conjunction, only a question word or a verb with its subject after it ("Og har hjemmesykepleie fra
        # før." tells): a sentence may open with "og", and a question opens so only in a question's word order
        question_opener=re.compile(
            rf"(?:{_words(patterns, 'opening_conjunctions')}\s+(?:{opener})"
            rf"|(?:{_words(patterns, 'question_words')}|{_words(patterns, 'question_verbs')})\b)", re.IGNORECASE),
        part_split=re.compile(r"(?<=\?)\s+|,?\s+" + _words(patterns, "part_conjunctions") + r"\s+(?=" + opener + "|"
                              + _words(patterns, "dialect_question_verbs") + r"\s+"
                              + _words(patterns, "dialect_question_subjects") + r"\b|"
                              + _words(patterns, "condition_words") + r"\b[^,?]{1,80},\s*(?:" + opener + "))"
                              + r"|,?\s+" + _words(patterns, "dialect_conjunctions") + r"\s+(?=" + opener + ")",
                              re.IGNORECASE),
        markers={code: frozenset(str(w) for w in words) for code, words in languages["markers"].items()},
        identify=tuple(str(c) for c in languages.get("identify", ())),
        norwegian=frozenset(str(c) for c in languages.get("norwegian", ())),
        identify_min_words=int(languages.get("identify_min_words", 3)),
        identify_sure_words=int(languages.get("identify_sure_words", 0)),
        norwegian_only=frozenset(str(w) for w in languages.get("norwegian_only", ())),
        own_evidence={code: frozenset(str(w) for w in words)
                      for code, words in (languages.get("own_evidence") or {}).items()},
    )
