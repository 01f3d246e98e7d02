"""Replies a caseworker would send: conversation basics, every part asked, the service's own route, safety
anywhere in a message, and the outside body for a decline (the caseworker-replies issue)."""

from __future__ import annotations

import pytest

from assistant import Turn, templates
from assistant.message import asks_question, split_parts
from corpus.guide import load_guide
from assistant.rules import rules
from index.analysis import default_analyzer

GUIDE = {d.service_id: d for d in load_guide(pdf=[]).documents}


@pytest.mark.parametrize(("text", "intent"), [
    ("Hei", "greeting"), ("heisann!", "greeting"), ("tusen takk", "thanks"),
    ("Snakke med et menneske", "human"), ("hva kan jeg spørre deg om?", "capabilities"),
])
def test_small_talk_gets_a_short_template_never_the_box_or_a_service(hashing_assistant, assert_reply_grounded,
                                                                       text, intent):
    reply = hashing_assistant.ask(text)
    assert (reply.mode, reply.status) == ("smalltalk", "answered")
    assert reply.citations == () and reply.roles == ()
    assert reply.text == templates.SMALL_TALK[intent]
    assert_reply_grounded(hashing_assistant, reply)


def test_asking_for_a_person_gives_the_switchboard_its_hours_and_the_email(hashing_assistant):
    text = hashing_assistant.ask("kan jeg få snakke med noen på kommunen?").text
    assert "74 05 25 00" in text and "09.00–15.00" in text and "postmottak@levanger.kommune.no" in text


def test_a_greeting_before_a_question_is_a_question(hashing_assistant):
    reply = hashing_assistant.ask("Hei! Hva koster trygghetsalarm?")
    assert reply.mode == "direct" and reply.roles[0].service_id == "trygghetsalarm"


@pytest.mark.parametrize(("question", "parts"), [
    ("Hvor lang tid tar det å få vedtak, og kan vi klage?", ["Hvor lang tid tar det å få vedtak", "kan vi klage?"]),
    ("Hva koster det? Og hvem bestemmer?", ["Hva koster det?", "Og hvem bestemmer?"]),
    ("mor og far trenger hjelp", []),
    ("Kor mykje kostar det, og kven søkjer?", ["Kor mykje kostar det", "kven søkjer?"]),
    # a second question may open with its condition
    ("Hvor lang tid tar det, og hvis svaret blir nei, kan vi klage?",
     ["Hvor lang tid tar det", "hvis svaret blir nei, kan vi klage?"]),
    ("Hun faller ofte og må ha hjelp hvis det skjer", []),
    # a second question may be a sentence of its own that opens with "og" (no capital, no question mark)
    ("mor mi e 84. kan ho få hjemmehjelp fra kommunen? og ka kosta det egentlig",
     ["kan ho få hjemmehjelp fra kommunen?", "og ka kosta det egentlig"]),
    ("Mor faller ofte. Og hun bor alene.", []),
    # ... but a sentence that opens with "og" and a verb tells, unless the verb's subject follows it
    ("Mor bor alene. Og har hjemmesykepleie fra før. Hva koster trygghetsalarm?", []),
])
def test_a_message_is_split_into_the_questions_it_asks(question, parts):
    assert split_parts(question) == parts


def test_a_question_is_told_from_a_description():
    assert asks_question("hvordan søker jeg") and asks_question("Mor er syk. Kan hun få hjelp")
    assert asks_question("Og hvor tidlig må vi avbestille") and not asks_question("Og hun bor alene.")
    assert asks_question("Og har hun rett på det?") and not asks_question("Men er fortsatt sprek.")
    assert not asks_question("mor klarer ikke trappa lenger og bor alene")


@pytest.mark.parametrize("text", ["Forresten, hva koster middag?", "eit anna spørsmål: kva kostar det",
                                  "by the way, what about dental care", "Noe helt annet: tannlege?",
                                  "no sku æ spør om nå anna: ka kost tannlegen", "æ lure på nåkka anna",
                                  "Ei ainna sak: ka kost tannlegen?",
                                  "helt annet spørsmål – hvordan bytter jeg fastlege?"])
def test_switch_cues_in_bokmal_nynorsk_trondersk_and_english(text):
    assert rules().switch.search(default_analyzer().normalise(text))


@pytest.mark.parametrize("text", ["Har Anna spørsmål om BPA?", "har du svar på spørsmålet?"])
def test_a_name_or_a_question_about_the_same_is_no_switch(text):
    assert not rules().switch.search(default_analyzer().normalise(text))


def test_an_english_follow_up_leans_on_the_conversation(hashing_assistant):
    history = [Turn("user", "What is the Frisklivssentral?"), Turn("assistant", "…", services=("frisklivssentral",))]
    reply = hashing_assistant.ask("Do I need a referral from my doctor for it?", history)
    assert reply.services[:1] == ("frisklivssentral",)


def test_how_to_appeal_a_decision_about_a_service_is_answered_by_the_appeal(hashing_assistant,
                                                                             assert_reply_grounded):
    # the question asks about appeals by its verb; the service the decision was about is what it is about
    for question in ("hvordan klager vi på vedtaket om avlastning vi fikk i går?",
                     "Mor fikk avslag på omsorgsbolig. Kan hun klage?"):
        reply = hashing_assistant.ask(question)
        assert_reply_grounded(hashing_assistant, reply)
        assert reply.services[0] == "klage", question
        assert "Send klagen til" in reply.text
        # how to appeal is told with by when (the appeal's front matter: always_tell)
        assert "Klagefristen" in reply.text, question
    # the word as a complaint about pain asks nothing about appeals
    pain = "han klager over vondt i ryggen, kan han få fysioterapi?"
    assert hashing_assistant.understand(pain)[0].asked_about in ("", "fysioterapi")
    assert hashing_assistant.ask(pain).services[0] == "fysioterapi"


def test_a_switch_cue_never_inherits_the_topic(hashing_assistant):
    history = [Turn("user", "Hva er trygghetsalarm?"), Turn("assistant", "…", services=("trygghetsalarm",))]
    reply = hashing_assistant.ask("forresten, hva koster det?", history)
    assert "trygghetsalarm" not in [r.service_id for r in reply.roles if r.reason == "conversation"]


def test_two_parts_about_one_service_are_both_answered_in_order(hashing_assistant, assert_reply_grounded):
    reply = hashing_assistant.ask("Hva koster praktisk bistand, og hvordan søker jeg?")
    assert reply.roles[0].service_id == "praktisk-bistand"
    sections = [c.section for c in reply.citations if c.service_id == "praktisk-bistand"]
    assert sections[:2] == ["Hva koster det?", "Slik søker du"]
    assert_reply_grounded(hashing_assistant, reply)


@pytest.mark.parametrize("question", ["Hva koster hjemmesykepleie?", "Hvem kan få BPA?",
                                      "Hva inngår i middagslevering?", "Hva koster frisklivssentralen?",
                                      "Hvem kan få økonomisk sosialhjelp?"])
def test_an_answer_ends_with_the_services_own_route_and_the_switchboard(hashing_assistant, question):
    reply = hashing_assistant.ask(question)
    doc = GUIDE[reply.roles[0].service_id]
    route = [p for p in reply.parts if p.kind == "route"]
    assert route and doc.route.sentence in route[0].text
    assert reply.parts[-1].text == templates.NEXT_STEP


def test_every_service_has_a_route_in_its_own_words():
    for doc in GUIDE.values():
        if doc.kind == "service":
            apply_text = " ".join(s.text for s in doc.sections_for("apply"))
            assert doc.route is not None and doc.route.sentence in apply_text, doc.service_id


def test_no_sentence_is_quoted_twice_in_a_reply(hashing_assistant):
    for question in ["Hva koster korttidsopphold og langtidsopphold?", "Hvem kan få hjemmesykepleie og praktisk bistand?",
                     "mor klarer seg ikke hjemme lenger, hva finnes?"]:
        reply = hashing_assistant.ask(question)
        quoted = [(c.chunk_id, s) for c in reply.citations for s in c.quote.split(". ")]
        assert len(quoted) == len(set(quoted)), reply.text


def test_an_emergency_after_a_long_calm_message_is_still_caught(hashing_assistant):
    calm = "Mor har hjemmesykepleie to ganger om dagen og praktisk bistand hver fredag. " * 40  # past the cut
    reply = hashing_assistant.ask(calm + "Nå ligger hun på gulvet og svarer ikke.")
    assert reply.status == "emergency" and reply.citations == ()
    assert "113" in reply.text.split("\n", 1)[0]
    assert "truncated" in reply.notices


def test_violence_happening_now_puts_the_police_first(hashing_assistant):
    reply = hashing_assistant.ask("Mannen min slår meg nå")
    assert reply.status == "emergency" and "112" in reply.text.split("\n", 1)[0]


@pytest.mark.real_model
def test_an_emergency_after_a_calm_sentence_gets_113_in_the_first_line(real_bot):
    reply = real_bot.ask("Mor har hjemmesykepleie. Nå puster hun nesten ikke og er blå rundt leppene.")
    assert "113" in reply.text.split("\n", 1)[0]


@pytest.mark.real_model
@pytest.mark.parametrize(("question", "body"), [
    ("Hvor lang ventetid er det på ortopeden på sykehuset?", "helsenorge.no"),
    ("Hvordan søker jeg om uføretrygd?", "55 55 33 33"),
])
def test_a_decline_names_the_outside_body(real_bot, question, body):
    reply = real_bot.ask(question)
    assert reply.status == "no_answer" and body in reply.text


@pytest.mark.real_model
@pytest.mark.parametrize(("question", "status", "body"), [
    ("Hvor lang er ventetiden på DPS for voksne nå?", "no_answer", "spesialisthelsetjenesten"),
    ("Hva tar et privat rengjøringsfirma for å vaske hos mor?", "no_answer", "private"),
    ("Sykehuset skal skrive ut mor i morgen, men hun klarer seg ikke alene. Hva gjør vi?", "answered", ""),
])
def test_an_outside_body_named_beside_a_service_is_declined_with_its_route(real_bot, question, status, body):
    reply = real_bot.ask(question)
    assert reply.status == status, reply.text
    assert body in reply.text


@pytest.mark.parametrize(("question", "hospital"), [
    ("hvor lang er ventelista på sykehuset for nytt kne nå?", True),
    ("Hvor lenge må far vente på kneoperasjonen?", True),
    ("hvor lang ventetid er det for operasjon ved sykehuset", True),
    # waiting at the hospital for a municipal place, the nursing home's list and help while waiting are the guide's
    ("må mor vente på sykehuset til det blir ledig plass på sykehjemmet?", False),
    ("hvor lang er ventelista for sykehjemsplass?", False),
    ("er det venteliste på korttidsplass etter operasjonen?", False),
    ("kan jeg få hjemmehjelp mens jeg venter på en operasjon?", False),
    ("vi venter på operasjonsdato, kan vi få avlastning i mellomtiden?", False),
    ("mor står på venteliste til sykehjem og ligger på sykehuset nå", False),
])
def test_the_hospitals_waiting_list_or_time_names_the_hospital(question, hospital):
    from assistant.bank_texts import outside_names

    found = {topic for topic, rx in outside_names() if rx.search(question.lower())}
    assert ("specialist" in found) == hospital, found


def test_how_long_it_takes_is_answered_from_where_the_guide_says_it(hashing_assistant, assert_reply_grounded):
    # trygghetsalarm states no decision time of its own: the general decision time answers, under its service
    reply = hashing_assistant.ask("Hvor lang tid tar det å få trygghetsalarm?")
    assert_reply_grounded(hashing_assistant, reply)
    assert "foreløpig svar" in reply.text and "Slik søker du om helse- og omsorgstjenester" in reply.text
    assert reply.aspects[:1] == ("time",)
    # a deadline is the deadline, not who may complain
    reply = hashing_assistant.ask("og fristen?", [Turn("user", "Far fikk avslag, kan vi klage?"),
                                                  Turn("assistant", "Klage på vedtak", services=("klage",))])
    assert_reply_grounded(hashing_assistant, reply)
    assert "Klagefristen" in reply.text.split("\n\n")[1]


def test_forvaltnings_decision_time_answers_only_for_the_services_it_grants(hashing_assistant, assert_reply_grounded):
    # NAV decides on social assistance: its description states no time, and Forvaltning's is not NAV's
    reply = hashing_assistant.ask("Jeg søkte om økonomisk sosialhjelp forrige uke. Hvor lang tid tar det før jeg får svar?")
    assert_reply_grounded(hashing_assistant, reply)
    assert "sier ikke hvor lang tid det tar." in reply.text
    assert "Slik søker du om helse- og omsorgstjenester" not in reply.text and "foreløpig svar" not in reply.text


def test_how_long_a_service_lasts_is_quoted_or_said_to_be_unstated(hashing_assistant, assert_reply_grounded):
    # the length sits in a list item under "Hva inngår": quoted with its list's introduction, not "ikke varig"
    reply = hashing_assistant.ask("hvor lenge varer hverdagsrehabilitering?")
    assert_reply_grounded(hashing_assistant, reply)
    assert reply.aspects[:1] == ("duration",)
    assert "vanligvis noen uker" in reply.text and "Hverdagsrehabilitering omfatter:" in reply.text
    # the deadline to appeal is "fire uker" too, and no length of anything
    reply = hashing_assistant.ask("hvor lenge kan mor være på korttidsopphold?")
    assert_reply_grounded(hashing_assistant, reply)
    assert "tidsavgrenset" in reply.text and "klagefrist" not in reply.text.lower()
    # a service whose description states no length: said so, with nothing else quoted for that part
    reply = hashing_assistant.ask("hvor lenge kan jeg få økonomisk sosialhjelp?")
    assert_reply_grounded(hashing_assistant, reply)
    assert "sier ikke hvor lenge det varer eller gjelder" in reply.text
    assert "klagefrist" not in reply.text.lower()


def test_who_can_get_a_service_is_told_with_its_criteria_together(hashing_assistant, assert_reply_grounded):
    # the 32-hour threshold and the two years sit after "25 til 32 timer", which shares the question's words: the
    # criteria are quoted from the section's start, in reading order, not the matching sentence alone
    reply = hashing_assistant.ask("Hvor stort må timebehovet være før en bruker har rett på BPA?")
    assert_reply_grounded(hashing_assistant, reply)
    assert "minst 32 timer per uke" in reply.text and "mer enn to år" in reply.text
    assert reply.text.index("under 67 år") < reply.text.index("mer enn to år") < reply.text.index("25 til 32 timer")


def test_the_legal_basis_is_told_under_its_heading_with_a_colon_and_is_grounded(hashing_assistant,
                                                                               assert_reply_grounded):
    # a heading that is no question ends with a colon, as the reply shows it, and the grounding check knows it so
    reply = hashing_assistant.ask("hvilken lovhjemmel gjelder for omsorgsstønad?")
    assert_reply_grounded(hashing_assistant, reply)
    assert reply.status == "answered" and "*Lovgrunnlag:*" in reply.text and "§" in reply.text


def test_an_age_asked_about_is_answered_by_who_can_get_it(hashing_assistant, assert_reply_grounded):
    # "under" is no word of the question's subject: it found "hjelpen du trenger under arrangementet" (what is expected)
    reply = hashing_assistant.ask("kan ungdom under 16 få ledsagerbevis")
    assert_reply_grounded(hashing_assistant, reply)
    assert "*Hvem kan få tjenesten?*" in reply.text and "aldersgrense" in reply.text
    assert "*Hva forventes av deg?*" not in reply.text


def test_what_happens_when_a_stay_ends_is_what_the_guide_says_comes_after(hashing_assistant, assert_reply_grounded):
    history = [Turn("user", "kor lenge kan mor vær på korttidsopphold"),
               Turn("assistant", "Korttidsopphold i sykehjem", services=("korttidsopphold",))]
    reply = hashing_assistant.ask("å ka skjer når tida e ute, må ho hjem da?", history)
    assert_reply_grounded(hashing_assistant, reply)
    assert reply.aspects[:1] == ("after",)
    assert "hva som skal skje etterpå" in reply.text and "flytter mange hjem" in reply.text
    assert "Du søker om korttidsopphold" not in reply.text


def test_the_route_is_the_one_of_the_service_that_answered(hashing_assistant, assert_reply_grounded):
    # the deadline to appeal a decision about hjemmehjelp is told by the appeal's description: the reply ends
    # with how to appeal, not with how to apply for hjemmehjelp
    reply = hashing_assistant.ask("hva er klagefristen på et vedtak om hjemmehjelp")
    assert_reply_grounded(hashing_assistant, reply)
    route = [p for p in reply.parts if p.kind == "route"]
    assert route and GUIDE["klage"].route.sentence in route[0].text
    assert GUIDE["praktisk-bistand"].route.sentence not in reply.text


def test_with_two_services_each_ends_with_its_own_route_under_its_name(hashing_assistant, assert_reply_grounded):
    # the first service's route after the second one's answer read as the second's, and the second's was lost
    from assistant.plan import Plan, PlannedPart, PlannedService
    from assistant.understanding import Understanding

    bot = hashing_assistant
    question = "kem kan hjelp mæ med høreapparatet? og kan æ få tt kort?"
    u = Understanding(question, question, aspects=("included", "who"), asks=True,
                      analysis=bot.analyzer.analyse(question))
    asked = (("syn-horsel", "included", "kem kan hjelp mæ med høreapparatet?"), ("tt-ordning", "who", "kan æ få tt kort?"))
    parts = tuple(PlannedPart(sid, aspect, text, bot.analyzer.analyse(text)) for sid, aspect, text in asked)
    services = (PlannedService("syn-horsel", "primary", "named", 1.0, ("included",)),
                PlannedService("tt-ordning", "also", "named", 1.0, ("who",)))
    reply = bot.writer.write(Plan("answered", "direct", u, services, parts=parts))
    assert_reply_grounded(bot, reply)
    leads = [i for i, p in enumerate(reply.parts) if p.kind == "lead"]
    hearing, tt = (GUIDE[sid].route.sentence for sid in ("syn-horsel", "tt-ordning"))
    where = {s: next(i for i, p in enumerate(reply.parts) if s in p.text) for s in (hearing, tt)}
    assert leads[0] < where[hearing] < leads[1] < where[tt]
    assert reply.parts[-1].kind == "next_step"
    # one service keeps one route, at the end
    one = bot.writer.write(Plan("answered", "direct", u, services[:1], parts=parts[:1]))
    assert [p.kind for p in one.parts][-2:] == ["route", "next_step"] and tt not in one.text
    # a description that tells of every service (how to appeal) keeps its route beside another service's
    question = "hvor lenge har jeg på meg å klage på vedtaket, og hvem kan få støttekontakt?"
    asked = (("klage", "deadline", "hvor lenge har jeg på meg å klage på vedtaket"),
             ("stottekontakt", "who", "hvem kan få støttekontakt?"))
    parts = tuple(PlannedPart(sid, aspect, text, bot.analyzer.analyse(text)) for sid, aspect, text in asked)
    services = (PlannedService("klage", "primary", "named", 1.0, ("deadline",)),
                PlannedService("stottekontakt", "also", "named", 1.0, ("who",)))
    reply = bot.writer.write(Plan("answered", "direct", Understanding(question, question, aspects=("deadline", "who"),
                                                                      asks=True), services, parts=parts))
    assert_reply_grounded(bot, reply)
    assert GUIDE["klage"].route.sentence in reply.text and GUIDE["stottekontakt"].route.sentence in reply.text
    # a description that answered for the service asked about (how long any decision takes) adds no route of its own
    question = "hvor lang tid tar det å få trygghetsalarm, og hva koster den?"
    asked = (("trygghetsalarm", "time", "hvor lang tid tar det å få trygghetsalarm"),
             ("trygghetsalarm", "cost", "hva koster den?"))
    parts = tuple(PlannedPart(sid, aspect, text, bot.analyzer.analyse(text)) for sid, aspect, text in asked)
    reply = bot.writer.write(Plan("answered", "direct", Understanding(question, question, aspects=("time", "cost"),
                                                                      asks=True),
                                  (PlannedService("trygghetsalarm", "primary", "named", 1.0, ("time", "cost")),),
                                  parts=parts))
    assert_reply_grounded(bot, reply)
    assert len({p.service_id for p in reply.parts if p.kind == "lead"}) == 2  # the decision time's description too
    assert [p.service_id for p in reply.parts if p.kind == "route"] == ["trygghetsalarm"]


@pytest.mark.parametrize("question", ["Hvem kan få trygghetsalarm?", "mor klarer ikke lage mat selv lenger"])
def test_staff_mode_speaks_of_the_user_and_keeps_the_guides_quotes(hashing_assistant, assert_reply_grounded,
                                                                   question):
    citizen = hashing_assistant.ask(question)
    staff = hashing_assistant.ask(question, audience="staff")
    assert_reply_grounded(hashing_assistant, staff)
    own = [p.text for p in staff.parts if not p.citations]
    assert templates.NEXT_STEP_STAFF in own and templates.NEXT_STEP not in own
    assert not any(w in t.split() for t in own for w in ("du", "deg", "ditt", "din")), own
    # the same passages: only the reply's own sentences change
    assert [c.chunk_id for c in staff.citations] == [c.chunk_id for c in citizen.citations]


def test_every_topic_a_service_always_tells_is_a_topic_the_writer_knows(hashing_assistant):
    from assistant.rules import rules

    told = {t for d in hashing_assistant.guide.documents for t in d.always_tell}
    assert told and told <= set(rules().topics)


def test_whom_to_contact_closes_a_reply_that_asks_about_who_is_contacted(hashing_assistant):
    # the cancer coordinator is reached through the switchboard, not by applying for home nursing; the route's
    # contact sentence holds the word asked, the application sentence does not
    doc = hashing_assistant.document("palliasjon")
    assert doc.route.contact and "kreftkoordinator" in doc.route.contact
    reply = hashing_assistant.ask("fikk kreftdiagnose i forrige uke. finnes det en kreftkoordinator i kommunen?")
    assert doc.route.contact in reply.text and doc.route.sentence not in reply.text
    # a word of how to reach anyone ("telefonen") is no reason: a hearing situation's route leads with its own
    # sentence (the contact, which a service reached directly always adds, follows it)
    reply = hashing_assistant.ask("hører nesten ingenting i telefonen lenger")
    route = hashing_assistant.document("syn-horsel").route
    assert reply.services[0] != "syn-horsel" or (
        route.sentence in reply.text and reply.text.find(route.contact) > reply.text.find(route.sentence))


def test_a_service_reached_directly_says_how_to_reach_it(hashing_assistant, assert_reply_grounded):
    # "Du trenger ikke søke om helsestasjon" alone left the asker without a way in: its route says how, after it
    route = hashing_assistant.document("helsestasjon").route
    assert route.kind == "direct" and route.contact
    reply = hashing_assistant.ask("Koster det noe å gå på helsestasjonen med babyen?")
    assert_reply_grounded(hashing_assistant, reply)
    assert route.sentence in reply.text and route.contact in reply.text
    assert reply.text.find(route.sentence) < reply.text.find(route.contact)
    # a service one applies for keeps its application sentence alone where whom to contact is not asked
    route = hashing_assistant.document("koordinerende-enhet").route
    assert route.kind == "forvaltning" and route.contact
    reply = hashing_assistant.ask("Hvilke vilkår gjelder for å få individuell plan?")
    assert route.sentence in reply.text and route.contact not in reply.text
    # where the section on how to apply answers and leaves out how to reach a service reached directly, that follows
    route = hashing_assistant.document("fysioterapi").route
    reply = hashing_assistant.ask("Må jeg ha henvisning fra legen for å gå til fysioterapeut?")
    assert reply.services[0] == "fysioterapi" and route.contact in reply.text


def test_both_sentences_of_a_direct_route_stand_in_one_passage(hashing_assistant):
    # the route quotes them as one paragraph with one citation, in the guide's order
    picker = hashing_assistant.writer.picker
    direct = [d for d in hashing_assistant.guide.documents if d.route and d.route.kind == "direct" and d.route.contact]
    assert len(direct) >= 5
    for doc in direct:
        found = [picker.sentence(doc.service_id, None, t) for t in (doc.route.sentence, doc.route.contact)]
        assert all(found) and found[0][0].chunk_id == found[1][0].chunk_id, doc.service_id


def test_a_price_answer_without_an_amount_says_whom_to_ask(hashing_assistant, assert_reply_grounded):
    reply = hashing_assistant.ask("Hva koster korttidsopphold?")
    assert_reply_grounded(hashing_assistant, reply)
    assert "Spør Forvaltning helse og omsorg om gjeldende egenandel per døgn." in reply.text
    # a sentence on whom to ask that is not about the price is not added ("Spør tannklinikken om hvordan du kommer
    # deg til timen")
    reply = hashing_assistant.ask("Hva koster tannbehandling for de som har hjemmesykepleie?")
    assert "kommer deg til timen" not in reply.text


@pytest.mark.real_model
@pytest.mark.parametrize("question", [
    "Når har helsestasjonen åpent? Gutten min på to har akkurat drukket av oppvaskmiddelet under vasken og hoster.",
    "Eg har gitt bort alt eg eig og skrive brev til dei eg er glad i. Ingen kjem til å sakne meg etter i kveld.",
])
def test_danger_told_without_the_usual_words_gets_113_first(real_bot, question):
    reply = real_bot.ask(question)
    assert reply.status == "emergency" and "113" in reply.text.split("\n", 1)[0], reply.text[:200]


def test_a_follow_up_that_fears_a_refusal_is_answered_with_the_services_own_appeal(hashing_assistant, assert_reply_grounded):
    history = [Turn("user", "Hvordan søker jeg TT-kort?"),
               Turn("assistant", "Forklarte søknad om TT-kort.", ("tt-ordning",))]
    reply = hashing_assistant.ask("og hvis jeg får nei?", history)
    assert_reply_grounded(hashing_assistant, reply)
    # the TT card's own appeal, decided by the county: three weeks, not the municipality's four
    assert reply.services[0] == "tt-ordning" and "Klagefristen er tre uker" in reply.text, reply.text


def test_what_happens_after_a_short_stay_includes_the_new_assessment_when_home_is_not_safe(hashing_assistant,
                                                                                          assert_reply_grounded):
    reply = hashing_assistant.ask("Hva skjer når korttidsoppholdet er over, og hun ikke klarer seg hjemme?")
    assert reply.services[0] == "korttidsopphold"
    assert "vurderer kommunen sammen med deg hva som skal skje etterpå" in reply.text
    assert "gjør kommunen en ny vurdering av behovet ditt" in reply.text
    assert_reply_grounded(hashing_assistant, reply)


def test_a_price_question_gets_the_whole_price_section_its_rules_hang_together(hashing_assistant,
                                                                             assert_reply_grounded):
    # the income basis alone ("beregnes ut fra inntekten din") misleads without the share of it that is taken
    reply = hashing_assistant.ask("Hvordan beregnes vederlaget for langtidsopphold på sykehjem?")
    assert reply.services[0] == "langtidsopphold"
    assert "inntil 75 prosent av inntekten" in reply.text and "beregnes ut fra inntekten din" in reply.text
    assert_reply_grounded(hashing_assistant, reply)
