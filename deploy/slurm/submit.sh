#!/usr/bin/env bash
# Submits a careshape study to Slurm: a job array of SHARDS shard tasks (shard.sbatch), then a
# merge job (merge.sbatch) that runs only once every task has succeeded (afterok). Prints the
# two job ids. Every setting is an environment variable (docs/SCALING.md):
#
#   CARESHAPE_ARGS  required: "sweep FILE" or "compare SCENARIOS... --replicates R" (no --shard/--out)
#   STUDY_OUT       required: the study folder, on a filesystem every node sees
#   SHARDS          shards (array tasks), default 16
#   CARESHAPE       the binary, default: careshape on PATH
#   CPUS            cores per shard task, default 4
#   MEM             memory per shard task, default 2G
#   TIME            time limit per shard task, default 02:00:00
#   MERGE_CPUS, MERGE_MEM, MERGE_TIME   the merge job's, default 2, 4G, 00:30:00
#   PARTITION       the partition (default: the cluster's default)
#   MAX_PARALLEL    at most this many tasks at once (the array's %limit), default: no limit
#   ARRAY           the tasks to submit, default 0-(SHARDS-1); e.g. ARRAY=7,12 resubmits two
#                   failed tasks (they resume) with a new merge job after them
#   SBATCH_EXTRA    more sbatch options for both jobs, e.g. "--account=proj123"
#
# Example:
#   CARESHAPE_ARGS="sweep scenarios/sweeps/sobol-top5.toml" STUDY_OUT=$SCRATCH/sobol SHARDS=64 \
#     deploy/slurm/submit.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${CARESHAPE_ARGS:?set CARESHAPE_ARGS, e.g. \"sweep scenarios/sweeps/sobol-top5.toml\"}"
: "${STUDY_OUT:?set STUDY_OUT to the study folder on a shared filesystem}"
export CARESHAPE="${CARESHAPE:-$(command -v careshape || true)}"
[ -x "$CARESHAPE" ] || { echo "submit.sh: set CARESHAPE to the careshape binary (none on PATH)" >&2; exit 2; }
export CARESHAPE_ARGS STUDY_OUT
export SHARDS="${SHARDS:-16}"
case "$SHARDS" in '' | *[!0-9]* | 0) echo "submit.sh: SHARDS must be a positive whole number" >&2; exit 2 ;; esac
mkdir -p "$STUDY_OUT/shards" "$STUDY_OUT/logs"
array="${ARRAY:-0-$((SHARDS - 1))}${MAX_PARALLEL:+%$MAX_PARALLEL}"
common=(--parsable --chdir="$PWD" --export=ALL)
[ -n "${PARTITION:-}" ] && common+=(--partition="$PARTITION")
# shellcheck disable=SC2206 # SBATCH_EXTRA is a list of options, split on spaces on purpose.
[ -n "${SBATCH_EXTRA:-}" ] && common+=($SBATCH_EXTRA)
shards_job=$(sbatch "${common[@]}" --array="$array" \
  --cpus-per-task="${CPUS:-4}" --mem="${MEM:-2G}" --time="${TIME:-02:00:00}" \
  --output="$STUDY_OUT/logs/shard-%A_%a.out" "$here/shard.sbatch")
shards_job=${shards_job%%;*}
# If a task fails, the dependency can never be met: Slurm cancels the merge job.
merge_job=$(sbatch "${common[@]}" --dependency="afterok:$shards_job" --kill-on-invalid-dep=yes \
  --cpus-per-task="${MERGE_CPUS:-2}" --mem="${MERGE_MEM:-4G}" --time="${MERGE_TIME:-00:30:00}" \
  --output="$STUDY_OUT/logs/merge-%j.out" "$here/merge.sbatch")
merge_job=${merge_job%%;*}
echo "shards: job $shards_job (array $array); merge: job $merge_job (after every shard succeeds)"
echo "$shards_job $merge_job" > "$STUDY_OUT/jobs"
