"""The PDF loader's bounds before and while parsing: file size (checked before reading), regular files only,
a declared object count, a time bound that covers opening the file, and rate-limited pypdf warnings."""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from pathlib import Path

import pytest
from fpdf import FPDF

import corpus.pdf
from corpus.guide import load_guide
from corpus.model import CorpusError, DocumentError
from corpus.pdf import load_pdf
from corpus.pdf_limits import MAX_MB_ENV, MAX_OBJECTS, RateLimitedPypdfWarnings

CATALOGUE = {"test": "Testtjeneste"}


@pytest.fixture
def good_pdf(tmp_path: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in ("Testtjeneste", "", "Hva er tjenesten?", "Testtjeneste er et tilbud til alle."):
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "good.pdf"
    pdf.output(str(path))
    return path


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if pypdf is asked to parse anything."""
    def refuse(*_a, **_k):
        raise AssertionError("pypdf was called")

    monkeypatch.setattr(corpus.pdf, "PdfReader", refuse)


def _refused(call) -> DocumentError:
    """Run ``call`` in a thread, so a regression that blocks (a FIFO) fails instead of hanging the suite."""
    result: list[BaseException | object] = []

    def run() -> None:
        try:
            result.append(call())
        except Exception as exc:  # noqa: BLE001 - inspected below
            result.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the loader blocked"
    assert isinstance(result[0], DocumentError), result[0]
    return result[0]


def test_a_file_over_the_size_bound_is_refused_before_it_is_read(tmp_path, no_parsing):
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:
        fh.write(b"%PDF-1.7\n")
        fh.truncate(60 * 1_000_000)  # sparse: 60 MB on paper, nothing on disk
    error = _refused(lambda: load_pdf(big, catalogue=CATALOGUE))
    assert "60.0 MB" in error.reason and "limit is 50 MB" in error.reason and MAX_MB_ENV in error.reason


def test_the_size_bound_is_a_setting(good_pdf, monkeypatch):
    assert load_pdf(good_pdf, catalogue=CATALOGUE)
    size = good_pdf.stat().st_size
    assert "limit" in _refused(lambda: load_pdf(good_pdf, catalogue=CATALOGUE, max_bytes=size - 1)).reason
    monkeypatch.setenv(MAX_MB_ENV, str((size - 1) / 1e6))
    assert "limit" in _refused(lambda: load_pdf(good_pdf, catalogue=CATALOGUE)).reason
    monkeypatch.setenv(MAX_MB_ENV, "0")
    with pytest.raises(ValueError, match=MAX_MB_ENV):
        load_pdf(good_pdf, catalogue=CATALOGUE)


def test_a_fifo_is_refused_without_blocking(tmp_path, no_parsing):
    fifo = tmp_path / "guide.pdf"
    os.mkfifo(fifo)
    assert "FIFO" in _refused(lambda: load_pdf(fifo, catalogue=CATALOGUE)).reason


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null"])
def test_devices_are_refused_directly_and_through_a_link(tmp_path, no_parsing, target):
    link = tmp_path / "guide.pdf"
    link.symlink_to(target)
    for path in (Path(target), link):
        assert "character device" in _refused(lambda p=path: load_pdf(p, catalogue=CATALOGUE)).reason


def test_a_folder_is_refused(tmp_path, no_parsing):
    assert "folder" in _refused(lambda: load_pdf(tmp_path, catalogue=CATALOGUE)).reason


def test_a_link_to_a_real_pdf_is_read(tmp_path, good_pdf):
    link = tmp_path / "link.pdf"
    link.symlink_to(good_pdf)
    (doc,) = load_pdf(link, catalogue=CATALOGUE)
    assert doc.sections[0].text == "Testtjeneste er et tilbud til alle."


def test_the_guide_env_pointing_at_dev_zero_fails_with_the_reason(monkeypatch):
    monkeypatch.setenv("LEVANGER_GUIDE_PDF", "/dev/zero")
    with pytest.raises(CorpusError, match="character device"):
        load_guide()


def test_a_huge_declared_cross_reference_table_is_refused_before_parsing(tmp_path, good_pdf, no_parsing):
    data = good_pdf.read_bytes()
    assert b"/Size " in data
    hostile = tmp_path / "xref.pdf"
    hostile.write_bytes(re.sub(rb"/Size \d+", b"/Size 5000000", data))
    error = _refused(lambda: load_pdf(hostile, catalogue=CATALOGUE))
    assert "5,000,000 objects" in error.reason and f"{MAX_OBJECTS:,}" in error.reason


def test_the_time_bound_covers_opening_the_file(good_pdf, monkeypatch):
    real = corpus.pdf.PdfReader

    def slow_open(*args, **kwargs):
        time.sleep(0.3)  # stands in for a cross-reference table that takes long to read
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus.pdf, "PdfReader", slow_open)
    error = _refused(lambda: load_pdf(good_pdf, catalogue=CATALOGUE, timeout_s=0.1))
    assert "longer than 0.1 s" in error.reason and "before page 1 of 1" in error.reason


def test_pypdf_warnings_are_rate_limited(caplog):
    caplog.set_level(logging.WARNING)
    with RateLimitedPypdfWarnings("/x/guide.pdf", limit=5):
        for i in range(1000):
            logging.getLogger("pypdf._reader").warning("broken object %d", i)
    warnings = [r for r in caplog.records if r.name == "pypdf._reader"]
    assert len(warnings) == 5
    assert "guide.pdf: 995 more pypdf warnings not shown" in caplog.text
    logging.getLogger("pypdf._reader").warning("after")  # the limit ends with the load
    assert caplog.records[-1].getMessage() == "after"


def test_the_loader_rate_limits_what_pypdf_logs_while_reading(good_pdf, monkeypatch, caplog):
    real = corpus.pdf.PdfReader

    def noisy_open(*args, **kwargs):  # stands in for a file with thousands of broken objects
        for i in range(300):
            logging.getLogger(f"pypdf.generic._module{i % 3}").warning("invalid object %d", i)
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus.pdf, "PdfReader", noisy_open)
    caplog.set_level(logging.WARNING)
    (doc,) = load_pdf(good_pdf, catalogue=CATALOGUE)
    assert doc.service_id == "test"
    assert len([r for r in caplog.records if r.name.startswith("pypdf")]) == 5
    assert "good.pdf: 295 more pypdf warnings not shown" in caplog.text
