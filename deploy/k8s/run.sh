#!/usr/bin/env bash
# Runs a careshape study on Kubernetes: the volume, the Indexed shards Job, a wait for it to
# complete, then the merge Job (docs/SCALING.md). Edit the manifests' image, CARESHAPE_ARGS,
# SHARDS/completions and resources first. TIMEOUT (seconds, default 86400) bounds each wait.
# Run it again after a failure: the shards resume from the finished units on the volume.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

# Waits until a Job is Complete (returns 0) or Failed (returns 1).
wait_for() {
  local job=$1 waited=0 state
  while [ "$waited" -lt "${TIMEOUT:-86400}" ]; do
    state=$(kubectl get "job/$job" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')
    case " $state " in
      *" Complete "*) return 0 ;;
      *" Failed "*) echo "run.sh: job $job failed: kubectl describe job/$job" >&2; return 1 ;;
    esac
    sleep 10
    waited=$((waited + 10))
  done
  echo "run.sh: job $job not finished after ${TIMEOUT:-86400} s" >&2
  return 1
}

# A finished Job cannot be applied again: remove the last run's (its pods' units stay on the volume).
kubectl delete job careshape-shards careshape-merge --ignore-not-found
kubectl apply -f "$here/study-volume.yaml"
kubectl apply -f "$here/shards-job.yaml"
wait_for careshape-shards
kubectl apply -f "$here/merge-job.yaml"
wait_for careshape-merge
echo "merged study in the careshape-study volume, under merged/ (report.html, tables, charts)"
