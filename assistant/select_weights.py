"""How much each kind of evidence weighs when the sentences of a section are chosen (:mod:`assistant.select`),
with how each value was set. Inverse document frequency (idf) is counted over the guide's sentences."""

from __future__ import annotations

__all__ = ["BRIDGE_IDF", "DEFINITION_WEIGHT", "DETAIL_MIN", "DETAIL_TIE", "NAME_WEIGHT", "OTHER_SECTION_MARGIN",
           "PART_DETAIL_MIN", "RARITY_WEIGHT", "SECOND_SENTENCE_SHARE", "TELLING_IDF"]

#: Another section of the same service answers instead of the one asked when its best sentence shares this much
#: more (inverse-document-frequency weighted) with the question: about one distinctive word ("klagefrist").
OTHER_SECTION_MARGIN = 3.0
#: A word tells which section holds the answer when it stands in fewer than about 1 in 20 of the guide's
#: sentences (inverse document frequency ≥ 3): "klagefrist", "husleie", not "helse" or "omsorg".
TELLING_IDF = 3.0
#: A section's second-best sentence adds this share of its match to the section's: a tie-break, far below the margin.
SECOND_SENTENCE_SHARE = 0.1

#: A sentence that defines what a question asks about ("Hva er en individuell plan?": "En individuell plan er en
#: skriftlig plan ...") comes first among a section's sentences: about two shared words' worth.
DEFINITION_WEIGHT = 2.0

#: Between sentences sharing as many of a question's words, the one whose shared words are rarer in the guide wins
#: (per unit of inverse document frequency; a shared word counts 1).
RARITY_WEIGHT = 0.05
#: A word of the service's own name that a sentence shares with the question counts this much (another word 1).
NAME_WEIGHT = 0.3
#: A detail the question asks about is quoted when a sentence holds this much of the question that the reply has
#: not quoted yet (inverse-document-frequency weighted): one telling word that is rare in the guide.
DETAIL_MIN = 4.0
#: ... and a second sentence of the same section too when it holds at least this share of the first one's.
DETAIL_TIE = 0.85
#: The same, for one part of a message that asks several things: a word rarer than the common verbs
#: ("levere", "snakke", "låne", "dekke": 4.4-5.0): on the dev splits, 4.0 added a sentence to 14 replies, 5 of them
#: padding on such a verb; 5.5 added one to 7, 6 of them the answer to a part the reply had lost (docs/evaluation.md).
PART_DETAIL_MIN = 5.5
#: An everyday word bridges to the guide's word for the same thing only when the guide itself seldom uses it (in
#: fewer than about 1 in 150 sentences): "dusje", "husleiga", not "dagen" or "timen", which the guide writes often
#: and in other senses. On the dev splits (2026-12-07), at the telling words' 3.0 the bridges changed 21 replies,
#: 9 of them padding ("vedtaket sier hvor mange dager" for "hele dagen"); at 5.0 they change 9, 8 for the better.
BRIDGE_IDF = 5.0
