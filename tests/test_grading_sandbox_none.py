"""Where bubblewrap cannot run: detected, refused, and graded only on ``--sandbox none``.

bubblewrap is made to fail the way it fails inside Docker or an unprivileged
pod (user namespaces refused) by a fake ``bwrap`` first on ``PATH``.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from grading_helpers import FULL, file_name, load, with_cell, write
from lalib.cli import build_parser
from lalib.grading import Limits, grade, main as grade_main
from lalib.grading import sandbox
from lalib.grading.sandbox import Sandbox, SandboxError, choose_sandbox, isolation_report, probe, separate_uid

DOCKER_SAYS = "bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces."


@pytest.fixture
def failing_bwrap(tmp_path, monkeypatch):
    """A ``bwrap`` that refuses namespaces, as Docker's default seccomp profile makes it."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    fake = bin_dir / "bwrap"
    fake.write_text(f"#!/bin/sh\necho '{DOCKER_SAYS}' >&2\nexit 1\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    probe.cache_clear()
    yield fake
    probe.cache_clear()


@pytest.fixture
def no_bwrap(tmp_path, monkeypatch):
    """No ``bwrap`` anywhere on ``PATH``."""
    empty = tmp_path / "emptybin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    probe.cache_clear()
    yield
    probe.cache_clear()


def test_the_probe_names_why_bubblewrap_cannot_run(failing_bwrap):
    reason = probe()
    assert str(failing_bwrap) in reason and "exits with status 1" in reason and "No permissions" in reason


def test_a_missing_bwrap_is_named(no_bwrap):
    assert probe() == "bubblewrap (bwrap) is not installed"


def test_without_the_flag_the_grader_refuses_and_says_what_would_be_lost(failing_bwrap, tmp_path, capsys):
    write(load("solution"), tmp_path / "subs", file_name("a"))
    with pytest.raises(SandboxError) as err:
        choose_sandbox(None)
    text = str(err.value)
    assert "No permissions" in text and "--sandbox none" in text and "LOST" in text and "network" in text
    with pytest.raises(SandboxError):
        Sandbox(Limits())  # the building block refuses as well: no silent fallback anywhere
    args = build_parser().parse_args(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "1",
                                      "--no-progress"])
    assert grade_main(args) == 2
    said = capsys.readouterr().err
    assert "cannot run here" in said and "--sandbox none" in said and "Nothing was graded" in said
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_an_unknown_sandbox_choice_is_refused():
    with pytest.raises(ValueError, match="--sandbox must be one of bwrap, none"):
        choose_sandbox("docker")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["grade", "x", "--out", "y", "--sandbox", "docker"])


def test_the_report_lists_what_still_applies_and_what_is_lost():
    text = isolation_report(False, "bubblewrap (bwrap) is not installed")
    assert text.startswith("WARNING: submissions run WITHOUT a sandbox (--sandbox none): bubblewrap (bwrap) is not")
    for kept in ("memory (address space)", "CPU time", "file size", "open files", "wall-clock",
                 "verdicts judged in the grader's process"):
        assert kept in text
    lost = text.split("LOST", 1)[1]
    for gone in ("read", "network", "leave processes behind"):
        assert gone in lost
    own, why = separate_uid()
    assert ("user id of its own" in text) == own and (own or f"runs as YOUR user, because {why}" in text)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can switch to a separate user id")
def test_a_separate_uid_needs_a_python_other_users_can_read(monkeypatch):
    top = Path(tempfile.mkdtemp(dir="/tmp"))  # (pytest's tmp_path lies under a private folder)
    private = top / "home"
    (private / "python").mkdir(parents=True)
    for d in (top, private, private / "python"):
        d.chmod(0o755)
    monkeypatch.setattr(sandbox, "_python_paths", lambda: [str(private / "python")])
    monkeypatch.setattr(sandbox, "RUNNER", private / "python" / "runner.py")
    assert separate_uid() == (True, "")
    private.chmod(0o700)  # like /root holding a pyenv Python
    own, why = separate_uid()
    assert not own and str(private) in why and "mode 700" in why
    shutil.rmtree(top)


@pytest.mark.slow
def test_with_sandbox_none_it_grades_and_says_so(failing_bwrap, tmp_path, capsys):
    secret_file = tmp_path / "only-the-grader.txt"
    secret_file.write_text("grader only")
    secret_file.chmod(0o600)
    nb = with_cell(load("solution"), "import os\nprint('uid', os.getuid())\n"
                                     f"print(open({str(secret_file)!r}).read())", where="end")
    write(nb, tmp_path / "subs", file_name("a"))
    args = build_parser().parse_args(["grade", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--seed", "1",
                                      "--no-progress", "--workers", "1", "--sandbox", "none", "--timeout", "60"])
    assert grade_main(args) == 0
    said = capsys.readouterr().err
    assert "WITHOUT a sandbox (--sandbox none)" in said and "No permissions" in said
    with open(tmp_path / "out" / "grades.csv", encoding="utf-8-sig") as fh:
        row = next(csv.DictReader(fh))
    assert (float(row["total"]), row["status"]) == (FULL, "ok")  # verdicts judged outside, as in the sandbox
    page = (tmp_path / "out" / "feedback" / "a_1.html").read_text(encoding="utf-8")
    if separate_uid()[0]:  # a separate, unprivileged user: the grader's private file stays private
        assert "uid 0" not in page and "PermissionError" in page and "grader only" not in page
