"""The services a message names: by title or alias (:class:`ServiceNames`), several named together, the one it
asks about (by its verb, in the clause that asks, or beyond the names that are only its context), and the parts of
it that name an outside body instead."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.bank_texts import NO_SERVICE, outside_names
from assistant.meaning import Calibration
from assistant.rules import rules
from corpus.model import Document
from index.analysis import Analyzer, default_analyzer
from index.classifier import Prediction

__all__ = ["ServiceNames", "asked_about_of", "asked_in_clause", "by_verb", "clearly_other", "conditions_only",
           "named_services", "outside_parts_of", "referent", "routes_only"]


def _names_pattern(names: set[str]) -> re.Pattern[str] | None:
    names = {n for n in names if len(n) >= 2}
    if not names:
        return None
    # short names (KAD, BPA, TT) only as whole words; longer ones also inflected (rullatoren)
    alts = "|".join(re.escape(n) + (r"\w*" if len(n) >= 5 else "") for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alts})\b")


@dataclass(frozen=True)
class ServiceNames:
    """Normalised names (title and aliases) of each service, for spotting explicit mentions.

    Generic words a service is also known by (its ``search_terms:``, e.g. "søknad", "lege") help the lexical
    index but do not count as naming it.
    """

    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    #: The same for the titles alone: a service named by its title is asked about; one named by an alias may
    #: only be mentioned ("far sitter i rullestol og kan ikke gå på kino alene").
    titles: tuple[tuple[str, re.Pattern[str]], ...] = ()
    #: Names and the everyday words a service goes by (its search terms: "lege", "doktor"), for what is only the
    #: way to another service ("henvisning fra legen"), whichever word names it.
    words: tuple[tuple[str, re.Pattern[str]], ...] = ()

    @classmethod
    def from_documents(cls, docs: Sequence[Document], analyzer: Analyzer | None = None) -> ServiceNames:
        """Compile one pattern per service; the general document is not a service to mention."""
        out, titles, words = [], [], []
        normalise = (analyzer or default_analyzer()).normalise
        for doc in docs:
            if doc.kind != "service":
                continue
            title = {normalise(doc.title)} | {normalise(p) for p in re.split(r"[()]", doc.title) if len(p.strip()) > 3}
            names = title | {normalise(n) for n in doc.aliases}
            terms = names | {normalise(t) for t in doc.search_terms}
            for found, into in ((names, out), (title, titles), (terms, words)):
                pattern = _names_pattern(found)
                if pattern is not None:
                    into.append((doc.service_id, pattern))
        return cls(tuple(out), tuple(titles), tuple(words))

    def titled(self, normalised: str) -> list[str]:
        """Service ids named by their title in already normalised text."""
        return [service_id for service_id, rx in self.titles if rx.search(normalised)]

    def last_mentioned(self, normalised: str) -> str:
        """The service named last in already normalised text ("" when none): what a pronoun after it means."""
        found = [(m.end(), sid) for sid, rx in self.patterns for m in rx.finditer(normalised)]
        return max(found)[1] if found else ""

    def mentioned(self, normalised: str) -> list[str]:
        """Service ids named in already normalised text, longest match first."""
        found = []
        for service_id, rx in self.patterns:
            m = rx.search(normalised)
            if m:
                found.append((len(m.group(0)), service_id))
        return [sid for _, sid in sorted(found, reverse=True)]

    def without(self, normalised: str, others: Sequence[str]) -> str:
        """The text with the names of ``others`` taken out: what a question asks of one of several services named
        together, without the others' names pulling its answer to where they are mentioned."""
        for sid, rx in self.patterns:
            if sid in others:
                normalised = rx.sub(" ", normalised)
        return " ".join(normalised.split())

    def coordinated(self, normalised: str) -> list[str]:
        """The services named side by side and joined ("trygghetsalarm og middag levert hjem", "dagsenter,
        avlastning eller støttekontakt"), in the order named; [] unless at least two are. Where two names
        overlap, the longer one counts ("praktisk bistand i hjemmet" over "hjemmet")."""
        spans = sorted(((m.start(), -m.end(), sid) for sid, rx in self.patterns for m in rx.finditer(normalised)))
        kept: list[tuple[int, int, str]] = []
        for start, neg_end, sid in spans:
            if kept and start < kept[-1][1]:
                continue
            kept.append((start, -neg_end, sid))
        joined = rules().coordination
        best: list[str] = []
        run: list[str] = []
        for i, (start, _, sid) in enumerate(kept):
            between = normalised[kept[i - 1][1]:start] if i else ""
            if run and joined.fullmatch(between) and sid not in run:
                run.append(sid)
            else:
                run = [sid]
            # names side by side with nothing between are a list only when a joining word ends it ("dagsenter,
            # avlastning eller støttekontakt"); alone they are one phrase ("vederlag langtidsopphold")
            if len(run) > len(best) and between.strip():
                best = list(run)
        return best if len(best) >= 2 else []


def named_services(names: ServiceNames, normalised: str, about: Prediction | None,
                   calibration: Calibration) -> tuple[str, ...]:
    """The services the message names. Names that are only aliases do not count when the service classifier
    reads the message as about another service and gives none of them a chance: an everyday word that is
    also a service's alias ("rullestol", "sykehjem") is then part of the situation, not the question. On dev,
    dev2, dev3 and dev5 this drops the name in 5 questions, 4 of them for the expected service, 1 unclear."""
    named = tuple(names.mentioned(normalised))
    veto = calibration.alias_veto
    if (not named or about is None or veto is None or about.top in (NO_SERVICE, *named)
            or names.titled(normalised) or any(about.prob(s) >= veto for s in named)):
        return named
    return ()


def asked_about_of(names: ServiceNames, normalised: str, named: Sequence[str], about: Prediction | None,
                   calibration: Calibration) -> str:
    """Of the services a message names, or beyond them, the one it asks about when the named ones are only
    what it is about (see :attr:`Understanding.asked_about`); "" when the named services are what it asks."""
    verb = by_verb(normalised, named)
    if verb or not named or about is None or about.top in (NO_SERVICE, *named):
        return verb
    c = calibration
    # the named services are what the question is about, not what it asks: on dev, dev2, dev3 and dev5-8, 2
    # questions (a dental fee with home nursing, a bill for home help), both for the classifier's service
    sure = about.p >= c.part_service_p and c.alias_veto is not None \
        and all(about.prob(sid) < c.alias_veto for sid in named)
    # the named services are what the story is about (the person's condition, "fikk Alzheimer-diagnosen"; an alias,
    # "sitter i rullestol"; who spoke, "legevakta nevnte"), and the question asks for something else the classifier
    # reads clearly (a place to be in the daytime, assistants of one's own choosing, a municipal bed). A title counts
    # the same: it is as often what the person has ("gratis tannbehandling nå som han har hjemmesykepleie"); guarding
    # titles measured one held-out situation fewer right (situations-B 71 -> 70) and changed no dev reply
    return about.top if sure else clearly_other(about, c, against=named)


def clearly_other(about: Prediction, calibration: Calibration, *, among: Sequence[str] = (),
                  against: Sequence[str] = ()) -> str:
    """The service the classifier reads clearly: its top, when it gives it at least ``context_lead_p`` and
    ``context_lead_ratio`` times each rival. Either ahead of the ``against`` services (the top being none of them),
    or, of the ``among`` services, ahead of the others (the top being one of them). "" otherwise, and when there
    is no rival."""
    c = calibration
    top = about.top
    rivals = [sid for sid in (against or among) if sid != top]
    if c.context_lead_p is None or top in ("", NO_SERVICE, *against) or (among and top not in among) or not rivals:
        return ""
    clear = about.p >= c.context_lead_p and about.p >= c.context_lead_ratio * max(about.prob(s) for s in rivals)
    return top if clear else ""


def referent(names: ServiceNames, before: str, about: Prediction | None, calibration: Calibration) -> str:
    """What a part that refers back ("der", "det") means: of the services named in ``before`` (normalised), the
    one the message's service classifier reads clearly, else the one named last."""
    clear = clearly_other(about, calibration, among=names.mentioned(before)) if about is not None else ""
    return clear or names.last_mentioned(before)


def routes_only(names: ServiceNames, normalised: str, named: Sequence[str]) -> tuple[str, ...]:
    """Of the named services, those every mention of which is the way to another ("må vi ha henvisning fra
    fastlegen for å gå til fysio?", "må ho gå via fastlegen"): what is asked is the other one."""
    route = rules().route
    found = []
    for sid, rx in names.words:
        spans = list(rx.finditer(normalised)) if sid in named else []
        if spans and all(route.search(normalised[: m.start()]) for m in spans):
            found.append(sid)
    return tuple(found)


def conditions_only(names: ServiceNames, normalised: str) -> bool:
    """Whether every service name in the text is a person's condition ("kona mi som har demens"), not a topic
    ("gjelder det også for hjemmehjelp?")."""
    spans = [m for _, rx in names.patterns for m in rx.finditer(normalised)]
    return bool(spans) and all(rules().condition.search(normalised[: m.start()]) for m in spans)


_CLAUSE = re.compile(r"(?<=[.!?])\s+|[,;:–—]\s*|\s+-\s+|\s+(?=men\s)", re.IGNORECASE)


def asked_in_clause(query: str, names: ServiceNames, normalise: Callable[[str], str]) -> list[str]:
    """The services named in the clause that asks, when the message names others only in clauses that tell
    ("bruker bor i omsorgsbolig, hvor mye egenandel blir det for hjemmehjelpen?": home help is asked about, the
    sheltered flat is where she lives); [] when no clause tells that apart."""
    clauses = [c.strip() for c in _CLAUSE.split(query) if c and c.strip()]
    whole = normalise(query)
    together = names.coordinated(whole)
    if len(clauses) < 2 or (together and set(names.mentioned(whole)) <= set(together)):
        return []  # a list of names split by its commas is one question about each
    named = [names.mentioned(normalise(c)) for c in clauses]
    asking = [i for i, c in enumerate(clauses) if named[i] and (c.rstrip().endswith("?")
                                                                or rules().question_opener.match(c.lower()))]
    if not asking:
        return []
    asked = list(dict.fromkeys(sid for i in asking for sid in named[i]))
    told = {sid for i, found in enumerate(named) if i not in asking for sid in found} - set(asked)
    # the background comes before the question ("har hjemmesykepleie, men kan han få ..."); a service named in a
    # sentence after it tells more of the situation asked about ("... på sykehjemmet? Hun ligger på
    # korttidsplass nå"), and decides nothing here
    after = {sid for i, found in enumerate(named) if i > asking[-1] for sid in found} - set(asked)
    return asked if told and not after else []


def by_verb(normalised: str, named: Sequence[str]) -> str:
    """Of the named services, the one the text asks about by its verb ("hvordan klager vi"), else ""."""
    return next((sid for sid, rx in rules().asked_by_verb.items() if sid in named and rx.search(normalised)), "")


def outside_parts_of(parts: Sequence[tuple[str, Prediction, Prediction]], names: ServiceNames,
                     analyzer: Analyzer) -> tuple[list[tuple[str, Prediction, Prediction]], tuple[str, ...]]:
    """The parts the guide answers, and the outside topics of the rest: a part that names an outside body
    (``outside_routes.yaml``) and no service of the guide. Nothing is set apart when every part is outside."""
    covered, outside = [], []
    for part in parts:
        topic = next((t for t, rx in outside_names() if rx.search(part[0].lower())), "")
        if topic and not names.mentioned(analyzer.normalise(part[0])):
            outside.append(topic)
        else:
            covered.append(part)
    if not covered or not outside:
        return list(parts), ()
    return covered, tuple(dict.fromkeys(outside))
