//! Output safety (issue 14, "Hardening"), one regression test per finding: names used as
//! folders never lead outside `output/`, a bad `--out` fails before any simulation, a run
//! replaces its folder whole or not at all (a killed run leaves the previous results, and
//! `report` refuses a folder that mixes runs), and the tables' types (counts as integers,
//! units in names) are what readers expect.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::arg;

/// A short scenario (2 weeks of burn-in) called `name`, in `dir`.
fn short_scenario(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join("short.toml");
    let text = format!(
        "name = {}\ndescription = \"A two-week test scenario\"\n\n[run]\nburn_in_weeks = 2\n",
        toml::Value::String(name.into())
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// A temporary tree: `inputs/` for scenario files, `a/b/work/` as the working directory (deep
/// enough that `../../x` from `work/output/` stays inside the tree, where the test can see it).
struct Tree {
    root: tempfile::TempDir,
}

impl Tree {
    fn new() -> Self {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("inputs")).unwrap();
        std::fs::create_dir_all(root.path().join("a/b/work")).unwrap();
        Self { root }
    }
    fn inputs(&self) -> PathBuf {
        self.root.path().join("inputs")
    }
    fn work(&self) -> PathBuf {
        self.root.path().join("a/b/work")
    }
    /// Runs the binary in `work/`.
    fn careshape(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_careshape"))
            .args(args)
            .current_dir(self.work())
            .output()
            .expect("the binary runs")
    }
    /// Every file in the tree outside `inputs/` and `work/output/`.
    fn strays(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() { walk(&p, out) } else { out.push(p) }
            }
        }
        let mut files = Vec::new();
        walk(self.root.path(), &mut files);
        let (inputs, output) = (self.inputs(), self.work().join("output"));
        files.into_iter().filter(|f| !f.starts_with(&inputs) && !f.starts_with(&output)).collect()
    }
}

fn ok(o: &Output) {
    assert!(o.status.success(), "careshape failed:\n{}", String::from_utf8_lossy(&o.stderr));
}

fn run_named(name: &str) -> (Tree, Vec<PathBuf>) {
    let tree = Tree::new();
    let scenario = short_scenario(&tree.inputs(), name);
    ok(&tree.careshape(&["run", arg(&scenario), "--weeks", "2", "--replicates", "1", "--quiet"]));
    let written: Vec<PathBuf> =
        std::fs::read_dir(tree.work().join("output")).unwrap().map(|e| e.unwrap().path()).collect();
    (tree, written)
}

#[test]
fn a_scenario_named_with_dot_dots_writes_inside_the_output_folder() {
    let (tree, written) = run_named("../../escaped");
    assert_eq!(tree.strays(), Vec::<PathBuf>::new(), "files written outside work/output");
    assert_eq!(written, vec![tree.work().join("output/escaped")]);
    assert!(tree.work().join("output/escaped/weekly.parquet").is_file());
}

#[test]
fn a_scenario_named_with_an_absolute_path_writes_inside_the_output_folder() {
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("abs-escaped");
    let (tree, written) = run_named(arg(&target));
    assert!(!target.exists(), "{} was written", target.display());
    assert_eq!(tree.strays(), Vec::<PathBuf>::new(), "files written outside work/output");
    assert_eq!(written.len(), 1);
    let folder = written[0].file_name().unwrap().to_str().unwrap();
    assert!(folder.ends_with("-abs-escaped") && !folder.contains('/'), "{folder}");
}

#[test]
fn a_calibration_named_with_dot_dots_writes_inside_the_output_folder() {
    let tree = Tree::new();
    let scenario = short_scenario(&tree.inputs(), "short");
    let cal = tree.inputs().join("cal.toml");
    let text = format!(
        r#"name = "../../../escaped"
base_scenario = {}

[method]
points = 2
replicates = 1
smc_rounds = 0
weeks = 2
confirm_replicates = 2

[[parameters]]
path = "workforce.pool_inflow_per_week"
min = 3.0
max = 14.0

[[targets]]
metric = "vacancy_rate"
min = 0.10
max = 0.12
"#,
        toml::Value::String(arg(&scenario).into())
    );
    std::fs::write(&cal, text).unwrap();
    ok(&tree.careshape(&["calibrate", arg(&cal), "--quiet"]));
    assert_eq!(tree.strays(), Vec::<PathBuf>::new(), "files written outside work/output");
    assert!(tree.work().join("output/calibration-escaped").is_dir());
}

/// `--out` is an existing file, or a folder under one: the command fails at once with exit
/// code 2, naming the path, and leaves the file alone.
#[test]
fn an_unusable_out_fails_before_simulating() {
    let tree = Tree::new();
    // A long run, so that failing only after simulating would be plain in the time taken.
    let scenario = short_scenario(&tree.inputs(), "short");
    let file = tree.inputs().join("taken.txt");
    std::fs::write(&file, "keep me").unwrap();
    let under_file = file.join("sub");
    for out in [&file, &under_file] {
        for cmd in ["run", "compare"] {
            let started = Instant::now();
            let o = tree.careshape(&[
                cmd,
                arg(&scenario),
                "--weeks",
                "400",
                "--replicates",
                "20",
                "--out",
                arg(out),
            ]);
            let took = started.elapsed();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{cmd} --out {}: {err}", out.display());
            assert!(err.contains(arg(out)), "{cmd}: the message names the path: {err}");
            assert!(took < Duration::from_secs(20), "{cmd} took {took:?}: it simulated first");
        }
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    // The shipped calibration file, from the repository (the tests' working directory).
    let (code, _, err) =
        crate::common::careshape(&["calibrate", "scenarios/calibration/camden.toml", "--out", arg(&file)]);
    assert_eq!(code, 2, "calibrate: {err}");
    assert!(err.contains(arg(&file)), "calibrate: the message names the path: {err}");
}

#[test]
fn safe_components_keep_names_inside_one_folder() {
    use careshape::output::safe_component;
    assert_eq!(safe_component("status-quo").as_deref(), Some("status-quo"));
    assert_eq!(safe_component("../../escaped").as_deref(), Some("escaped"));
    assert_eq!(safe_component("/tmp/x").as_deref(), Some("tmp-x"));
    assert_eq!(safe_component("Zonal (3 lots)").as_deref(), Some("Zonal--3-lots-"));
    assert_eq!(safe_component("a\\..\\b").as_deref(), Some("a-..-b"));
    for bad in ["", ".", "..", "/", "../..", "-"] {
        assert_eq!(safe_component(bad), None, "{bad:?}");
    }
}

/// Counts are Int64 in the weekly Parquet, other metrics Float64; the wage floors are named
/// with their unit (£ an hour); strings are the compatible `large_string` in the Parquet schema.
#[test]
fn the_weekly_table_has_integer_counts_and_unit_names() {
    use careshape::output::comparison::read_parquet;
    use careshape::output::tables::COUNT_COLUMNS;
    use polars::prelude::DataType;
    let (tree, _) = run_named("types");
    let dir = tree.work().join("output/types");
    let weekly = read_parquet(&dir.join("weekly.parquet")).unwrap();
    for c in COUNT_COLUMNS {
        assert_eq!(weekly.column(c).unwrap().dtype(), &DataType::Int64, "{c}");
    }
    for c in ["delivered_hours", "travel_share", "council_spend_gbp", "national_living_wage_gbp_per_hour"] {
        assert_eq!(weekly.column(c).unwrap().dtype(), &DataType::Float64, "{c}");
    }
    assert!(weekly.column("national_living_wage_gbp").is_err(), "the old name is gone");
    assert!(weekly.column("london_living_wage_gbp").is_err(), "the old name is gone");
    assert_eq!(weekly.column("london_living_wage_gbp_per_hour").unwrap().dtype(), &DataType::Float64);
    let nlw = weekly.column("national_living_wage_gbp_per_hour").unwrap().f64().unwrap().get(0).unwrap();
    assert!((10.0..30.0).contains(&nlw), "£{nlw} an hour");
    let summary = read_parquet(&dir.join("summary.parquet")).unwrap();
    for c in summary.columns().iter().skip(2) {
        assert_eq!(c.dtype(), &DataType::Float64, "summary column {}", c.name());
    }
    let patches = read_parquet(&dir.join("patches.parquet")).unwrap();
    assert_eq!(patches.column("clients_waiting").unwrap().dtype(), &DataType::Int64);
    let csv = std::fs::read_to_string(dir.join("weekly.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(1).unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "clients_active").unwrap();
    assert!(row[at].parse::<i64>().is_ok(), "clients_active in the CSV: {}", row[at]);
}

/// The Arrow schema stored in each Parquet file says `large_string` (LargeUtf8), not
/// `string_view`, for string columns: pyarrow can filter and sort them (.ci/interop.py checks
/// the readers themselves).
#[test]
fn parquet_strings_are_large_utf8() {
    use polars::prelude::{CompatLevel, SchemaExt, SerReader};
    let (tree, _) = run_named("strings");
    for table in ["weekly", "summary", "providers", "patches", "provider_years"] {
        let path = tree.work().join(format!("output/strings/{table}.parquet"));
        let file = std::fs::File::open(&path).unwrap();
        let meta = polars::prelude::ParquetReader::new(file).get_metadata().unwrap().clone();
        let kv = meta.key_value_metadata().as_ref().expect("key-value metadata");
        let schema = kv
            .iter()
            .find(|k| k.key == "ARROW:schema")
            .and_then(|k| k.value.clone())
            .expect("an Arrow schema");
        // The columns' Arrow schema at polars' oldest compatibility level (LargeUtf8 strings),
        // not the newest (Utf8View), which is what ParquetWriter writes by default.
        let df = careshape::output::comparison::read_parquet(&path).unwrap();
        let at = |level| {
            polars_parquet::write::schema_to_metadata_key(&df.schema().to_arrow(level)).value.unwrap()
        };
        assert_eq!(schema, at(CompatLevel::oldest()), "{table}");
        assert_ne!(schema, at(CompatLevel::newest()), "{table}");
        assert_eq!(df.column("scenario").unwrap().dtype(), &polars::prelude::DataType::String, "{table}");
    }
}

/// A short comparison (status quo and a higher rate, 12 weeks after burn-in, 1 replicate) into
/// `out` with `seed`.
fn short_compare(out: &Path, seed: &str) {
    crate::common::careshape_ok(&[
        "compare",
        "scenarios/camden/status-quo.toml",
        "tests/data/higher-rate.toml",
        "--weeks",
        "12",
        "--replicates",
        "1",
        "--seed",
        seed,
        "--no-report",
        "--quiet",
        "--out",
        arg(out),
    ]);
}

/// Every file under `dir` (relative path → bytes).
fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

/// A table copied in from another run (another seed) makes `report` refuse the folder, naming
/// the table; the folder's own tables pass.
#[test]
fn report_refuses_a_folder_that_mixes_runs() {
    let root = tempfile::tempdir().unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    short_compare(&a, "1");
    short_compare(&b, "2");
    crate::common::careshape_ok(&["report", arg(&a), "--quiet"]);
    for table in ["summary.parquet", "weekly.parquet"] {
        let mixed = root.path().join(format!("mixed-{table}"));
        std::fs::create_dir(&mixed).unwrap();
        for (f, bytes) in snapshot(&a) {
            std::fs::create_dir_all(mixed.join(&f).parent().unwrap()).unwrap();
            std::fs::write(mixed.join(f), bytes).unwrap();
        }
        std::fs::copy(b.join(table), mixed.join(table)).unwrap();
        let err = crate::common::assert_input_error(&["report", arg(&mixed)], &["different run", table]);
        assert!(err.contains("manifest.json"), "{err}");
    }
}

/// SIGKILL of a second `compare` into a folder, after it has begun writing its tables, leaves
/// the first run's files byte for byte, and `report` accepts them; the killed run's staging
/// folder is removed by the next run into the folder, and `report` removes a temporary file
/// left by a killed writer.
#[test]
fn a_killed_run_leaves_the_previous_results_whole() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    short_compare(&out, "1");
    let before = snapshot(&out);
    let mut child = Command::new(env!("CARGO_BIN_EXE_careshape"))
        .args(["compare", "scenarios/camden", "--weeks", "300", "--replicates", "16", "--seed", "2"])
        .args(["--threads", "2", "--quiet", "--out", arg(&out)])
        .spawn()
        .unwrap();
    // Wait until the second run's weekly table has rows on disk (its staging folder).
    let started = Instant::now();
    let staging = loop {
        let found = std::fs::read_dir(root.path()).unwrap().map(|e| e.unwrap().path()).find(|p| {
            p.file_name().unwrap().to_str().unwrap().starts_with(".out.careshape-staging-")
                && p.join("weekly.parquet").metadata().is_ok_and(|m| m.len() > 0)
        });
        if let Some(s) = found {
            break s;
        }
        assert!(child.try_wait().unwrap().is_none(), "the second run ended before it could be killed");
        assert!(started.elapsed() < Duration::from_secs(300), "no staging folder appeared");
        std::thread::sleep(Duration::from_millis(20));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(snapshot(&out), before, "the first run's files changed");
    assert!(staging.is_dir(), "a killed run cannot clean up after itself");
    std::fs::write(out.join(".careshape-tmp-killed"), "").unwrap();
    crate::common::careshape_ok(&["report", arg(&out), "--quiet"]);
    assert!(!out.join(".careshape-tmp-killed").exists(), "report removes a killed writer's temporary file");
    short_compare(&out, "3");
    let left: Vec<PathBuf> = std::fs::read_dir(root.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(left, vec![out.clone()], "the next run removes the abandoned staging folder");
}

/// A folder of other files is never taken (a run replaces its folder whole): exit 2 before
/// simulating, naming the folder, and the files stay.
#[test]
fn a_folder_of_other_files_is_refused_as_out() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("thesis.tex"), "keep me").unwrap();
    crate::common::assert_input_error(
        &["run", "scenarios/camden/status-quo.toml", "--replicates", "1", "--out", arg(root.path())],
        &["not a careshape run", arg(root.path())],
    );
    assert_eq!(std::fs::read_to_string(root.path().join("thesis.tex")).unwrap(), "keep me");
}
