"""Norwegian text normalisation for search: nynorsk and trøndersk forms mapped to bokmål, then stemmed.

Citizens write "kæm kan få heimesjukepleie" as often as "hvem kan få hjemmesykepleie"; the lexicon maps
the first onto the second before stemming, so both hit the same index terms.
"""

from __future__ import annotations

import re
from functools import lru_cache

from corpus.text import nfc

#: Whole-word forms -> bokmål. Question words matter for aspect detection, content words for retrieval.
LEXICON: dict[str, str] = {
    # question words
    "kva": "hva", "ka": "hva", "kå": "hva", "va": "hva", "hvafor": "hvorfor", "kvifor": "hvorfor",
    "korfor": "hvorfor", "koffor": "hvorfor", "kvifør": "hvorfor",
    "kven": "hvem", "kæm": "hvem", "kem": "hvem", "kenn": "hvem", "hvæm": "hvem",
    "korleis": "hvordan", "åssen": "hvordan", "åsen": "hvordan", "kossen": "hvordan", "koss": "hvordan",
    "hvordann": "hvordan", "hvorden": "hvordan", "kordan": "hvordan",
    "kor": "hvor", "kormykje": "hvor mye", "kåleis": "hvordan", "når": "når", "ner": "når", "nårr": "når",
    # pronouns and function words
    "æ": "jeg", "eg": "jeg", "je": "jeg", "mæ": "meg", "dæ": "deg", "sæ": "seg", "ho": "hun", "hu": "hun",
    "dokker": "dere", "dokk": "dere", "dykk": "dere", "me": "vi", "dei": "de", "dem": "de",
    "itj": "ikke", "ikkje": "ikke", "ikkj": "ikke", "ittj": "ikke", "ente": "ikke", "bu": "bo", "bur": "bor", "ligg": "ligger", "golvet": "gulvet", "golv": "gulv",
    "kjem": "kommer", "kjæm": "kommer", "meir": "mer", "mær": "mer", "hjå": "hos", "saman": "sammen",
    "sjøl": "selv", "sjølv": "selv", "mykje": "mye", "myttj": "mye", "berre": "bare", "bærre": "bare",
    "frå": "fra", "ein": "en", "eit": "et", "nokon": "noen", "nokre": "noen", "noko": "noe", "kanskje": "kanskje",
    "heime": "hjemme", "hjemmi": "hjemme", "heim": "hjem", "òg": "også", "ogso": "også",
    "treng": "trenger", "trænge": "trenger", "søkje": "søke", "søkja": "søke", "søk": "søke",
    "få": "få", "fær": "får", "koste": "koster", "kostar": "koster", "kostnad": "pris", "betale": "betale",
    "betal": "betale", "betalar": "betaler", "gamle": "eldre", "gammel": "eldre", "gammal": "eldre",
    "mor": "mor", "mora": "mor", "mamma": "mor", "mammaen": "mor", "far": "far", "faren": "far", "pappa": "far",
    "far'n": "far", "bestemor": "mor", "bestefar": "far",
    "born": "barn", "borna": "barna", "unga": "barn", "ungan": "barn", "ungen": "barn", "ongan": "barn",
    "ongen": "barn",
    # content words (nynorsk and dialect)
    "teneste": "tjeneste", "tenesta": "tjenesten", "tenester": "tjenester", "tenestene": "tjenestene",
    "bustad": "bolig", "bustaden": "boligen", "omsorgsbustad": "omsorgsbolig", "omsorgsbustader": "omsorgsboliger",
    "pårørande": "pårørende", "pårørane": "pårørende", "avlasting": "avlastning", "avlastingsopphald": "avlastningsopphold",
    "opphald": "opphold", "korttidsopphald": "korttidsopphold", "langtidsopphald": "langtidsopphold",
    "sjukepleiar": "sykepleier", "sjukepleie": "sykepleie", "sjukeheim": "sykehjem", "sjukeheimen": "sykehjemmet",
    "sjukehus": "sykehus", "sjukehuset": "sykehuset", "sjuk": "syk", "sjuke": "syke", "lækjar": "lege",
    "lækjaren": "legen", "doktor": "lege", "doktoren": "legen", "legen": "legen",
    "tryggleiksalarm": "trygghetsalarm", "tryggleik": "trygghet", "trygghetsalarmen": "trygghetsalarm",
    "hjelpemiddel": "hjelpemiddel", "hjelpemiddelet": "hjelpemidlet", "eigendel": "egenandel",
    "eigenandel": "egenandel", "eigenbetaling": "egenandel", "vederlaget": "vederlag",
    "vedtaket": "vedtak", "klaga": "klage", "klagar": "klager", "søknaden": "søknad",
    "rettleiing": "veiledning", "opplæring": "opplæring", "helsestasjonen": "helsestasjon",
    "hjemmehjelpa": "hjemmehjelp", "heimehjelp": "hjemmehjelp", "heimehjelpa": "hjemmehjelp",
    "vaske": "vask", "vasking": "vask", "reingjering": "rengjøring", "reinhald": "rengjøring",
    "middagen": "middag", "maten": "mat", "demente": "demens", "dement": "demens", "glemsk": "hukommelse",
    "gløymer": "glemmer", "gløyme": "glemme", "minne": "hukommelse", "hukommelsen": "hukommelse",
    "rus": "rus", "psykisk": "psykisk", "psykiske": "psykisk", "lei": "lei",
    "pengar": "penger", "pæng": "penger", "pænga": "penger", "gjeld": "gjeld",
    "bil": "bil", "parkere": "parkering", "parkeringskort": "parkeringstillatelse", "hc": "hc",
    "drosje": "drosje", "taxi": "drosje", "tt": "tt",
    # more trøndersk/nynorsk seen in real questions
    "hue": "hodet", "huet": "hodet", "prat": "snakke", "prate": "snakke", "snakk": "snakke", "nån": "noen",
    "nåen": "noen", "te": "til", "tel": "til", "e": "er", "heile": "hele", "vaken": "våken", "vaknar": "våkner",
    "datt": "falt", "dætt": "falt", "slådd": "slått", "gløymsk": "hukommelse", "ska": "skal",
    "sku": "skulle", "bestemm": "bestemme", "høyreapparat": "høreapparat", "høyreapparatet": "høreapparat",
    "høyrsel": "hørsel", "syn": "syn", "gjer": "gjør", "gjør": "gjør", "dokkers": "deres", "mykj": "mye",
    # everyday words for what the guide calls legemidler
    "medisin": "legemiddel", "medisinen": "legemidlet", "medisiner": "legemidler", "medisinene": "legemidlene",
    "medisinan": "legemidlene", "medisina": "legemidlene", "medikamenter": "legemidler",
    # English keywords a visitor may type
    "dementia": "demens", "daycare": "dagaktivitet", "gp": "fastlege", "vaccinated": "vaksine",
    "vaccine": "vaksine", "vaccines": "vaksine", "baby": "spedbarn", "counselling": "rådgivning",
    "counseling": "rådgivning", "financial": "økonomisk", "money": "penger", "food": "mat",
    "nursing_home": "sykehjem", "longterm": "langtidsopphold", "help": "hjelp", "disabled": "funksjonsnedsettelse",
    "parking": "parkering", "permit": "tillatelse", "mental": "psykisk", "health": "helse", "addiction": "rus",
    "meals": "middag", "dinner": "middag", "assistant": "assistanse", "respite": "avlastning", "carer": "pårørende",
    "caregiver": "pårørende", "elderly": "eldre", "rehabilitation": "rehabilitering", "physiotherapy": "fysioterapi",
    "physiotherapist": "fysioterapeut", "dental": "tannhelse", "hearing": "hørsel", "aid": "hjelpemiddel",
    "shelter": "midlertidig botilbud", "homeless": "bostedsløs",
    "price": "pris", "cost": "pris", "home": "hjemme", "nursing": "sykepleie", "care": "omsorg",
    "apply": "søke", "application": "søknad", "complaint": "klage", "appeal": "klage",
    "doctor": "lege", "dentist": "tannlege", "emergency": "legevakt", "alarm": "trygghetsalarm",
    "relief": "avlastning", "wheelchair": "rullestol", "debt": "gjeld", "housing": "bolig",
}

#: Compound prefixes: nynorsk/dialect first parts rewritten inside longer words.
PREFIXES: tuple[tuple[str, str], ...] = (
    ("heimesjuke", "hjemmesyke"), ("heime", "hjemme"), ("heim", "hjem"), ("sjuke", "syke"),
    ("sjuk", "syk"), ("sjukheim", "sykehjem"), ("høyre", "høre"), ("tryggleiks", "trygghets"), ("bustad", "bolig"), ("teneste", "tjeneste"),
    ("omsorgsbustad", "omsorgsbolig"), ("pårørande", "pårørende"), ("hjelpemiddel", "hjelpemiddel"),
)

_PREFIXES_LONGEST_FIRST = sorted(PREFIXES, key=lambda p: len(p[0]), reverse=True)
_TOKEN = re.compile(r"[0-9a-zæøåäöéèüA-ZÆØÅÄÖÉÈÜ]+")


def _map_word(word: str) -> str:
    if word in LEXICON:
        return LEXICON[word]
    for old, new in _PREFIXES_LONGEST_FIRST:
        if word.startswith(old):
            return new + word[len(old):]
    return word


#: Multi-word expressions rewritten after word mapping ("har ikke råd" means lack of money, not advice).
PHRASES: tuple[tuple[str, str], ...] = (
    ("ikke råd til", "ikke penger til"), ("ikke råd", "ikke penger"), ("kor mye", "hvor mye"),
    # being paid for care is omsorgsstønad's "godtgjøring", not a price to pay
    ("få betalt", "få godtgjøring"), ("få noe betalt", "få godtgjøring"), ("få nå betalt", "få godtgjøring"), ("bli betalt", "få godtgjøring"),
    ("få lønn", "få godtgjøring"), ("få noe lønn", "få godtgjøring"), ("få noen penger", "få godtgjøring"),
    ("day care", "dagaktivitet"), ("nursing home", "sykehjem"), ("home care", "hjemmesykepleie"),
    ("long term", "langtidsopphold"),
)


def normalise_text(text: str) -> str:
    """Lower-case, NFC, nynorsk/dialect forms rewritten to bokmål; punctuation dropped.

    >>> normalise_text("Kæm kan få heimesjukepleie?")
    'hvem kan få hjemmesykepleie'
    """
    def phrases(value: str) -> str:
        for old, new in PHRASES:
            if old in value:
                value = re.sub(rf"\b{old}\b", new, value)
        return value

    # phrases run before word mapping ("day care") and after it ("itj råd" -> "ikke råd")
    words = _TOKEN.findall(phrases(" ".join(_TOKEN.findall(nfc(text).lower()))))
    return phrases(" ".join(_map_word(w) for w in words))


def normalise_tokens(text: str) -> list[str]:
    """The words of :func:`normalise_text`, split."""
    return normalise_text(text).split()


@lru_cache(maxsize=1)
def _stemmer():
    try:
        import Stemmer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("PyStemmer is not installed: pip install PyStemmer") from exc
    return Stemmer.Stemmer("norwegian")


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_NORWEGIAN

    return frozenset(STOPWORDS_NORWEGIAN)


def analyzer_fingerprint() -> str:
    """A hash of everything that decides lexical terms; a change means the BM25 index must be rebuilt."""
    import hashlib
    import json

    import Stemmer

    stemmer_version = Stemmer.version() if callable(Stemmer.version) else Stemmer.version
    blob = json.dumps([sorted(LEXICON.items()), PREFIXES, PHRASES, sorted(_stopwords()), str(stemmer_version)],
                      ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def lexical_terms(text: str) -> list[str]:
    """Terms for the BM25 index: normalised words, stopwords removed, Snowball-stemmed (Norwegian)."""
    stop = _stopwords()
    words = [w for w in normalise_tokens(text) if w not in stop and len(w) > 1]
    return _stemmer().stemWords(words)
