"""How a question's words match a guide sentence's: the same stem, or one part of a Norwegian compound.

Norwegian writes compounds as one word with the head last ("klagefristen", "vindusvask", "timebehovet"), and a
question and the guide often split the same thing differently. Terms are the analyser's stems
(:class:`~index.analysis.Analyzer`); this module only compares them. :mod:`assistant.select` weighs the matches.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

__all__ = ["COMPOUND_BEGIN_MIN", "COMPOUND_HEAD_MIN", "COMPOUND_MODIFIER_MIN", "begun", "both_parts",
           "compound_parts", "inflects", "part_pairs", "shared"]

#: A question's word matches the head of a compound in the guide from this length on ("fristen" finds
#: "Klagefristen", "vask" finds "vindusvask"): Norwegian compounds put their head last.
COMPOUND_HEAD_MIN = 4
#: ... and a compound of the question matches a sentence that holds both its parts, the first from this length on.
COMPOUND_MODIFIER_MIN = 3
#: A word of the question the guide never writes alone finds the guide's compounds it begins from this length on
#: ("vindu": "vindusvask"), where a shorter one begins too many ("hus": "husleie", "husstand", "husbanken").
COMPOUND_BEGIN_MIN = 5


def shared(question_terms: frozenset[str], sentence_terms: frozenset[str], *, parts: bool = False) -> set[str]:
    """The question's terms a sentence holds: the same stem, or a compound ending in it; with ``parts``, also a
    compound of the question whose two parts the sentence holds ("timebehovet" finds "behov ... 32 timer").
    Parts choose among a section's sentences, never which section answers (the whole "klagefristen" tells its
    section better than "klage" and "frist" apart).

    The question's own terms are returned, so a match weighs what was asked: "rengjøring" found inside
    "storrengjøring" counts no more than "rengjøring" itself (the rarer compound would win otherwise)."""
    out = set(question_terms & sentence_terms)
    for t in question_terms - out:
        if len(t) < COMPOUND_HEAD_MIN:
            continue
        # the stemmer keeps a doubled consonant an inflection adds ("hjemmet": "hjemm", "hjem": "hjem"); from four
        # letters on, where three-letter stems are other words ("leg" of "lege", "legg" of "legge")
        if any(u == t + t[-1] or t == u + u[-1] for u in sentence_terms if len(u) >= COMPOUND_HEAD_MIN):
            out.add(t)
            continue
        if any(u.endswith(t) for u in sentence_terms):
            out.add(t)
        elif parts and len(t) >= 2 * COMPOUND_HEAD_MIN and any(
                len(u) >= COMPOUND_HEAD_MIN and t.endswith(u) and any(
                    len(m) >= COMPOUND_MODIFIER_MIN and t.startswith(m) and len(m) + len(u) <= len(t) + 1
                    for m in sentence_terms if m != u)
                for u in sentence_terms):
            out.add(t)
    # a compound of the sentence whose two parts the question holds ("vasker dere vinduer" finds "vindusvask")
    # is the thing asked, and weighs as itself
    for u in sentence_terms - out:
        if len(u) >= 2 * COMPOUND_HEAD_MIN and any(
                len(h) >= COMPOUND_HEAD_MIN and u.endswith(h) and any(
                    len(m) >= COMPOUND_HEAD_MIN and m != h and u.startswith(m) for m in question_terms)
                for h in question_terms):
            out.add(u)
    return out


def compound_parts(term: str, vocabulary: Collection[str]) -> tuple[str, ...]:
    """A compound the guide never writes, as the two words of the guide it is made of ("diabeteskost": "diabet"
    and "kost", which the guide writes "kost ved diabetes"; "månedsprisen": "måned" and "pris"), or () when it is
    no such compound. The head (last) is the longest word of the guide the term ends in; the modifier (four letters
    at least) may carry a linking "s", "e" or "es" ("måneds", "diabetes")."""
    if term in vocabulary or len(term) < COMPOUND_HEAD_MIN + COMPOUND_MODIFIER_MIN:
        return ()
    for cut in range(COMPOUND_MODIFIER_MIN, len(term) - COMPOUND_HEAD_MIN + 1):
        head, modifier = term[cut:], term[:cut]
        if head not in vocabulary:
            continue
        # the guide's own compound spelt another way ("ledsagarbevis", nynorsk) is that compound, not two words
        if any(len(v) > len(head) and v.endswith(head) and v[:4] == term[:4] and abs(len(v) - len(term)) <= 1
               for v in vocabulary):
            return ()
        for linking in ("", "s", "e", "es"):
            if linking and not modifier.endswith(linking):
                continue
            stem = modifier[: len(modifier) - len(linking)]
            if len(stem) >= COMPOUND_HEAD_MIN and stem in vocabulary and stem != head:
                return stem, head
    return ()


def part_pairs(terms: Iterable[str], vocabulary: Collection[str]) -> dict[str, str]:
    """Each part of a question's compound the guide never writes (not itself a word of the question), with the
    other part: a part counts only where a sentence holds both (:func:`both_parts`)."""
    terms = set(terms)
    pairs: dict[str, str] = {}
    for t in terms:
        parts = compound_parts(t, vocabulary)
        if parts:
            first, second = parts
            if first not in terms:
                pairs[first] = second
            if second not in terms:
                pairs[second] = first
    return pairs


def begun(terms: Iterable[str], vocabulary: Collection[str]) -> frozenset[str]:
    """The guide's compounds a word of the question begins where the guide never writes the word alone ("vinduene":
    "vindusvask"): the word (``COMPOUND_BEGIN_MIN`` letters at least), a linking "s", "e" or "es" or none, then a
    word of the guide of its own (``COMPOUND_HEAD_MIN`` letters at least). Asking about the windows is asking about
    the window washing the guide names, as asking about "fristen" is asking about "klagefristen"."""
    out = set()
    for t in set(terms):
        if t in vocabulary or len(t) < COMPOUND_BEGIN_MIN:
            continue
        for v in vocabulary:
            if not v.startswith(t) or len(v) < len(t) + COMPOUND_HEAD_MIN:
                continue
            rest = v[len(t):]
            if any(rest.startswith(link) and len(rest) - len(link) >= COMPOUND_HEAD_MIN
                   and rest[len(link):] in vocabulary for link in ("", "s", "e", "es")):
                out.add(v)
    return frozenset(out)


def both_parts(words: set[str], pairs: Mapping[str, str]) -> set[str]:
    """``words`` without a compound's part (``pairs``: part -> the other part) whose other part is not among them:
    "minnesvikt" is not "vikt" of "viktige kriterier", but "diabeteskost" is "kost ved diabetes"."""
    return {w for w in words if w not in pairs or pairs[w] in words}


def inflects(term: str, name: str) -> bool:
    """Whether ``term`` is ``name`` inflected ("dagsenter" of "dagsent"), not a compound of it ("klagefrist")."""
    short, long_ = sorted((term, name), key=len)
    return long_.startswith(short) and len(long_) - len(short) <= 3
