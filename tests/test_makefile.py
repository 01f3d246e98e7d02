"""The Makefile's install step: started several times at once on a fresh clone, it installs once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

FAKE_PYTHON = """#!/bin/sh
# stands in for the venv's python: records each install, slowly, so that concurrent ones would overlap
echo "start $$" >> "$(dirname "$0")/../../installs.log"
sleep 0.5
echo "end $$" >> "$(dirname "$0")/../../installs.log"
"""


@pytest.mark.skipif(shutil.which("make") is None or shutil.which("flock") is None, reason="needs make and flock")
def test_concurrent_makes_install_once_and_all_succeed(tmp_path: Path) -> None:
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text(FAKE_PYTHON, encoding="utf-8")
    fake.chmod(0o755)
    procs = [subprocess.Popen(["make", "--no-print-directory", ".venv/.installed"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(3)]
    outputs = [p.communicate(timeout=60)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    log = (tmp_path / "installs.log").read_text(encoding="utf-8").split()
    assert log[0::2].count("start") == 1, log  # one install, not three overlapping ones
    assert (tmp_path / ".venv" / ".installed").exists()


def test_test_fast_leaves_out_browsers_real_models_and_load() -> None:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\ntest-fast:", 1)[1].split("\n\n", 1)[0]
    assert 'not browser and not real_model and not slow' in recipe


def test_screenshot_tests_name_tests_that_exist() -> None:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    block = text.split("\nSCREENSHOT_TESTS :=", 1)[1].split("\nscreenshots:", 1)[0]
    targets = [word for word in block.replace("\\", " ").split() if "::" in word]
    assert len(targets) >= 6, targets
    for target in targets:
        path, name = target.split("::")
        assert (REPO / path).is_file(), target
        assert f"def {name}(" in (REPO / path).read_text(encoding="utf-8"), target
