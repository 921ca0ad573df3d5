//! Issue 24, the cluster files of deploy/: the Kubernetes manifests parse and hold the fields
//! docs/SCALING.md relies on, and their shard and merge commands, run by a shell as a pod would
//! run them (with the pod's /study mount replaced by a temporary folder), give the tables of a
//! single-process sweep. No cluster is needed; the real Slurm test is .ci/slurm-test.sh.

use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_serde::Value;

fn manifest(name: &str) -> Value {
    let path = Path::new("deploy/k8s").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: not valid YAML: {e}", path.display()))
}

/// `v` at a path of keys and indices, as a string (numbers too), or panics naming the path.
fn at<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(v, |v, k| {
        match k.parse::<usize>() {
            Ok(i) => v.get(i),
            Err(_) => v.get(*k),
        }
        .unwrap_or_else(|| panic!("no {} in the manifest", path.join(".")))
    })
}

fn text(v: &Value, path: &[&str]) -> String {
    match at(v, path) {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("{}: expected a scalar, found {other:?}", path.join(".")),
    }
}

/// The container's environment as (name, value) pairs.
fn env(container: &Value) -> Vec<(String, String)> {
    at(container, &["env"])
        .as_sequence()
        .unwrap()
        .iter()
        .map(|e| (text(e, &["name"]), text(e, &["value"])))
        .collect()
}

fn env_value(container: &Value, name: &str) -> String {
    env(container).into_iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no env {name}")).1
}

/// Runs a container's `sh -c` script as its pod would, with `/study` replaced by `study` and
/// the environment given.
fn run_container(container: &Value, study: &Path, env: &[(&str, String)]) {
    assert_eq!(text(container, &["command", "0"]), "/bin/sh");
    assert_eq!(text(container, &["command", "1"]), "-c");
    let script = text(container, &["args", "0"]).replace("/study", &study.display().to_string());
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_careshape"));
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("/bin/sh")
        .arg("-c")
        .arg(&script)
        .env("PATH", path)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A small sweep file in `dir`: status quo against a £3 higher rate, `points` points of a Latin
/// hypercube over one parameter, 8 weeks.
fn small_sweep(dir: &Path, points: usize) -> PathBuf {
    let root = std::env::current_dir().unwrap();
    let sweep = dir.join("small.toml");
    std::fs::write(
        &sweep,
        format!(
            "baseline = \"{}\"\npolicies = [\"{}\"]\noutcomes = [\"unmet_need_share\"]\nreplicates = 1\nweeks = 8\n\n[design]\nkind = \"lhs\"\npoints = {points}\n\n[[parameters]]\nkey = \"workforce.quit_pay_elasticity\"\nmin = 0.5\nmax = 1.5\n",
            root.join("scenarios/camden/status-quo.toml").display(),
            root.join("tests/data/higher-rate.toml").display()
        ),
    )
    .unwrap();
    sweep
}

/// Runs `sweep` in one process beside `merged` and asserts that `files` of the two are the
/// same bytes.
fn assert_merged_as_single(sweep: &Path, merged: &Path, files: &[&str]) {
    let single = merged.with_file_name("single");
    crate::common::careshape_ok(&[
        "sweep",
        crate::common::arg(sweep),
        "--out",
        crate::common::arg(&single),
        "--quiet",
    ]);
    for f in files {
        assert_eq!(std::fs::read(merged.join(f)).unwrap(), std::fs::read(single.join(f)).unwrap(), "{f}");
    }
}

#[test]
fn the_kubernetes_manifests_run_a_sharded_sweep_that_merges_to_a_single_runs_tables() {
    let volume = manifest("study-volume.yaml");
    let shards = manifest("shards-job.yaml");
    let merge = manifest("merge-job.yaml");
    // The shared volume: many pods write it at once.
    assert_eq!(text(&volume, &["kind"]), "PersistentVolumeClaim");
    assert_eq!(text(&volume, &["spec", "accessModes", "0"]), "ReadWriteMany");
    let claim = text(&volume, &["metadata", "name"]);
    // The shards: an Indexed Job whose completions equal SHARDS, retried per index.
    for job in [&shards, &merge] {
        assert_eq!(text(job, &["apiVersion"]), "batch/v1");
        assert_eq!(text(job, &["kind"]), "Job");
        let pod = at(job, &["spec", "template", "spec"]);
        assert_eq!(text(pod, &["volumes", "0", "persistentVolumeClaim", "claimName"]), claim);
        assert_eq!(text(pod, &["containers", "0", "volumeMounts", "0", "mountPath"]), "/study");
        assert_eq!(text(pod, &["restartPolicy"]), "Never");
    }
    assert_eq!(text(&shards, &["spec", "completionMode"]), "Indexed");
    let container = at(&shards, &["spec", "template", "spec", "containers", "0"]);
    let n = env_value(container, "SHARDS");
    assert_eq!(text(&shards, &["spec", "completions"]), n, "completions must equal SHARDS");
    assert!(at(&shards, &["spec", "backoffLimitPerIndex"]).as_u64().is_some());
    let script = text(container, &["args", "0"]);
    assert!(script.contains("--shard \"$JOB_COMPLETION_INDEX/$SHARDS\""), "{script}");
    assert!(script.contains("--out \"/study/shards/$JOB_COMPLETION_INDEX\""), "{script}");
    // The study it names ships in the image (the Containerfile copies scenarios/ to its workdir).
    let study_args = env_value(container, "CARESHAPE_ARGS");
    let file = study_args.strip_prefix("sweep ").expect("a sweep study");
    assert!(Path::new(file).is_file(), "{file} is not a shipped file");
    let containerfile = std::fs::read_to_string("deploy/Containerfile").unwrap();
    assert!(containerfile.contains("COPY --from=build /src/scenarios /opt/careshape/scenarios"));
    assert!(containerfile.contains("WORKDIR /opt/careshape"));
    let image = text(container, &["image"]);
    assert_eq!(text(&merge, &["spec", "template", "spec", "containers", "0", "image"]), image);
    assert!(containerfile.contains(&format!("-t {image} ")), "the Containerfile builds {image}");
    // Run both pods' commands for real on a small sweep, 3 shards, against one process.
    let dir = tempfile::tempdir().unwrap();
    let sweep = small_sweep(dir.path(), 7);
    let study = dir.path().join("study");
    std::fs::create_dir_all(&study).unwrap();
    for k in 0..3 {
        run_container(
            container,
            &study,
            &[
                ("CARESHAPE_ARGS", format!("sweep {}", sweep.display())),
                ("SHARDS", "3".into()),
                ("THREADS", "1".into()),
                ("JOB_COMPLETION_INDEX", k.to_string()),
            ],
        );
    }
    run_container(at(&merge, &["spec", "template", "spec", "containers", "0"]), &study, &[]);
    assert_merged_as_single(
        &sweep,
        &study.join("merged"),
        &["sweep_points.csv", "sensitivity.csv", "sweep_points.parquet"],
    );
}

/// The Slurm scripts are what docs/SCALING.md says: an array task runs its shard into
/// shards/<task>, and the merge script merges shards 0..N−1. Run here without Slurm, by setting
/// the variables Slurm sets; .ci/slurm-test.sh submits them to a real Slurm.
#[test]
fn the_slurm_scripts_run_each_array_task_as_a_shard_and_merge_them() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = small_sweep(dir.path(), 5);
    let study = dir.path().join("study");
    let bin = env!("CARGO_BIN_EXE_careshape");
    let run = |script: &str, task: Option<u32>| {
        let mut c = Command::new("bash");
        c.arg(format!("deploy/slurm/{script}"))
            .env("CARESHAPE", bin)
            .env("CARESHAPE_ARGS", format!("sweep {}", sweep.display()))
            .env("SHARDS", "2")
            .env("STUDY_OUT", &study)
            .env_remove("SLURM_ARRAY_TASK_ID");
        if let Some(t) = task {
            c.env("SLURM_ARRAY_TASK_ID", t.to_string()).env("SLURM_CPUS_PER_TASK", "1");
        }
        c.output().unwrap()
    };
    // Outside an array, the shard script says how it must be run.
    let out = run("shard.sbatch", None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("job array"));
    for t in 0..2 {
        let out = run("shard.sbatch", Some(t));
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = run("merge.sbatch", None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_merged_as_single(&sweep, &study.join("merged"), &["sensitivity.csv"]);
}
