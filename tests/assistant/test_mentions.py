"""The services a message names: several named together, a name in the clause that asks, a name only told."""

from __future__ import annotations

import pytest

from assistant.meaning import Calibration
from assistant.mentions import ServiceNames, asked_in_clause, clearly_other, routes_only
from assistant.understanding import Understander
from corpus.guide import load_guide
from index.analysis import default_analyzer
from index.classifier import Prediction


@pytest.fixture(scope="module")
def names() -> ServiceNames:
    return ServiceNames.from_documents(load_guide(pdf=[]).documents)


def normalise(text: str) -> str:
    return default_analyzer().normalise(text)


@pytest.mark.parametrize(("text", "together"), [
    ("Hva koster hjemmehjelp og trygghetsalarm?", ["praktisk-bistand", "trygghetsalarm"]),
    ("Kan far få både trygghetsalarm og middag levert hjem?", ["trygghetsalarm", "matombringing"]),
    # a list: commas (gone after normalising) and a joining word at its end
    ("kan mor få dagsenter, avlastning eller støttekontakt?", ["dagaktivitet", "avlastning", "stottekontakt"]),
    # an article or a preposition after the joining word
    ("hvordan får vi kontakt med helsestasjonen og en fastlege?", ["helsestasjon", "legetjenester"]),
    # one name, names apart, and two names side by side with no joining word (one phrase, not a list)
    ("Hvem kan få støttekontakt?", []),
    ("Far har hjemmesykepleie, kan han få trygghetsalarm?", []),
    ("vederlag langtidsopphold – beregning?", []),
])
def test_services_named_together(names, text, together):
    assert names.coordinated(normalise(text)) == together


@pytest.mark.parametrize(("text", "service", "named"), [
    # a clipped name people write (front matter ``aliases``) names its service, inflected too
    ("hvor lenge varer et rehabopphold?", "rehabilitering-institusjon", True),
    ("kan hun forlenge rehaboppholdet?", "rehabilitering-institusjon", True),
    # ... but a clipped name that begins common compounds is a search term only ("korttidshukommelse" is no short
    # stay, "langtidssykemeldt" no nursing home), and so is "fysio"
    ("far har dårlig korttidshukommelse, kan han få hjemmehjelp?", "korttidsopphold", False),
    ("hun er langtidssykemeldt og trenger hjelp hjemme", "langtidsopphold", False),
    ("må mor ha henvisning for å gå til fysio?", "fysioterapi", False),
])
def test_clipped_names(names, text, service, named):
    assert (service in names.mentioned(normalise(text))) == named


def test_a_name_taken_out_leaves_the_rest_of_the_question(names):
    text = normalise("Hvem kan få dagsenter og avlastning?")
    assert names.without(text, ["avlastning"]) == normalise("Hvem kan få dagsenter og")
    assert names.without(text, []) == text


@pytest.mark.parametrize(("text", "asked"), [
    # the clause that asks names one service, a clause that only tells names another
    ("skranke: bruker bor i omsorgsbolig, hvor mye egenandel blir det for hjemmehjelpen hennes?",
     ["praktisk-bistand", "egenandel"]),
    ("han har individuell plan og koordinator allerede, men hvordan søker vi om bpa til ham?", ["bpa"]),
    # both clauses ask: both services are asked about, and no clause tells them apart
    ("Er sårstell noe hjemmesykepleien gjør, eller må jeg ned til legekontoret for det?", []),
    # a list split by its commas is one question about each
    ("hva må vi betale for korttidsopphold, langtidsplass og dagsenter, går det etter inntekt?", []),
    # a sentence after the question tells more of the situation asked about: it decides nothing
    ("Hva må vi betale hvis mor skal dø på sykehjemmet? Hun ligger på korttidsplass nå.", []),
    # the asking sentence names nothing
    ("mor treng hjelp med høreapparatet, og så treng ho rullator. korsn søkkj vi om det?", []),
])
def test_the_service_named_in_the_clause_that_asks(names, text, asked):
    assert asked_in_clause(text, names, normalise) == asked


@pytest.fixture(scope="module")
def understander() -> Understander:
    return Understander(load_guide(pdf=[]).documents, Calibration(part_service_p=0.5, part_switch_p=0.8))


def test_one_question_about_services_named_together_has_a_part_for_each(understander):
    text = "Hva koster hjemmehjelp og trygghetsalarm?"
    u = understander.understand(text, query=text, notices=(), meaning=None)
    assert [(p.service, p.aspects) for p in u.parts] == [("praktisk-bistand", ("cost",)),
                                                        ("trygghetsalarm", ("cost",))]
    # each part is read without the other's name (its words would pull the answer to where that is mentioned)
    assert "alarm" not in " ".join(u.parts[0].analysis.terms)
    # a service named as what the person already has is context, not a part
    text = "vi får allerede avlastning og omsorgsstønad, men kan sønnen vår få støttekontakt?"
    u = understander.understand(text, query=text, notices=(), meaning=None)
    assert u.parts == () and u.asked_about == "stottekontakt"


def test_a_part_that_refers_back_to_services_asked_about_together_asks_it_of_each(understander):
    text = "Kan far få både trygghetsalarm og middag levert hjem? Og søker vi om de to hver for seg?"
    first, second = "Kan far få både trygghetsalarm og middag levert hjem?", "Og søker vi om de to hver for seg?"
    about = Prediction(("trygghetsalarm", "matombringing"), (0.6, 0.2))
    unsure = Prediction(("soknad-og-vedtak", "trygghetsalarm"), (0.13, 0.1))
    asked = Prediction(("who", "apply"), (0.6, 0.2))
    u = understander.understand(text, query=text, notices=(), meaning=None, about=about,
                                parts=[(first, asked, about), (second, Prediction(("apply",), (0.9,)), unsure)])
    assert [p.service for p in u.parts] == ["trygghetsalarm", "matombringing", "trygghetsalarm", "matombringing"]


def test_a_part_that_refers_back_goes_where_the_classifier_is_sure_it_belongs(understander):
    # "finnes det" points back at nothing: the course for relatives is another service than the dementia team
    text = "Mannen min har fått demensdiagnose. Hva slags oppfølging får vi nå, og finnes det kurs for meg som pårørende?"
    first, second = "Hva slags oppfølging får vi nå", "finnes det kurs for meg som pårørende?"
    asked = Prediction(("what",), (0.9,))

    def second_service(p: float) -> str:
        other = Prediction(("parorendestotte", "demens"), (p, 1 - p))
        parts = [(first, asked, Prediction(("demens",), (0.9,))), (second, asked, other)]
        return understander.understand(text, query=text, notices=(), meaning=None, parts=parts).parts[1].service

    assert second_service(0.84) == "parorendestotte"
    assert second_service(0.6) == "demens"


@pytest.mark.parametrize("labels, probs, among, against, clear", [
    (("kad", "legetjenester"), (0.64, 0.07), (), ("legetjenester",), "kad"),     # ahead of a named one
    (("kad", "legetjenester"), (0.64, 0.25), (), ("legetjenester",), ""),        # not 3 times it
    (("kad", "legetjenester"), (0.20, 0.01), (), ("legetjenester",), ""),        # under the floor
    (("kad", "legetjenester"), (0.64, 0.07), (), ("kad", "legetjenester"), ""),  # the top is one to beat
    (("_none", "kad"), (0.9, 0.05), (), ("kad",), ""),                           # no service at all
    (("kad",), (0.9,), (), (), ""),                                              # no rival
    ((), (), (), ("kad",), ""),                                                  # no reading
    (("korttidsopphold", "langtidsopphold"), (0.67, 0.08), ("korttidsopphold", "langtidsopphold"), (),
     "korttidsopphold"),                                                         # of those named, clearly one
    (("kad", "korttidsopphold"), (0.67, 0.08), ("korttidsopphold", "langtidsopphold"), (), ""),  # none of them
    (("korttidsopphold",), (0.9,), ("korttidsopphold",), (), ""),               # one named: nothing to choose
])
def test_the_service_the_classifier_reads_clearly(labels, probs, among, against, clear):
    c = Calibration(context_lead_p=0.25, context_lead_ratio=3.0)
    assert clearly_other(Prediction(labels, probs), c, among=among, against=against) == clear
    assert clearly_other(Prediction(labels, probs), Calibration(), among=among, against=against) == ""


@pytest.mark.parametrize(("text", "routes"), [
    # the doctor a referral comes from, the one to go through: the way to another service
    ("må mor ha henvisning fra fastlegen for å gå til fysio?", ("legetjenester",)),
    ("det med samtalene, må hun gå via fastlegen først?", ("legetjenester",)),
    ("Frisklivssentralen: trenger man henvisning fra lege?", ("legetjenester",)),
    # where the way leads is no way ("henvisning fra fastlegen til fysioterapi")
    ("må vi ha henvisning fra fastlegen til fysioterapi?", ("legetjenester",)),
    # ... or the one the writer will not turn to, or wants kept out: another way is asked for
    ("vil slutte å drikke, men orker ikke gå til fastlegen med det", ("legetjenester",)),
    ("finnes det noe for meg uten at fastlegen må vite det?", ("legetjenester",)),
    # the doctor asked about, or named once as a way and once as the subject
    ("hvordan bytter jeg fastlege?", ()),
    ("må jeg gå til fastlegen først?", ()),
    ("Må jeg ha henvisning fra fastlegen, eller kan fastlegen selv ringe dere?", ()),
])
def test_a_service_named_only_as_the_way_to_another_is_a_route(names, text, routes):
    named = (*names.mentioned(normalise(text)), "legetjenester")
    assert routes_only(names, normalise(text), named) == routes
