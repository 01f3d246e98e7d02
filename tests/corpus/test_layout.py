"""corpus/layout.py and corpus/names.py on hand-made page lines: furniture, contents pages, titles, headings."""

from __future__ import annotations

from corpus.layout import norm_line, parse_pages, strip_furniture, toc_pages
from corpus.names import ServiceNames
from corpus.schema import default_schema

CATALOGUE = {"hjemmesykepleie": "Hjemmesykepleie", "langtidsopphold": "Langtidsopphold i sykehjem",
             "dagaktivitet": "Dagaktivitetstilbud (dagsenter)", "egenandel": "Egenandel og betaling",
             "korttidsopphold": "Korttidsopphold i sykehjem"}
ALIASES = {"langtidsopphold": ("langtidsplass", "sykehjem"), "egenandel": ("egenandel", "pris"),
           "dagaktivitet": ("dagsenter",), "korttidsopphold": ("sykehjem",)}


def names() -> ServiceNames:
    return ServiceNames.build(CATALOGUE, ALIASES, default_schema())


def test_justified_spacing_and_ligatures_collapse():
    assert norm_line("Kommunen   gir\u00a0\u00a0hjelp  til   ﬂere") == "Kommunen gir hjelp til flere"


def test_running_header_is_found_by_repetition_not_by_name():
    words = ["en", "to", "tre", "fire", "fem", "seks"]
    pages = [["Årsmelding helse 2026", "", f"Tekst {w} om hjelp.", f"Mer tekst {w}.", "Hjelp hjemme.",
              f"Siste avsnitt {w}.", f"- {n} -"] for n, w in enumerate(words, start=1)]
    pages[2][4] = "Årsmelding helse 2026"  # the same words mid-page are content
    out, furniture = strip_furniture(pages, keep=set())
    assert furniture == ["- 1 -", "Årsmelding helse 2026"]
    assert out[0] == ["Tekst en om hjelp.", "Mer tekst en.", "Hjelp hjemme.", "Siste avsnitt en."]
    assert "Årsmelding helse 2026" in out[2]


def test_contents_pages_are_recognised_by_title_or_leaders():
    pages = [["Forside"], ["Innholdsfortegnelse", "1. Hjemmesykepleie 3"],
             ["Tjenester", "Hjemmesykepleie ....... 3", "Avlastning ....... 4", "Ergoterapi ....... 5"],
             ["Hjemmesykepleie", "Hva er tjenesten?", "Tekst ....... slutt."]]
    assert toc_pages(pages) == {2, 3}


def test_title_matching_exact_contains_alias_and_rejects_sentences():
    n = names()
    assert n.match("12. Hjemmesykepleie").how == "exact"
    m = n.match("Helsetjenester i hjemmet (hjemmesykepleie)")
    assert (m.service_id, m.how, m.kind) == ("hjemmesykepleie", "contains", "title")
    m = n.match("Langtidsplass i sykehjem")
    assert (m.service_id, m.name) == ("langtidsopphold", "langtidsplass")
    assert n.match("Dagaktivitetstilbud").kind == "title-part"
    assert n.match("Hjemmesykepleie er gratis.") is None
    assert n.match("Tildelingskriteriene for hjemmesykepleie er:") is None
    assert n.match("hjemmesykepleie og praktisk bistand samarbeider tett om deg") is None
    assert n.match("Sykehjem") is None  # an alias two services share names neither


def test_several_services_on_one_page_with_numbered_and_unknown_headings():
    page = ["1. Hjemmesykepleie", "", "1.1 Beskrivelse av tjenesten", "Helsehjelp hjemme.", "",
            "1.2 Egenandel", "Hjemmesykepleie er gratis.", "", "1.3 Praktisk informasjon", "Ring før kl. 10.", "",
            "2. Langtidsplass i sykehjem", "", "2.1 Tildelingskriterier", "Du trenger", "pleie og", "tilsyn", "hele døgnet.", "",
            "2.2 Pris", "Vederlaget beregnes ut fra inntekten og betaling.", "", "Egenandel og betaling",
            "3 Tekst"]
    docs, report = parse_pages([page], source="x.pdf", catalogue=CATALOGUE, aliases=ALIASES,
                               schema=default_schema())
    assert [d.service_id for d in docs] == ["hjemmesykepleie", "langtidsopphold"]
    assert [(s.heading, s.aspect) for s in docs[0].sections] == [
        ("Beskrivelse av tjenesten", "what"), ("Egenandel", "cost"), ("Praktisk informasjon", "other")]
    assert [(s.heading, s.aspect, s.text) for s in docs[1].sections] == [
        ("Tildelingskriterier", "who", "Du trenger pleie og tilsyn hele døgnet."),
        ("Pris", "cost", "Vederlaget beregnes ut fra inntekten og betaling.\n\nEgenandel og betaling 3 Tekst")]
    assert docs[0].pages == docs[1].pages == (1,)
    assert [s.matched_by for s in report.services] == ["catalogue title", "contains alias 'langtidsplass'"]
    assert report.unplaced == ("page 1: 'Egenandel og betaling' names egenandel but no section heading follows; "
                               "read as text",)
    assert report.not_found == ("dagaktivitet", "egenandel", "korttidsopphold")


def test_a_chapter_whose_title_names_no_service_is_matched_by_meaning_and_a_lookalike_line_is_not():
    """A subtitle, or a last line without a full stop before a heading, is no chapter: the open chapter does not
    have that heading's aspect yet. A chapter that fits nothing well is refused, and ends the one before it."""
    page = ["Hjemmesykepleie", "", "Til deg som bor hjemme", "", "Hva er tjenesten?", "Helsehjelp hjemme,",
            "for deg som trenger", "det.", "", "Les mer på kommunens nettsider", "", "Hva koster det?",
            "Hjemmesykepleie", "er gratis for", "alle.", "",
            "Fast plass på institusjon", "", "Hva er tjenesten?", "Et langtidsopphold i sykehjem gir",
            "heldøgns pleie og omsorg", "når du ikke kan bo hjemme.", "", "Hva koster det?", "Du betaler",
            "vederlag etter", "inntekt.", "",
            "Andre tilbud", "", "Hva er tjenesten?", "Kommunen har", "flere tilbud", "til deg.", "",
            "Hva koster det?", "Det varierer", "fra tilbud", "til tilbud."]
    descriptions = {"langtidsopphold": "heldøgns omsorg når alt annet er prøvd, venteliste, vederlag",
                    "korttidsopphold": "tidsavgrenset opphold etter sykehusopphold, pris per døgn"}
    docs, report = parse_pages([page], source="x.pdf", catalogue=CATALOGUE, aliases=ALIASES,
                               schema=default_schema(), descriptions=descriptions)
    assert [d.service_id for d in docs] == ["hjemmesykepleie", "langtidsopphold"]
    home, long_stay = docs
    assert [s.heading for s in home.sections] == ["Innledning", "Hva er tjenesten?", "Hva koster det?"]
    assert "Les mer på kommunens nettsider" in home.sections[1].text
    # nothing of "Andre tilbud", the refused chapter, in the chapter before it
    assert [s.text for s in long_stay.sections] == [" ".join(page[19:22]), " ".join(page[24:27])]
    (mapping,) = [s for s in report.services if s.service_id == "langtidsopphold"]
    assert mapping.found_title == "Fast plass på institusjon"
    assert mapping.matched_by.startswith("by meaning, n-gram TF-IDF cosine: langtidsopphold ")
    (refused,) = report.refused
    assert refused.startswith("page 1: 'Andre tilbud': too unlike any service (score under 0.20)"), refused
