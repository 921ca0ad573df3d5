#!/usr/bin/env bash
# A real Slurm test (issue 24): installs Debian's Slurm and MUNGE, starts munged, slurmctld and
# slurmd directly (no systemd) on 127.0.0.1, submits a small sweep through deploy/slurm/submit.sh
# as a 4-task job array plus the dependent merge job, waits for them, and checks that the
# merged tables equal a single-process run of the same sweep byte for byte. Stops the daemons
# by their PIDs on exit. Usage: .ci/slurm-test.sh [CARESHAPE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
bin="${1:-$root/target/debug/careshape}"
[ -x "$bin" ] || { echo "slurm-test: no careshape binary at $bin (cargo build first)"; exit 1; }
started=$(date +%s)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  echo "== installing slurmctld slurmd slurm-client munge"
  pkgs=(slurmctld slurmd slurm-client munge)
  $sudo apt-get install -y --no-install-recommends "${pkgs[@]}" >/dev/null ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends "${pkgs[@]}" >/dev/null; }
fi
if [ "$(id -u)" -ne 0 ]; then
  # The daemons run as root (SlurmUser=root), as they do on these machines.
  exec sudo -E bash "$0" "$bin"
fi

work=$(mktemp -d /tmp/careshape-slurm.XXXXXX)
pids=()
munged_pid=""
stop() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  # munged is stopped only if this script started it.
  if [ -n "$munged_pid" ]; then kill "$munged_pid" 2>/dev/null || true; fi
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log "$work"/study/logs/*; do
      [ -f "$log" ] && { echo "--- $log"; tail -n 30 "$log"; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap stop EXIT

echo "== starting munged, slurmctld and slurmd"
mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
[ -f /etc/munge/munge.key ] || { mungekey --create --keyfile /etc/munge/munge.key && chown munge:munge /etc/munge/munge.key; }
if ! { [ -f /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; }; then
  runuser -u munge -- /usr/sbin/munged --force
  munged_pid=$(cat /run/munge/munged.pid)
fi
mkdir -p "$work/state" "$work/spool"
host=$(hostname -s)
node=$(slurmd -C | head -n 1 | sed "s/^NodeName=[^ ]*/NodeName=$host/")
export SLURM_CONF="$work/slurm.conf"
cat > "$SLURM_CONF" <<CONF
ClusterName=careshape-ci
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i >"$work/slurmctld.out.log" 2>&1 &
pids+=($!)
slurmd -D >"$work/slurmd.out.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)'; then break; fi
  sleep 0.5
done
sinfo -h -o '%T' | grep -qE '^(idle|mixed)' || { echo "slurm-test: the node did not come up"; sinfo; exit 1; }
echo "daemons up in $(($(date +%s) - started)) s (with the install)"

echo "== a small sweep: one process, then 4 Slurm array tasks and the dependent merge job"
cat > "$work/sweep.toml" <<SWEEP
name = "slurm-ci"
baseline = "$root/scenarios/camden/status-quo.toml"
policies = ["$root/scenarios/camden/mission-led.toml"]
outcomes = ["unmet_need_share", "turnover_annual", "cost_per_delivered_hour_gbp"]
replicates = 2
seed = 5
weeks = 26

[design]
kind = "morris"
trajectories = 4
levels = 4

[[parameters]]
key = "workforce.quit_pay_elasticity"
min = 0.5
max = 1.5

[[parameters]]
key = "workforce.absence_per_week"
min = 0.02
max = 0.06

[[switches]]
key = "providers.contract_mix"
values = ["choice", "rule"]
SWEEP
"$bin" sweep "$work/sweep.toml" --out "$work/single" --quiet
slurm_started=$(date +%s)
CARESHAPE="$bin" CARESHAPE_ARGS="sweep $work/sweep.toml" STUDY_OUT="$work/study" SHARDS=4 CPUS=1 MEM=1G \
  TIME=00:20:00 MERGE_CPUS=1 MERGE_MEM=1G bash deploy/slurm/submit.sh
read -r shards_job merge_job < "$work/study/jobs"
state=""
for _ in $(seq 1 600); do
  state=$(scontrol show job "$merge_job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | head -n 1 | cut -d= -f2)
  case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
  sleep 1
done
echo "merge job $merge_job: $state after $(($(date +%s) - slurm_started)) s"
scontrol show job "$shards_job" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c
[ "$state" = "COMPLETED" ] || { echo "slurm-test: the merge job did not complete"; exit 1; }
for i in 0 1 2 3; do
  n=$(find "$work/study/shards/$i/units" -name part-0.parquet | wc -l)
  echo "shard $i/4: $n points"
done
for f in sweep_points.csv sweep_points.parquet sensitivity.csv sensitivity.parquet; do
  cmp "$work/single/$f" "$work/study/merged/$f" || { echo "slurm-test: $f differs from the single-process run"; exit 1; }
done
echo "merged tables = single-process tables, byte for byte (sweep_points, sensitivity; CSV and Parquet)"
if python3 -c "import polars, pyarrow, pandas, duckdb" 2>/dev/null; then
  echo "== the merged unit dataset read by polars, pyarrow, pandas and DuckDB (Hive partitions)"
  python3 .ci/units.py "$work/study/merged"
fi
echo "slurm test passed in $(($(date +%s) - started)) s"
