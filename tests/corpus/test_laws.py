"""Links from the guide's legal references to Lovdata (corpus/laws.py)."""

from __future__ import annotations

import pytest

from corpus.guide import load_guide
from corpus.laws import LegalLink, legal_links, lovdata_url


@pytest.mark.parametrize(("reference", "url"), [
    ("helse- og omsorgstjenesteloven § 3-2 første ledd nr. 6 bokstav a", "https://lovdata.no/lov/2011-06-24-30/§3-2"),
    ("helse- og omsorgstjenesteloven § 7-2 a", "https://lovdata.no/lov/2011-06-24-30/§7-2a"),
    ("pasient- og brukerrettighetsloven kapittel 7", "https://lovdata.no/lov/1999-07-02-63"),
    ("forvaltningsloven §§ 28–29", "https://lovdata.no/lov/1967-02-10/§28"),
    ("forskrift om egenandel for kommunale helse- og omsorgstjenester",
     "https://lovdata.no/forskrift/2011-12-16-1349"),
    ("forskrift om parkering for forflytningshemmede", None),  # id not checked: plain text, never a guess
])
def test_a_reference_links_to_its_law_and_section_or_to_nothing(reference, url):
    assert lovdata_url(reference) == url


def test_most_of_the_guides_references_get_a_link():
    refs = [r for d in load_guide(pdf=[]).documents for r in d.legal_basis]
    linked = [x for x in legal_links(refs) if isinstance(x, LegalLink)]
    assert len(linked) >= 0.9 * len(refs)
    assert all(x.url.startswith("https://lovdata.no/") for x in linked)
