"""Step 1 of 3, understand: what a (masked) question asks, before anything is decided about the answer.

``Understander.understand`` reads the question once: it is normalised a single time, and its one embedding is
compared with the meaning banks (:mod:`assistant.meaning`). The result is a typed :class:`Understanding`:
language, emergency kind and score, out-of-scope score, services named, needs matched, every aspect asked
(in the order asked) and whether the turn leans on the conversation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.meaning import Calibration, Meaning
from assistant.types import Turn
from corpus.model import Document
from index.language import rules
from index.normalize import normalise_text

# Zero-width and bidi controls hide text from a reader while a machine still sees it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# Clause boundaries of a question that asks several things ("Hva koster det, og vasker de vinduer?").
_CLAUSES = re.compile(r"[?!;,.:]+|\s+(?:og|men|eller|samt|and|or)\s+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def clean_question(text: object, *, limit: int) -> tuple[str, bool]:
    """Make any input a safe, bounded question string.

    Returns:
        The cleaned text (NFC, control and zero-width characters removed, white space collapsed,
        at most ``limit`` characters) and whether it was truncated.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = "".join(ch if (ch.isprintable() or ch in "\n\t") else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    truncated = len(text) > limit
    return (text[:limit].rstrip(), truncated)


def detect_aspects(question: str) -> tuple[str, ...]:
    """Every aspect asked, in the order asked: one per clause, the most specific cue of the clause winning."""
    found: list[str] = []
    for clause in _CLAUSES.split(question):
        text = normalise_text(clause)
        if not text:
            continue
        aspect = next((key for key, rx in rules().aspects if rx.search(text)), "")
        if aspect and aspect not in found:
            found.append(aspect)
    return tuple(found)


def detect_language(question: str) -> str:
    """"nb" for Norwegian (bokmål, nynorsk, dialect), else a language code ("en", "uk", "ar", ...).

    Non-Latin scripts decide by script; Latin text by which language's function words it uses most. Ties and
    unknown words count as Norwegian: a Norwegian question must never get a note in another language.
    """
    letters = [ch for ch in question if ch.isalpha()]
    if not letters:
        return "nb"
    names = [unicodedata.name(ch, "") for ch in letters]
    share = lambda word: sum(word in n for n in names) / len(names)  # noqa: E731
    if share("CYRILLIC") > 0.5:
        return "uk" if any(ch in "іїєґІЇЄҐ" for ch in letters) else "ru"
    for script, code in (("ARABIC", "ar"), ("ETHIOPIC", "ti"), ("CJK", "zh"), ("THAI", "th"), ("HANGUL", "ko")):
        if share(script) > 0.5:
            return code
    words = [w.lower() for w in _WORD.findall(question)]
    markers = rules().markers
    counts = {code: sum(w in vocab for w in words) for code, vocab in markers.items()}
    best = max(counts, key=lambda code: (counts[code], code == "nb"))
    return best if counts[best] > counts.get("nb", 0) else "nb"


@dataclass(frozen=True)
class ServiceNames:
    """Normalised names (title and aliases) of each service, for spotting explicit mentions.

    Generic words a service is also known by (its ``search_terms:``, e.g. "søknad", "lege") help the lexical
    index but do not count as naming it.
    """

    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @classmethod
    def from_documents(cls, docs: Sequence[Document]) -> ServiceNames:
        """Compile one pattern per service; the general document is not a service to mention."""
        out = []
        for doc in docs:
            if doc.kind != "service":
                continue
            names = {normalise_text(n) for n in (doc.title, *doc.aliases)}
            names |= {normalise_text(p) for p in re.split(r"[()]", doc.title) if len(p.strip()) > 3}
            names = {n for n in names if len(n) >= 2}
            if names:
                # short names (KAD, BPA, TT) only as whole words; longer ones also inflected (rullatoren)
                alts = "|".join(re.escape(n) + (r"\w*" if len(n) >= 5 else "")
                                for n in sorted(names, key=len, reverse=True))
                out.append((doc.service_id, re.compile(rf"\b(?:{alts})\b")))
        return cls(tuple(out))

    def mentioned(self, normalised: str) -> list[str]:
        """Service ids named in already normalised text, longest match first."""
        found = []
        for service_id, rx in self.patterns:
            m = rx.search(normalised)
            if m:
                found.append((len(m.group(0)), service_id))
        return [sid for _, sid in sorted(found, reverse=True)]


@dataclass(frozen=True)
class Understanding:
    """What one question asks.

    Attributes:
        question: The question as processed: cleaned, masked, truncated (safe to log).
        query: The text retrieval uses (mask placeholders removed).
        language: "nb" for Norwegian in any written form, else the asker's language code.
        notices: Input flags: "personal_data", "truncated", "empty", "injection".
        emergency: Emergency kinds found ("medical", "suicide", "violence", "poisoning"), empty when none.
        emergency_score: The emergency bank's margin over the ordinary bank (0 without a calibrated embedder).
        out_of_scope: True when the question is about something the guide does not cover.
        out_of_scope_score: The out-of-scope bank's margin over the needs bank.
        injection: The question tries to re-program the assistant.
        named: Services the question names, longest name first.
        needs: Services whose situations the question matches, best first, with their need score.
        aspects: Every aspect asked, in order ("cost", "who", ...); empty when none is clear.
        leans_on_history: Short, or refers back ("det", "og ..."), and names no service.
        focus: Services inherited from the conversation (only when leaning on it scores better).
    """

    question: str
    query: str
    language: str = "nb"
    notices: tuple[str, ...] = ()
    emergency: tuple[str, ...] = ()
    emergency_score: float = 0.0
    out_of_scope: bool = False
    out_of_scope_score: float = 0.0
    injection: bool = False
    named: tuple[str, ...] = ()
    needs: tuple[tuple[str, float], ...] = ()
    aspects: tuple[str, ...] = ()
    leans_on_history: bool = False
    focus: tuple[str, ...] = ()

    @property
    def services(self) -> tuple[str, ...]:
        """Named services, else the inherited focus."""
        return self.named or self.focus


class Understander:
    """Turns a masked question (and the conversation) into an :class:`Understanding`."""

    def __init__(self, documents: Sequence[Document], calibration: Calibration) -> None:
        self.names = ServiceNames.from_documents(documents)
        self.calibration = calibration

    def emergency_kinds(self, normalised: str, meaning: Meaning | None, *, injection: bool = False) -> tuple[str, ...]:
        """Recall first: a pattern match counts unless the banks read the message as plainly ordinary;
        the banks alone find indirect phrasings no pattern names (but not in text that tries to re-program the
        assistant, which is near nothing in the banks and so near everything by a small margin)."""
        c = self.calibration
        patterns = tuple(kind for kind, rx in rules().emergency.items() if rx.search(normalised))
        if meaning is None or c.emergency_margin is None or injection:
            return patterns
        margin = meaning.emergency_margin
        if patterns and (c.emergency_pattern_veto is None or margin >= c.emergency_pattern_veto):
            return patterns
        if margin >= c.emergency_margin:
            return (meaning.emergency_kind or "medical",)
        return ()

    def understand(self, question: str, *, query: str, notices: tuple[str, ...], meaning: Meaning | None,
                   history: Sequence[Turn] = (), history_services: Sequence[str] = ()) -> Understanding:
        """Understand one question.

        Args:
            question: The cleaned, masked, truncated question.
            query: The same without mask placeholders.
            notices: Flags already raised while cleaning and masking.
            meaning: The banks' scores for the question's embedding (None when there is none).
            history: Earlier turns (only used to decide whether this one leans on them).
            history_services: The conversation's services, most recent first (resolved by the caller).
        """
        normalised = normalise_text(query)
        language = detect_language(query)
        injection = bool(rules().injection.search(normalised))
        emergency = self.emergency_kinds(normalised, meaning, injection=injection)
        named = tuple(self.names.mentioned(normalised))
        c = self.calibration
        oos_score = meaning.out_of_scope_margin if meaning else 0.0
        # a named service, or a question in another language (whose cosines to the mostly Norwegian banks are
        # less sure), needs a clearer margin before it is declined
        margin = c.out_of_scope_margin
        if margin is not None:
            margin += (c.out_of_scope_named_extra if named else 0.0) + (c.foreign_extra if language != "nb" else 0.0)
        out_of_scope = not emergency and margin is not None and meaning is not None and oos_score >= margin
        needs = tuple(sorted(((sid, s) for sid, s in (meaning.needs.items() if meaning else ()) if s > 0),
                             key=lambda x: -x[1]))
        leans = bool(history) and not named and (len(normalised.split()) <= 4
                                                 or bool(rules().follow_up.search(normalised)))
        return Understanding(
            question=question, query=query, language=language,
            notices=notices + (("injection",) if injection else ()),
            emergency=emergency, emergency_score=meaning.emergency_margin if meaning else 0.0,
            out_of_scope=out_of_scope, out_of_scope_score=oos_score, injection=injection, named=named,
            needs=needs, aspects=detect_aspects(query),
            leans_on_history=leans and not emergency and not out_of_scope and not injection,
            focus=tuple(history_services[:1]) if (leans and history_services and not emergency
                                                   and not out_of_scope and not injection) else (),
        )

