"""The age a message states, and a service's age limit from the guide (assistant/ages.py)."""

from __future__ import annotations

import pytest

from assistant.ages import Age, for_age, stated_age
from corpus.guide import load_guide, validate
from corpus.markdown import parse_markdown
from corpus.model import AgeLimit, DocumentError
from index.analysis import default_analyzer

ANALYZER = default_analyzer()
LIMITS = {"psykisk-helse-rus": AgeLimit(18, "helsestasjon", "Barn og unge under 18 år kan få hjelp gjennom helsestasjonen.")}


def _age(text: str) -> Age | None:
    return stated_age(ANALYZER.normalise(text), text)


@pytest.mark.parametrize(("text", "age"), [
    ("æ e 14. e det nån æ kan prat med", (14, 14)),
    ("sønnen vår på 16 har begynt å drikke", (16, 16)),
    ("venninna mi (16) kaster opp etter maten", (16, 16)),
    ("im 16 and dont have any friends", (16, 16)),
    ("my daughter is 15 and seems depressed", (15, 15)),
    ("eg er 13 år og blir mobba", (13, 13)),
    ("hun er 15 år gammel", (15, 15)),
    ("15-åringen vår sover hele dagen", (15, 15)),
    ("går i 8.klasse og hater kroppen min", (13, 14)),
    ("æ går i niende og e så stressa", (14, 15)),
    ("har eksamen snart på ungdomsskolen", (13, 16)),
    ("far på 87 har falt to ganger", (87, 87)),
    ("jeg er 45 og sønnen min er 15", (15, 45)),
    ("mamma (44) drikker mye. jeg er 17", (17, 44)),   # brackets: read as written
    ("i'm 17 and want to talk to someone", (17, 17)),
    ("eg vert 68 til sommaren", (68, 68)),
])
def test_an_age_is_read_however_it_is_written(text, age):
    assert _age(text) == Age(*age)


@pytest.mark.parametrize("text", [
    "klokka er 15 og mor har ikke kommet hjem",   # a time of day
    "det er 14 dager siden vi søkte",             # a count of days
    "hun er 16 uker gravid",
    "babyen vår er 10 månna og krabber ikke",
    "vi er 3 søsken og mor drikker",
    "han har drukket i 15 år",                    # a duration
    "han prøvde å ta livet sitt for 15 år siden",
    "gjelder det barn under 18 år?",              # a rule, not an age
    "bor i 2 etasje og kommer meg ikke ut",
    "hva koster det per time",
])
def test_numbers_that_are_not_ages_are_not_read_as_ages(text):
    assert _age(text) is None


def test_an_age_under_the_limit_gives_the_service_for_the_younger_ones():
    scores = {"psykisk-helse-rus": 1.4, "helsestasjon": 0.9, "frisklivssentral": 1.0}
    assert for_age(scores, Age(14, 14), LIMITS) == {"helsestasjon": 1.4, "frisklivssentral": 1.0}
    # at the limit, above it, with an adult beside the young one, or with no age: unchanged
    for age in (Age(18, 18), Age(45, 45), Age(15, 45), None):
        assert for_age(scores, age, LIMITS) == scores


def test_a_service_the_message_names_keeps_its_place_whatever_the_age():
    scores = {"psykisk-helse-rus": 1.4, "helsestasjon": 0.9}
    assert for_age(scores, Age(15, 15), LIMITS, named=("psykisk-helse-rus",)) == scores


def test_the_guide_states_each_age_limit_in_its_own_words():
    guide = load_guide(pdf=[])
    limits = {d.service_id: d.age for d in guide.documents if d.age is not None}
    assert limits["psykisk-helse-rus"].from_age == 18 and limits["psykisk-helse-rus"].younger == "helsestasjon"
    text = " ".join(s.text for d in guide.documents if d.service_id == "psykisk-helse-rus" for s in d.sections)
    assert limits["psykisk-helse-rus"].sentence in text
    assert validate(guide) == []


def test_a_broken_age_limit_is_refused_with_the_file_named():
    text = "---\nservice_id: x\ntitle: X\nage: {from: atten, younger: helsestasjon}\n---\n## Hva er tjenesten?\nTekst.\n"
    with pytest.raises(DocumentError, match="age"):
        parse_markdown(text, source="x.md")


@pytest.mark.real_model
@pytest.mark.parametrize("text", [
    "pappa drikk mye og det blir så mye krangling hjæmme. æ e 14. e det nån æ kan prat med",
    "sønnen vår på 16 har begynt å drikke hver helg. hvor kan vi få hjelp?",
])
def test_a_young_person_is_not_sent_to_the_adults_service(real_bot, text):
    reply = real_bot.ask(text)
    services = [r.service_id for r in reply.roles]
    assert services[0] == "helsestasjon" and "psykisk-helse-rus" not in services


@pytest.mark.real_model
def test_an_adult_with_the_same_need_still_gets_the_adults_service(real_bot):
    reply = real_bot.ask("æ drikk for mye, det har blitt værre ette skilsmissen. e 45. ka fins det av hjelp")
    assert reply.roles[0].service_id == "psykisk-helse-rus"
