"""The cluster examples in examples/grading/ run as written: the Slurm script (against a stand-in sbatch
that runs each job here, in order) and the Kubernetes jobs' shell commands (with the index Kubernetes sets),
each giving the gradebook of a single run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grading_helpers import ANSWER_NAMES, file_name, load, of_kind, set_answers, write
from lalib.checks import question
from lalib.grading import Limits, grade
from lalib.grading.sandbox import bwrap_available

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "grading"
BIN = Path(sys.executable).parent

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not bwrap_available(),
                                 reason="the grading sandbox needs bubblewrap: apt-get install -y bubblewrap")]

FAKE_SBATCH = r'''#!{python}
"""A stand-in for sbatch: logs its arguments, runs the job here and now (array tasks in order), prints an id."""
import os, subprocess, sys
args, env, array = [], dict(os.environ), None
for a in sys.argv[1:]:
    if a.startswith("--array="):
        array = a.split("=", 1)[1]
    elif a.startswith("--export="):
        for kv in a.split("=", 1)[1].split(","):
            if kv != "ALL":
                k, v = kv.split("=", 1)
                env[k] = v
    elif not a.startswith("--"):
        args.append(a)
with open(os.environ["SBATCH_LOG"], "a") as fh:
    fh.write(" ".join(sys.argv[1:]) + "\n")
tasks = range(int(array.split("-")[0]), int(array.split("-")[1]) + 1) if array else [None]
for k in tasks:
    task_env = dict(env, SLURM_CPUS_PER_TASK="1", **({{"SLURM_ARRAY_TASK_ID": str(k)}} if k else {{}}))
    done = subprocess.run(["bash", *args], env=task_env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"job failed: {{done.stderr}}")
print("4242;cluster")
'''


@pytest.fixture(scope="module")
def class_and_single_run(tmp_path_factory):
    """Six submissions and the gradebook one run on one machine gives them."""
    base = tmp_path_factory.mktemp("cluster")
    number = of_kind("number")[0]
    wrong = set_answers(load("solution"), {number: (ANSWER_NAMES[number], repr(question(number).expected + 1))})
    for i, nb in enumerate([load("solution"), load("exercise"), wrong] * 2):
        write(nb, base / "subs", file_name(f"s{i}"))
    secret = base / "secret.json"
    secret.write_text(json.dumps({"lalib_grading_secret": 1, "seed": 99}))
    grade(base / "subs", base / "single", secret=secret, workers=2, limits=Limits(timeout=60, cell_timeout=20),
          progress=False)
    return base, secret, (base / "single" / "grades.csv").read_bytes()


def test_the_slurm_script_submits_the_shards_and_their_merge_and_gives_one_runs_gradebook(class_and_single_run):
    base, secret, single = class_and_single_run
    fake = base / "fakebin"
    fake.mkdir(exist_ok=True)
    (fake / "sbatch").write_text(FAKE_SBATCH.format(python=sys.executable))
    (fake / "sbatch").chmod(0o755)
    log = base / "sbatch.log"
    env = {**os.environ, "PATH": f"{fake}:{BIN}:{os.environ['PATH']}", "LALIB_GRADING_SECRET": str(secret),
           "SBATCH_LOG": str(log)}
    done = subprocess.run(["bash", str(EXAMPLES / "slurm-grade.sh"), str(base / "subs"), str(base / "slurm"), "3"],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "submitted 3 shards (job 4242)" in done.stdout
    calls = log.read_text().splitlines()
    assert len(calls) == 2 and "--array=1-3" in calls[0] and "--dependency=afterok:4242" in calls[1]
    assert (base / "slurm" / "grades.csv").read_bytes() == single
    assert sorted(p.name for p in (base / "slurm").glob("shard-*")) == ["shard-1", "shard-2", "shard-3"]


def test_the_slurm_script_says_what_is_missing(tmp_path):
    env = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", "LALIB_GRADING_SECRET": str(tmp_path / "none")}
    done = subprocess.run(["bash", str(EXAMPLES / "slurm-grade.sh"), str(tmp_path), str(tmp_path / "out")],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "no grading secret at" in done.stderr


def test_the_kubernetes_jobs_are_consistent_and_their_commands_give_one_runs_gradebook(class_and_single_run):
    base, secret, single = class_and_single_run
    grade_job = yaml.safe_load((EXAMPLES / "k8s-grade-job.yaml").read_text())
    merge_job = yaml.safe_load((EXAMPLES / "k8s-merge-job.yaml").read_text())
    spec = grade_job["spec"]
    assert (grade_job["apiVersion"], grade_job["kind"], spec["completionMode"]) == ("batch/v1", "Job", "Indexed")
    container = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: e["value"] for e in container["env"]}
    merge_container = merge_job["spec"]["template"]["spec"]["containers"][0]
    merge_env = {e["name"]: e["value"] for e in merge_container["env"]}
    assert spec["completions"] == spec["parallelism"] == int(env["SHARDS"]) == int(merge_env["SHARDS"])
    assert container["image"] == merge_container["image"]
    assert spec["template"]["spec"]["restartPolicy"] == "Never"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert {str(Path(env["SUBMISSIONS"]).parent), str(Path(env["LALIB_GRADING_SECRET"]).parent)} <= mounts
    # Run each pod's command here, as Kubernetes would (3 shards instead of 8, local paths).
    local = {**os.environ, **env, "PATH": f"{BIN}:{os.environ['PATH']}", "SHARDS": "3",
             "SUBMISSIONS": str(base / "subs"), "OUT": str(base / "k8s"), "LALIB_GRADING_SECRET": str(secret),
             "WORKERS": "1"}
    for index in range(3):
        done = subprocess.run([*container["command"], container["args"][0]],
                              env={**local, "JOB_COMPLETION_INDEX": str(index)}, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
    done = subprocess.run([*merge_container["command"], merge_container["args"][0]],
                          env={**os.environ, **merge_env, "PATH": local["PATH"], "SHARDS": "3", "OUT": local["OUT"]},
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert (base / "k8s" / "grades.csv").read_bytes() == single
    shutil.rmtree(base / "k8s")
