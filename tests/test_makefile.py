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


def _recipe(target: str) -> str:
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    return text.split(f"\n{target}:", 1)[1].split("\n\n", 1)[0]


def test_test_runs_the_parallel_pass_then_the_serial_one_and_fails_if_either_fails() -> None:
    lines = [line.strip() for line in _recipe("test").splitlines()[1:]]
    parallel = next(line for line in lines if '-m "not serial"' in line)
    serial = next(line for line in lines if "-m serial" in line)
    assert lines.index(parallel) < lines.index(serial)
    assert "-n auto --dist loadfile" in parallel and "-n " not in serial, (parallel, serial)
    # one math thread per test process in both passes; the index build keeps every core
    assert parallel.startswith("$(ONE_MATH_THREAD) ") and serial.startswith("$(ONE_MATH_THREAD) ")
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "\nONE_MATH_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1\n" in text
    for line in (parallel, serial):
        assert "--durations=15" in line and line.endswith("|| status=1; \\"), line
    assert lines[-1] == "exit $$status" and lines[lines.index(parallel) - 1] == "status=0; \\"
    # the served index is built before either pass, so no worker waits for another's first build
    assert lines[0] == "$(PY) -m assistant index"


def test_the_serial_marker_is_registered() -> None:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    markers = config["tool"]["pytest"]["ini_options"]["markers"]
    assert any(m.startswith("serial:") for m in markers), markers


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_a_failed_first_pass_still_runs_the_serial_pass_and_fails_the_target(tmp_path: Path) -> None:
    """The recipe run for real by make, with a stand-in python that fails the parallel pass."""
    shutil.copy(REPO / "Makefile", tmp_path / "Makefile")
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text('#!/bin/sh\necho "$*" >> "$(dirname "$0")/../../calls.log"\n'
                    'case "$*" in *"not serial"*) exit 1;; esac\nexit 0\n', encoding="utf-8")
    fake.chmod(0o755)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / ".venv" / ".installed").touch()  # newer than pyproject.toml: no install
    # -o: browser and axe (Chromium and npm ci) are taken as done
    done = subprocess.run(["make", "--no-print-directory", "-o", "browser", "-o", "axe", "test"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert "npm" not in done.stdout + done.stderr and "apt-get" not in done.stdout + done.stderr
    assert done.returncode != 0, done.stdout
    calls = (tmp_path / "calls.log").read_text(encoding="utf-8").splitlines()
    assert calls[0] == "-m assistant index", calls
    assert [("not serial" in c, c.endswith("-m serial --durations=15")) for c in calls[1:]] == [
        (True, False), (False, True)], calls
