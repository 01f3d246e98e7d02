"""The age a message states, and a service's age limit from the guide (assistant/ages.py)."""

from __future__ import annotations

import json

import pytest

from assistant import Turn
from assistant.ages import Age, for_age, moved_services, stated_age
from corpus.guide import load_guide, validate
from corpus.markdown import parse_markdown
from corpus.model import AgeLimit, DocumentError
from index.analysis import default_analyzer

NORMALISE = default_analyzer().normalise
LIMITS = {"psykisk-helse-rus": AgeLimit(18, "helsestasjon", "Barn og unge under 18 år kan få hjelp gjennom helsestasjonen.")}


def _age(text: str, earlier: tuple[str, ...] = ()) -> Age | None:
    return stated_age(text, normalise=NORMALISE, earlier=earlier)


@pytest.mark.parametrize(("text", "age"), [
    # the writer's own age
    ("æ e 14. e det nån æ kan prat med", (14, 14)),
    ("im 16 and dont have any friends", (16, 16)),
    ("eg er 13 år og blir mobba", (13, 13)),
    ("æ e fjorten og pappa drikk", (14, 14)),
    ("jeg drikker nesten hver helg. er 17. kan jeg snakke med noen", (17, 17)),
    ("går i 8.klasse og hater kroppen min", (13, 14)),
    ("eg går i niande og er så lei meg", (14, 15)),
    ("jeg er i niende klasse", (14, 15)),
    ("jeg var 15 år da jeg begynte å drikke, nå er jeg 40 og vil slutte", (40, 40)),  # a past age is not read
    # a person the sentence opens with
    ("sønnen vår på 16 har begynt å drikke", (16, 16)),
    ("venninna mi (16) kaster opp etter maten", (16, 16)),
    ("min sønn, 15, drikker hver helg", (15, 15)),
    ("datteren min på 15 år drikker hver helg", (15, 15)),
    ("jeg går i niende", (14, 15)),
    ("my daughter is 15 and seems depressed", (15, 15)),
    ("15-åringen vår sover hele dagen", (15, 15)),
    ("hei, datteren min på 14 gråter mye", (14, 14)),
    # two people: an adult's age always counts; a child's only where the writer tells nothing of themselves
    ("jeg er 45 og sønnen min er 15", (45, 45)),
    ("mamma (44) drikker mye og sier hun vil ha hjelp. jeg er 17", (17, 44)),
    ("lillebroren min er 15 og sitter bare på rommet. hva kan jeg gjøre?", (15, 15)),
])
def test_an_age_is_read_however_it_is_written(text, age):
    read = _age(text)
    assert read is not None and (read.low, read.high) == age


@pytest.mark.parametrize("text", [
    # a child in the middle of an adult's story, or too young to be the one with this need
    "jeg er mor til en gutt på 3 og er deprimert",
    "min kone drikker for mye og vi har en datter på 6",
    "Barnet mitt (4) har ADHD og jeg er helt utslitt og deprimert",
    # numbers that are not ages
    "klokka er 15 og mor har ikke kommet hjem", "det er 14 dager siden vi søkte", "hun er 16 uker gravid",
    "vi er 3 søsken og mor drikker", "han har drukket i 15 år", "gjelder det barn under 18 år?",
    "angsten min er på 8 av 10 hver dag", "det er 3-4 ganger i uka jeg drikker meg full",
    "møtet er 15. mai, men jeg trenger hjelp før det", "jeg er 2 barns mor og drikker for mye",
    "jeg er på 12 enheter i uka", "Jeg har to spørsmål: (1) hvor får jeg hjelp (2) koster det noe",
    "fra kl (15) er jeg alene", "babyen vår er 10 månna og krabber ikke",
    # found by the code review: whose need it is, durations after "år", quotations, and crashes
    "jeg er i krise", "Mamma er i fengsel. Hvem kan jeg snakke med?", "Jeg går i terapi.",
    "Sønnen min på 15 er bekymret for meg fordi jeg drikker. Hvor kan jeg få hjelp?",
    "Datteren min er 16 og sier jeg drikker for mye. Hvem kan jeg snakke med?",
    "Min sønn, 16, har sett at jeg ruser meg. Jeg trenger hjelp.",
    "Kona mi drikker for mye og datteren vår er 16. Hvor kan kona mi få hjelp?",
    "Mannen min er 15 år eldre og drikker for mye", "Er 12 år nå, og jeg drikker fortsatt",
    "Ble 16 år med rus før jeg sluttet", "jeg er 16 år som pårørende og sliter", "Jeg er 15 og et halvt år rusfri",
    "Jeg er 15 i minus på konto", "Er 4 i familien og jeg er deprimert",
    "Datteren min har ADHD. Går i andre klasse, og jeg er helt utslitt",
    "Jeg er i tredje og siste fase av behandlingen",
    'Sønnen min sa "jeg er 15 og gjør som jeg vil". Eg er deprimert og drikk for mykje',
    # the third review: a past age tells when something began; single quotes quote too
    "Siden jeg ble 15 har jeg slitt med angst, nå er jeg helt utbrent.", "Etter at jeg fylte 17, har jeg brukt amfetamin.",
    "Sønnen min sa 'jeg er 15 og gjør som jeg vil'. Jeg drikker for mye selv og trenger hjelp.",
])
def test_ages_in_the_middle_of_a_story_and_numbers_that_are_not_ages_are_not_read(text):
    assert _age(text) is None


def test_whose_age_it_is_and_a_small_child_beside_it_are_told_apart():
    assert not _age("jeg er 15 og drikker hver helg").others
    assert _age("sønnen vår på 16 har begynt å drikke").others
    assert _age("Jeg er 17 og har en sønn på 1 år. Hva inngår i helsestasjonen for ham?").small_child
    assert _age("Jeg er 15 og passer lillesøsteren min på 2 år hver dag").small_child
    # an adult's age ending a sentence still counts: "Er 45. Angsten tar over" is two sentences
    assert (_age("Er 45. Angsten tar over. Sønnen min er 16 og bekymrer seg.") or Age(0, 0)).high == 45


def test_the_writers_own_age_in_an_earlier_message_counts_but_not_another_persons():
    assert _age("e det nån æ kan prat med om at pappa drikk?", ("æ e 14",)) == Age(14, 14)
    assert _age("hvor kan han få hjelp?", ("sønnen min er 15",)) is None


def test_an_age_under_the_limit_gives_the_service_for_the_younger_ones():
    scores = {"psykisk-helse-rus": 1.4, "helsestasjon": 0.9, "frisklivssentral": 1.0}
    moved = moved_services(Age(14, 14), LIMITS)
    assert moved == {"psykisk-helse-rus": "helsestasjon"}
    assert for_age(scores, moved) == {"helsestasjon": 1.4, "frisklivssentral": 1.0}
    # another person's age: the service for adults stays, after the one for the young person
    kept = for_age(scores, moved, keep=True)
    assert sorted(kept, key=kept.get, reverse=True)[:2] == ["helsestasjon", "psykisk-helse-rus"]
    # at the limit, above it, with an adult beside the young one, or with no age: nothing moves
    for age in (Age(18, 18), Age(45, 45), Age(15, 45), None):
        assert moved_services(age, LIMITS) == {}
    # a service the message names stays
    assert moved_services(Age(15, 15), LIMITS, named=("psykisk-helse-rus",)) == {}


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
def test_a_young_person_is_not_sent_to_the_adults_service(real_bot):
    text = "pappa drikk mye og det blir så mye krangling hjæmme. æ e 14. e det nån æ kan prat med"
    services = [r.service_id for r in real_bot.ask(text).roles]
    assert services[0] == "helsestasjon" and "psykisk-helse-rus" not in services
    # a parent writing about a son of 16: the health station first (the adults' service may follow, for the parent)
    assert real_bot.ask("sønnen vår på 16 har begynt å drikke hver helg. hvor kan vi få hjelp?").roles[0].service_id \
        == "helsestasjon"


@pytest.mark.real_model
@pytest.mark.parametrize("text", [
    "æ drikk for mye, det har blitt værre ette skilsmissen. e 45. ka fins det av hjelp",
    "jeg er mor til en gutt på 3 og er så deprimert at jeg ikke kommer meg ut. hvem kan jeg snakke med?",
    "min kone drikker for mye og vi har en datter på 6. hvor kan hun få hjelp?",
    "Jeg begynte å drikke da jeg ble 14, og nå klarer jeg ikke å slutte. Hvem kan hjelpe meg?",
])
def test_an_adult_with_the_same_need_still_gets_the_adults_service(real_bot, text):
    assert real_bot.ask(text).roles[0].service_id == "psykisk-helse-rus"


@pytest.mark.real_model
def test_the_writers_age_told_in_an_earlier_turn_still_counts(real_bot):
    history = [Turn("user", "æ e 14"), Turn("assistant", "Hva lurer du på?")]
    reply = real_bot.ask("e det nån æ kan prat med om at pappa drikk mye?", history)
    assert "psykisk-helse-rus" not in [r.service_id for r in reply.roles]


def test_no_message_of_the_evaluation_sets_breaks_the_reading():
    # the first version crashed on "jeg er i krise" ("er i" with no school year after it)
    from evaluation.labelled import PROBES_DIR
    from evaluation.panel import load_panel

    texts = [q.question for q in load_panel()]
    for path in PROBES_DIR.glob("*.jsonl"):
        texts += [json.loads(line).get("text", "") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for text in texts:
        age = _age(text)
        assert age is None or 10 <= age.low <= age.high < 120
