"""What the grader's speed-ups must not change (correctness only; the timings are in benchmarks/).

* cells that are plain Python skip IPython's transformer, and IPython syntax
  still runs as IPython would run it (a pasted prompt is stripped, a magic
  fails as a cell error, not as a syntax error);
* the store's run records are not forced to disk one by one: a record left
  empty or cut short (a power cut) reads as missing and is run again;
* the worker reports where its time went without changing what it reports.
"""

from __future__ import annotations

import json

import pytest

from lalib.grading import runner
from lalib.grading.store import Store, atomic_write


def _run(source: str) -> dict:
    namespace: dict = {}
    exec(runner._compile_cell(source, "<cell 1>"), namespace)
    return namespace


def test_plain_python_runs_as_written():
    ns = _run("x = 3 % 2\ny = [i for i in range(4)]\nz = x != 0")
    assert (ns["x"], ns["y"], ns["z"]) == (1, [0, 1, 2, 3], True)


def test_a_pasted_prompt_is_stripped_as_ipython_does():
    # Valid Python too (an annotated assignment to In[1]): only IPython's reading assigns x.
    assert _run("In [1]: x = 5")["x"] == 5
    assert _run(">>> y = 7")["y"] == 7


@pytest.mark.parametrize("source", ["%time x = 1", "!ls", "files = !ls", "x?"])
def test_ipython_syntax_fails_when_run_not_when_compiled(source):
    code = runner._compile_cell(source, "<cell 1>")   # no SyntaxError: it is IPython
    with pytest.raises(NameError, match="get_ipython"):
        exec(code, {})


def test_an_indented_cell_is_dedented_as_ipython_does():
    assert _run("    a = 2\n    b = a + 1")["b"] == 3


def test_a_real_syntax_error_is_still_one():
    with pytest.raises(SyntaxError):
        runner._compile_cell("def f(:\n    pass", "<cell 1>")


def test_records_round_trip_and_a_damaged_one_is_run_again(tmp_path):
    store = Store(tmp_path)
    record = {"format": 2, "answers": {"rank.1": {"status": "ok", "value": 4}}}
    store.put("abc-123", record)
    assert store.get("abc-123") == record
    path = tmp_path / ".grading" / "results" / "abc-123.json"
    for damaged in ("", json.dumps(record)[:20]):   # what a power cut can leave of an unsynced file
        path.write_text(damaged, encoding="utf-8")
        assert store.get("abc-123") is None
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_atomic_write_without_sync_still_replaces_whole(tmp_path):
    p = tmp_path / "a.json"
    atomic_write(p, "old")
    atomic_write(p, "new", sync=False)
    assert p.read_text() == "new" and [f.name for f in tmp_path.iterdir()] == ["a.json"]


def test_the_worker_reports_where_its_time_went(tmp_path):
    """The exit message carries timings; the run's result is the same as without them."""
    from lalib.grading.sandbox import Limits, Sandbox
    job = {"cells": [{"index": 0, "kind": "code", "source": "x = sum(range(1000))"}], "seeds": {}}
    exits = []
    with Sandbox(Limits(), 0, False) as box:
        read = box._read_line

        def spy(deadline):
            line = read(deadline)
            if line and line.startswith(b'W{"type": "exit"'):
                exits.append(json.loads(line[1:]))
            return line

        box._read_line = spy
        result = box.run(job)
        second = box.run(job)
    assert result.outcome == second.outcome == "finished"
    timing = exits[0]["timing"]
    assert set(timing) == {"fork", "first_line", "done_line", "reaped", "release", "wipe", "child_cpu",
                           "child_sys", "child_faults", "worker_cpu"}
    assert all(v >= 0 for v in timing.values())
    assert timing["first_line"] <= timing["done_line"] <= timing["reaped"]
