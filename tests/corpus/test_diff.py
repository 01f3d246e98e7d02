"""``python -m corpus diff OLD NEW``: two editions that differ in known ways."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus.__main__ import main
from corpus.diff import diff_editions, load_edition, word_diff
from corpus.errors import CorpusError

SERVICES = Path(__file__).resolve().parents[2] / "corpus" / "services"
KEPT = ("trygghetsalarm", "hjemmesykepleie", "klage")


@pytest.fixture()
def editions(tmp_path: Path) -> tuple[Path, Path]:
    """2025: three services. 2026: klage removed, ledsagerbevis added, a cost sentence changed in trygghetsalarm,
    hjemmesykepleie's "Lovgrunnlag" reworded as "Lovhjemmel" and a new section under an unknown heading."""
    old, new = tmp_path / "2025", tmp_path / "2026"
    (old / "services").mkdir(parents=True)
    (new / "services").mkdir(parents=True)
    for sid in KEPT:
        shutil.copy(SERVICES / f"{sid}.md", old / "services")
    for sid in ("trygghetsalarm", "hjemmesykepleie", "ledsagerbevis"):
        shutil.copy(SERVICES / f"{sid}.md", new / "services")
    alarm = new / "services" / "trygghetsalarm.md"
    head, cost = alarm.read_text("utf-8").split("## Hva koster det?\n", 1)
    first = cost.strip().splitlines()[0].split(". ")[0].rstrip(".")
    cost = cost.replace(first, "Fra 2026 koster alarmen det kommunestyret vedtar", 1)
    alarm.write_text(f"{head}## Hva koster det?\n{cost}", "utf-8")
    nurse = new / "services" / "hjemmesykepleie.md"
    nurse.write_text(nurse.read_text("utf-8").replace("## Lovgrunnlag", "## Lovhjemmel")
                     + "\n## Praktisk informasjon\nTa med medisinlisten til første besøk.\n", "utf-8")
    return old, new


def test_diff_finds_exactly_the_known_changes(editions):
    old, new = editions
    changes = diff_editions(load_edition(old), load_edition(new))
    assert changes.added == (("ledsagerbevis", "Ledsagerbevis"),)
    assert changes.removed == (("klage", "Klage på vedtak"),)
    assert changes.retitled == ()
    got = [(c.service_id, c.aspect, c.status, c.old_heading, c.new_heading) for c in changes.sections]
    assert got == [
        ("hjemmesykepleie", "law", "renamed", "Lovgrunnlag", "Lovhjemmel"),
        ("hjemmesykepleie", "other", "added", "", "Praktisk informasjon"),
        ("trygghetsalarm", "cost", "changed", "Hva koster det?", "Hva koster det?"),
    ]
    cost = changes.sections[2]
    assert cost.diff == ("[-Kommunen kan ta betaling for trygghetsalarm og enkelte andre velferdsteknologiske "
                         "løsninger.-] {+Fra 2026 koster alarmen det kommunestyret vedtar.+} Kommunestyret vedtar "
                         "prisene for …")
    assert (cost.words_removed, cost.words_added) == (11, 7)
    assert changes.sections[1].words_added == 6


def test_same_edition_has_no_differences(editions):
    old, _ = editions
    assert diff_editions(load_edition(old), load_edition(old)).empty


def test_cli_prints_markdown_and_json(editions, capsys):
    old, new = editions
    assert main(["diff", str(old), str(new)]) == 0
    md = capsys.readouterr().out
    assert "## Services added (1)\n\n- `ledsagerbevis` Ledsagerbevis" in md
    assert "## Services removed (1)\n\n- `klage` Klage på vedtak" in md
    assert "- `trygghetsalarm` **Hva koster det?** (cost): -" in md
    assert "- `hjemmesykepleie` **Praktisk informasjon** (other): section added (6 words)" in md
    assert "- (law) Lovgrunnlag → Lovhjemmel: `hjemmesykepleie`" in md
    assert main(["diff", "--json", str(old), str(new)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["service_id"] for s in data["added"]] == ["ledsagerbevis"]
    assert [(s["service_id"], s["status"]) for s in data["sections"]] == [
        ("hjemmesykepleie", "renamed"), ("hjemmesykepleie", "added"), ("trygghetsalarm", "changed")]


def test_word_diff_is_short_and_ignores_line_breaks():
    diff, removed, added = word_diff("En to tre fire fem seks sju åtte ni ti.", "En to tre fire FEM seks sju\nåtte ni ti.")
    assert diff == "En to tre fire [-fem-] {+FEM+} seks sju åtte ni …" and (removed, added) == (1, 1)
    assert word_diff("- a\n- b", "• a\n  • b") == ("", 0, 0)


def test_unknown_edition_path_is_an_error(tmp_path, capsys):
    with pytest.raises(CorpusError):
        load_edition(tmp_path / "nothing.txt")
    assert main(["diff", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 1
    assert "not a Markdown folder or a PDF file" in capsys.readouterr().err
