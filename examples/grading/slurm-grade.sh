#!/usr/bin/env bash
# Grade a large class on a Slurm cluster: N shards as one array job, then one merge job.
#
#   examples/grading/slurm-grade.sh SUBMISSIONS OUT [N]
#
# Run it on the login node. It submits itself twice:
#   1. an array job of N tasks; task K runs `lalib grade SUBMISSIONS --shard K/N --out OUT/shard-K`
#      (each task grades the students whose key hashes to K: a stable split, not file order);
#   2. a merge job that starts only when every task succeeded (afterok) and runs
#      `lalib grade --merge OUT/shard-1 ... OUT/shard-N --out OUT`: OUT/grades.csv is then byte for byte
#      what one `lalib grade SUBMISSIONS --out OUT` on a single machine writes.
# A task that fails (a node lost, a time limit) can be run again alone with
#   sbatch --array=K examples/grading/slurm-grade.sh SUBMISSIONS OUT N
# it resumes from OUT/shard-K/.grading, then submit the merge again (or run the merge command by hand).
#
# Prerequisites, once:
#   * SUBMISSIONS and OUT on a file system every node sees (your home or a project share);
#   * lalib installed in a virtual environment every node sees; set LALIB to its `lalib` if it is not on PATH;
#   * the grading secret (`lalib init`) in a private file every node can read: all shards MUST use the same
#     one (it seeds the hidden test inputs and the per-student variants); set LALIB_GRADING_SECRET to it,
#     and ROSTER to the roster CSV if the class has per-student variants (lalib assign --roster);
#   * bubblewrap on the compute nodes (apt-get install bubblewrap); where user namespaces are off, add
#     EXTRA="--sandbox none" only after reading what lalib says is lost.
#
# Defaults for the array tasks (the sbatch options given below on submission win over these):
#SBATCH --job-name=lalib-grade
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=02:00:00
set -euo pipefail

LALIB=${LALIB:-lalib}
SECRET=${LALIB_GRADING_SECRET:-$HOME/.config/lalib/grading-secret.json}
roster_args=()
if [ -n "${ROSTER:-}" ]; then roster_args=(--roster "$ROSTER"); fi

if [ -n "${LALIB_MERGE_OUT:-}" ]; then
    # The merge job: every shard folder, in order.
    n=$LALIB_SHARDS
    shards=()
    for k in $(seq 1 "$n"); do shards+=("$LALIB_MERGE_OUT/shard-$k"); done
    exec "$LALIB" grade --merge "${shards[@]}" --out "$LALIB_MERGE_OUT"
fi

if [ -n "${SLURM_ARRAY_TASK_ID:-}" ]; then
    # One array task: shard K of N. Slurm numbers the tasks 1..N here (--array=1-N).
    submissions=$1 out=$2 n=$3
    k=$SLURM_ARRAY_TASK_ID
    # ${EXTRA} is split on purpose: it holds extra lalib grade options such as --sandbox none.
    # shellcheck disable=SC2086
    exec "$LALIB" grade "$submissions" --out "$out/shard-$k" --shard "$k/$n" --secret "$SECRET" \
        --workers "${SLURM_CPUS_PER_TASK:-1}" --no-progress ${roster_args[@]+"${roster_args[@]}"} ${EXTRA:-}
fi

# On the login node: submit the array, then the merge.
if [ $# -lt 2 ]; then
    echo "usage: $0 SUBMISSIONS OUT [N]   (N shards, default 8)" >&2
    exit 2
fi
submissions=$(realpath "$1") out=$(realpath -m "$2") n=${3:-8}
if [ ! -r "$SECRET" ]; then
    echo "$0: no grading secret at $SECRET: create it once with \`$LALIB init\` (every shard must share it)" >&2
    exit 2
fi
mkdir -p "$out/logs"
array=$(sbatch --parsable --array="1-$n" --output="$out/logs/shard-%a.out" \
    --export="ALL,LALIB_GRADING_SECRET=$SECRET" "$0" "$submissions" "$out" "$n")
array=${array%%;*}  # --parsable prints "jobid" or "jobid;cluster"
merge=$(sbatch --parsable --dependency="afterok:$array" --job-name=lalib-merge --cpus-per-task=1 \
    --output="$out/logs/merge.out" --export="ALL,LALIB_MERGE_OUT=$out,LALIB_SHARDS=$n" "$0")
echo "submitted $n shards (job $array) and their merge (job ${merge%%;*}); the gradebook will be $out/grades.csv"
