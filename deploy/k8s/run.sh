#!/usr/bin/env bash
# Runs a careshape study on Kubernetes: the volume, the Indexed shards Job, a wait for it to
# complete, then the merge Job (docs/SCALING.md). Edit the manifests' image, CARESHAPE_ARGS,
# SHARDS/completions and resources first. TIMEOUT (default 24h) bounds the wait.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kubectl apply -f "$here/study-volume.yaml"
kubectl apply -f "$here/shards-job.yaml"
kubectl wait --for=condition=complete job/careshape-shards --timeout="${TIMEOUT:-24h}"
kubectl apply -f "$here/merge-job.yaml"
kubectl wait --for=condition=complete job/careshape-merge --timeout="${TIMEOUT:-24h}"
echo "merged study in the careshape-study volume, under merged/ (report.html, tables, charts)"
