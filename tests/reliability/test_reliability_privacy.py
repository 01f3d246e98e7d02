"""Personal data never leaves the question: not in logs, replies, JSON output, tracebacks or index files.

Masking (assistant/privacy.py) runs before a question is embedded, searched, logged or stored; these tests
look for the digits everywhere they could end up.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
from tests.conftest import REPO, seed_cache

from assistant import cli, templates
from assistant.core import Assistant
from assistant.privacy import EMAIL_MASK, FNR_MASK, PHONE_MASK, fnr_checksum_ok, mask_personal_data
from assistant.types import Turn
from index.retriever import Retriever

FNR_VALID = "31129956715"      # passes the mod-11 control digits
FNR_INVALID = "31129956716"    # a typo: still personal data
DNR = "71129956709"            # a valid D-number (first digit + 4)
QUESTION = "Mitt fnr er 311299 56715, jeg har diabetes"
NAME = "Sigrunnsdatter"  # a name that is in no corpus file, to find the question itself on disk

#: Any run of 11 digits, with or without single separators between them.
ELEVEN_DIGITS = re.compile(r"(?<!\d)\d(?:[ .\-]?\d){10}(?!\d)")
SECRETS = (FNR_VALID, FNR_INVALID, DNR, "91234567", "41234567", "kari.nordmann")


def assert_clean(text: str, *secrets: str) -> None:
    """No 11-digit run and none of the given values, even with separators removed between digits."""
    assert not ELEVEN_DIGITS.search(text), ELEVEN_DIGITS.search(text)
    joined = re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", text)
    for secret in secrets or SECRETS:
        assert secret not in joined, secret


def all_loggers_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


# -- masking itself ----------------------------------------------------------------------------------------


def test_the_test_numbers_are_what_they_claim():
    assert fnr_checksum_ok(FNR_VALID) and fnr_checksum_ok(DNR)
    assert not fnr_checksum_ok(FNR_INVALID)


@pytest.mark.parametrize("text", [
    FNR_VALID, FNR_INVALID, DNR, "311299 56715", "311299-56715", "311 299 567 15", "31.12.99 567 15",
    "3 1 1 2 9 9 5 6 7 1 5", "fnr:31129956715.", "(31129956716)", "nr 12345678901 og 10987654321",
    # longer runs hold an 11-digit run too: an id typed with an extra digit, or glued to a phone number
    "311299567150", f"{FNR_VALID} 91234567", "kort 4111 1111 1111 1111",
])
def test_every_eleven_digit_run_is_masked_valid_checksum_or_not(text):
    masked = mask_personal_data(text)
    assert_clean(masked.text)
    assert FNR_MASK in masked.text and "national_id" in masked.found


@pytest.mark.parametrize("text", [
    "912 34 567", "+47 91234567", "91234567", "+4791234567", "0047 912 34 567", "+47 912 34 567",
    "91 23 45 67", "9123 4567", "tlf. 412 34 567", "ring meg på 91234567!",
])
def test_phone_numbers_are_masked(text):
    masked = mask_personal_data(text)
    assert PHONE_MASK in masked.text and "phone" in masked.found
    assert not re.search(r"\d{3}", masked.text), masked.text


@pytest.mark.parametrize("text", [
    "kari.nordmann@example.no", "Kari.Nordmann+helse@epost.levanger.kommune.no", "skriv til ola_n-1@eksempel.com.",
])
def test_email_addresses_are_masked(text):
    masked = mask_personal_data(text)
    assert EMAIL_MASK in masked.text and "email" in masked.found
    assert "@" not in masked.text


@pytest.mark.parametrize("text", [
    "Ring 116 117", "Ring 113", "ring 112 eller 110", "Mental Helse 116 123", "født i 1948", "i 2025",
    "inntekt under 2G", "over 3G", "kr 3 500 per måned", "§ 3-2 og § 3-6", "100 000 kroner", "over 67 år",
    "kl. 09.00–15.00", "1. januar 2025", "12 timer i uka", "Grunnbeløpet er 124 028 kroner", "rom 2, 3. etasje",
])
def test_ordinary_numbers_are_left_alone(text):
    masked = mask_personal_data(text)
    assert masked.text == text and masked.found == ()


# -- the assistant: reply, logs, tracebacks ------------------------------------------------------------------


def test_reply_and_logs_hold_no_national_id(hashing_assistant, caplog, capsys):
    all_loggers_at_debug(caplog)
    replies = [
        hashing_assistant.ask(QUESTION),
        hashing_assistant.ask(f"Kan jeg få hjemmesykepleie? Fnr {FNR_INVALID}, tlf 912 34 567, kari.nordmann@x.no"),
        hashing_assistant.ask("Hva koster det?", history=[Turn("user", f"Jeg ({DNR}) lurer på trygghetsalarm")]),
        hashing_assistant.ask(f"{FNR_VALID} {FNR_VALID} {FNR_VALID}", mode="lexical"),
    ]
    for reply in replies:
        assert "personal_data" in reply.notices or reply.question == "Hva koster det?"
        for text in (reply.question, reply.text, json.dumps(reply.to_dict(), ensure_ascii=False),
                     repr(reply), *(c.quote for c in reply.citations)):
            assert_clean(text)
    assert replies[0].question == f"Mitt fnr er {FNR_MASK}, jeg har diabetes"
    assert templates.PERSONAL_DATA in replies[0].text
    assert replies[2].services[0] == "trygghetsalarm"  # the masked history turn still gives the focus
    captured = capsys.readouterr()
    for text in (caplog.text, captured.out, captured.err, *(r.getMessage() for r in caplog.records)):
        assert_clean(text)


def test_what_reaches_the_embedder_and_the_index_is_masked(hashing_assistant, monkeypatch):
    seen: list[str] = []
    embedder = hashing_assistant.retriever.embedder
    lexical = hashing_assistant.retriever.lexical
    real_encode, real_scores = embedder.encode_queries, lexical.scores
    monkeypatch.setattr(embedder, "encode_queries", lambda texts: seen.extend(texts) or real_encode(texts))
    monkeypatch.setattr(lexical, "scores", lambda query: seen.append(query) or real_scores(query))
    hashing_assistant.ask(QUESTION + " og lurer på hjemmesykepleie")
    hashing_assistant.ask("Og hva koster det?", history=[Turn("user", f"Jeg har fnr {FNR_VALID} og trenger BPA")])
    assert seen
    for query in seen:
        # the lexical index gets the question as the analyser read it: its text and every form of it
        texts = [query] if isinstance(query, str) else [query.text, query.normalised, " ".join(query.tokens),
                                                        " ".join(query.terms)]
        for text in texts:
            assert_clean(text)
            assert "fjernet" not in text  # the mask placeholders do not steer the search either


def test_traceback_after_masking_holds_no_national_id(hashing_assistant, monkeypatch):
    """Force a failure downstream of masking; the exception carries what the failing step saw."""
    r = hashing_assistant.retriever
    own = Retriever(chunks=r.chunks, dense=r.dense, lexical=r.lexical, embedder=r.embedder, manifest=r.manifest,
                    settings=r.settings, banks=r.banks, classifiers=r.classifiers,
                    generation=r.generation)  # a private copy to break, sharing the loaded index parts
    bot = Assistant(own, hashing_assistant.guide, settings=hashing_assistant.settings)

    def failing_search(query, **_):
        raise RuntimeError(f"search failed for {query!r}")

    monkeypatch.setattr(own, "search", failing_search)
    with pytest.raises(RuntimeError) as info:
        bot.ask(QUESTION)
    trace = "".join(traceback.format_exception(info.value))
    assert "diabetes" in trace  # the question did reach the exception message ...
    assert_clean(trace)         # ... but only masked


def test_cli_error_path_prints_and_logs_no_national_id(hashing_assistant, monkeypatch, capsys, caplog):
    all_loggers_at_debug(caplog)

    def failing_load(**_):
        bot = Assistant(hashing_assistant.retriever, hashing_assistant.guide, settings=hashing_assistant.settings)

        def boom(query, **_):
            raise RuntimeError(f"search failed for {query!r}")

        bot.search = boom  # type: ignore[method-assign]
        return bot

    monkeypatch.setattr(Assistant, "load", staticmethod(failing_load))
    assert cli.main(["ask", QUESTION]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    for text in (captured.out, captured.err, caplog.text):
        assert_clean(text)


# -- the command line and the files on disk --------------------------------------------------------------


def _cli(args: list[str], index_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "LEVANGER_GUIDE_PDF"}
    env.update({"LEVANGER_EMBEDDER": "hashing", "LEVANGER_INDEX_DIR": str(index_dir), "HF_HUB_OFFLINE": "1",
                "PYTHONPATH": str(REPO), "PYTHONIOENCODING": "utf-8"})
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=REPO, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def _grep_tree(folder: Path) -> list[Path]:
    """Look for the test's numbers in every file (sha256 digests make a generic 11-digit check meaningless)."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files, f"nothing under {folder}"
    for path in files:
        data = path.read_bytes()
        text = re.sub(r"(?<=\d)[\s.\-]+(?=\d)", "", data.decode("utf-8", errors="replace"))
        for secret in SECRETS + (NAME,):
            assert secret.encode() not in data and secret not in text, (path, secret)
    return files


@pytest.mark.slow
def test_cli_json_reply_and_index_files_hold_no_national_id(tmp_path, hashing_index_dir):
    index_dir = tmp_path / "cli-index"
    seed_cache(hashing_index_dir, index_dir)  # the guide's and banks' vectors and classifiers: no question in them
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"role": "user", "text": f"Jeg er {NAME}, D-nummer {DNR}, hva er BPA?"}]),
                       "utf-8")
    outs = [_cli(["ask", "--json", QUESTION], index_dir),
            _cli(["ask", "--json", "--history", str(history), f"Hva koster det? Ring {FNR_INVALID[:8]}"], index_dir),
            _cli(["ask", QUESTION], index_dir)]
    for out in outs:
        assert out.returncode == 0, out.stderr
        assert_clean(out.stdout)
        assert_clean(out.stderr)
    data = json.loads(outs[0].stdout)
    assert data["question"] == f"Mitt fnr er {FNR_MASK}, jeg har diabetes"
    assert "personal_data" in data["notices"]
    assert json.loads(outs[1].stdout)["services"][0] == "bpa"
    _grep_tree(index_dir)


def test_index_files_hold_no_question(hashing_assistant):
    for question in (QUESTION, f"Fnr {FNR_INVALID} og {DNR}: hjemmesykepleie?", f"tlf 41234567 {FNR_VALID}",
                     f"Jeg heter Kari {NAME} og trenger trygghetsalarm"):
        hashing_assistant.ask(question)
    files = _grep_tree(hashing_assistant.settings.index.data_dir)
    assert any(p.name == "chunks.jsonl" for p in files)


# -- masking happens before truncation (regression) --------------------------------------------------------


@pytest.mark.parametrize("cut", [10, 9])
def test_national_id_cut_by_truncation_is_still_masked(hashing_assistant, cut):
    limit = hashing_assistant.settings.max_question_chars
    question = "a" * (limit - cut) + FNR_VALID + " jeg har diabetes"
    reply = hashing_assistant.ask(question)
    assert "truncated" in reply.notices
    assert FNR_VALID[:cut] not in reply.question
