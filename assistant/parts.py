"""The parts of a message that asks several things: each part's service and what it asks.

A part names its service, or is read as one by the service classifier, or refers back to the part before it, or
goes on about the service the part before it named; services named side by side in one part are each asked the
same. A service named only as the way to another ("henvisning fra lege") is not the part's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.asked import AskedPart
from assistant.aspects import asked_aspects
from assistant.bank_texts import NO_SERVICE
from assistant.meaning import Calibration
from assistant.mentions import ServiceNames, by_verb, referent, routes_only
from assistant.rules import rules
from index.analysis import Analyzer
from index.classifier import Prediction

__all__ = ["PartReader"]


@dataclass(frozen=True)
class PartReader:
    """Reads the parts of a message, with the service names, the analyser and the thresholds of the understander."""

    names: ServiceNames
    analyzer: Analyzer
    calibration: Calibration

    def each(self, text: str, normalised: str, aspects: tuple[str, ...],
             together: Sequence[str]) -> tuple[AskedPart, ...]:
        """A part for each of the services a question names together, each read without the others' names."""
        return tuple(AskedPart(text, aspects, sid, self.analyzer.analyse(
            self.names.without(normalised, [o for o in together if o != sid])), by_name=True) for sid in together)

    def read(self, text: str, asked: Prediction, about: Prediction, *, topic: Prediction | None = None,
             before: str = "", previous: str = "", asked_by_name: str = "", instead: str = "",
             message_about: Prediction | None = None, language: str = "nb") -> tuple[AskedPart, ...]:
        """One part's service and aspects (more than one part when it names services side by side), from its own
        words, its classifiers' readings and the parts before it: ``previous`` (the last part's service),
        ``asked_by_name`` (that service, when the last part named it), ``instead`` (the service the message asks
        about while naming others only as context), ``before`` (the message before the part)."""
        # of several services a part names, the one it asks about ("fikk avslag på avlastning, hvordan klager
        # vi" asks about complaints): the one the service classifier finds most probable
        analysis = self.analyzer.analyse(text)
        normalised = analysis.normalised
        mentioned = self.names.mentioned(normalised)
        named = list(mentioned)
        if named and about.top not in (NO_SERVICE, *named) and about.p >= self.calibration.part_service_p:
            # "Får far gratis tannbehandling nå som han har hjemmesykepleie?" names home nursing as context
            named.append(about.top)
        # ... and not one named, or read by the classifier, only as the way to another ("Frisklivssentralen:
        # trenger man henvisning fra lege")
        route = routes_only(self.names, normalised, named)
        if route and (set(named) - set(route) or previous or instead):
            named = [sid for sid in named if sid not in route]
        verb = by_verb(normalised, named)
        named = sorted(named, key=lambda sid: (sid != verb, -about.prob(sid)))
        aspects, _ = asked_aspects(text, asked, self.calibration, analyzer=self.analyzer, single=True,
                                   analysis=analysis, topic=topic, language=language)
        service = named[0] if named else ""
        sure_elsewhere = about.top not in (NO_SERVICE, previous) and about.p >= self.calibration.part_switch_p
        if not service and rules().follow_up.search(normalised) and not sure_elsewhere:
            # a part that refers back is about the previous part's service ("Får far gratis tannbehandling, og
            # hvordan får vi ordnet det?"), else the service the message asks about while it names others only as
            # what it is about (``instead``: "har begynt å få hjemmesykepleie. En nabo sa at han kan få gratis
            # tannbehandling. Stemmer det?"), else the service named last before it ("Mor har vedtak om
            # hjemmesykepleie. Må hun betale for den?"); of several named before it, the one the whole message is
            # clearly about ("til korttidsplass på sykehjemmet. hvor lenge kan hun bli der": the short stay, not
            # the nursing home a long stay is also called)
            service = previous or instead or referent(self.names, self.analyzer.normalise(before), message_about,
                                                      self.calibration)
            # the previous part's service is only the nearest: the "det" of "finnes det kurs for oss foreldre?" after
            # a question on care benefit refers to nothing, and its own passages may say so (Conversation); a service
            # the message tells of before it ("Mannen min har fått demensdiagnose. Hva slags oppfølging får vi nå")
            # is what it refers to
            return (AskedPart(text, aspects, service, analysis, from_message=bool(previous)),)
        elif not service and asked_by_name and not (about.top not in (NO_SERVICE, asked_by_name)
                                                    and about.p >= self.calibration.part_switch_p):
            return (AskedPart(text, aspects, asked_by_name, analysis, from_message=True),)
        elif not service and about.top != NO_SERVICE and about.p >= self.calibration.part_service_p:
            service = about.top
        together = [sid for sid in self.names.coordinated(normalised) if sid in mentioned]
        if len(together) >= 2 and set(mentioned) <= set(together) and not verb:
            # services named side by side in one part are asked the same question ("Kan far få både
            # trygghetsalarm og middag levert hjem?")
            return self.each(text, normalised, aspects, together)
        return (AskedPart(text, aspects, service, analysis, by_name=service in mentioned),)
