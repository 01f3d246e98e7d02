"""The PDF edition's copy into Streamlit's static folder (``ui.sources.publish``) when several apps or sessions
start at once, as two test workers or two served processes do."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ui import sources


def test_publishing_at_once_gives_every_caller_the_link_and_one_whole_copy(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4096)  # 1 MB: the copies overlap
    monkeypatch.setattr(sources, "STATIC_DIR", tmp_path / "static")
    start = threading.Barrier(8)
    urls: list[str | None] = []

    def publish() -> None:
        start.wait()
        urls.append(sources.publish(pdf))

    threads = [threading.Thread(target=publish) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert urls == ["app/static/guide.pdf"] * 8
    assert (tmp_path / "static" / "guide.pdf").read_bytes() == pdf.read_bytes()
    assert [p.name for p in (tmp_path / "static").iterdir()] == ["guide.pdf"], "no temporary copy left behind"
