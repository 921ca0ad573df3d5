//! Hardening of the binary's inputs and output (issue 14), through the binary: a closed stdout
//! pipe ends quietly, `--threads` is capped, only regular files are read, and confusing inputs
//! (an empty file, clashing names, long or cyclic `extends` chains, calibration problems) get
//! messages that name what is wrong. Fast tier: no simulation beyond argument checks.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{arg as s, assert_input_error, careshape, scenario_file};

const BIN: &str = env!("CARGO_BIN_EXE_careshape");

/// Writing to a pipe whose reader has gone must not panic (exit 101): the binary ends quietly.
/// The pipe's read end is closed before the binary starts, so every write fails.
#[test]
fn closed_stdout_pipe_ends_quietly() {
    for args in
        [&["metrics"][..], &["scenarios", "scenarios"], &["explain", "scenarios/camden/mission-led.toml"]]
    {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(BIN).args(args).stdout(writer).stderr(Stdio::piped()).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}:\n{err}");
        assert_ne!(out.status.code(), Some(101), "{args:?}:\n{err}");
        assert!(
            out.status.code() == Some(0) || out.status.code().is_none(),
            "{args:?}: {:?}\n{err}",
            out.status
        );
    }
}

/// `careshape metrics | head -1`: the reader takes one line and leaves.
#[test]
fn reader_leaving_after_one_line_ends_quietly() {
    let mut child =
        Command::new(BIN).arg("metrics").stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    lines.read_line(&mut first).unwrap();
    assert!(first.starts_with('#'), "{first:?}");
    drop(lines);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(status.code(), Some(101), "{err}");
}

#[test]
fn threads_above_the_cap_are_an_input_error() {
    let out = tempfile::tempdir().unwrap();
    let err = assert_input_error(
        &[
            "run",
            "scenarios/camden/status-quo.toml",
            "-r",
            "1",
            "-w",
            "1",
            "-q",
            "-t",
            "1000000",
            "-o",
            s(&out.path().join("o")),
        ],
        &["--threads 1000000 is too many: at most", "× the"],
    );
    assert!(err.contains("4 ×"), "{err}");
    assert_input_error(
        &["calibrate", "scenarios/calibration/camden.toml", "-t", "1000000", "-o", s(&out.path().join("c"))],
        &["--threads 1000000 is too many"],
    );
}

/// Runs the binary, failing the test (after killing it) if it takes more than 10 s.
fn careshape_with_timeout(args: &[&str]) -> (Option<i32>, String) {
    let mut child =
        Command::new(BIN).args(args).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
            return (status.code(), err);
        }
        if started.elapsed() > Duration::from_secs(10) {
            child.kill().ok();
            child.wait().ok();
            panic!("careshape {args:?} hung (reading a FIFO?)");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_as_every_kind_of_input() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let child = dir.path().join("child.toml");
    std::fs::write(&child, "name = \"child\"\nextends = \"fifo.toml\"\n").unwrap();
    let cal = dir.path().join("cal.toml");
    std::fs::write(
        &cal,
        "base_scenario = \"fifo.toml\"\n[[parameters]]\npath = \"workforce.pool_inflow_per_week\"\nmin = 3.0\nmax = 14.0\n\
         [[targets]]\nmetric = \"unmet_need_share\"\nmin = 0.0\nmax = 0.1\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    for args in [
        vec!["validate", s(&fifo)],
        vec!["validate", s(&child)],
        vec!["explain", s(&fifo)],
        vec!["calibrate", s(&fifo), "-o", s(&out)],
        vec!["calibrate", s(&cal), "-o", s(&out)],
        vec![
            "run",
            "scenarios/camden/status-quo.toml",
            "-r",
            "1",
            "-w",
            "1",
            "-q",
            "--shock",
            s(&fifo),
            "-o",
            s(&out),
        ],
    ] {
        let (code, err) = careshape_with_timeout(&args);
        assert_eq!(code, Some(2), "{args:?}:\n{err}");
        assert!(
            err.contains("fifo.toml") && err.contains("is not a regular file (a FIFO)"),
            "{args:?}:\n{err}"
        );
    }
    // Folders keep working as arguments.
    let (code, err) = careshape_with_timeout(&["validate", "scenarios/camden"]);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn an_empty_scenario_file_is_rejected_and_a_missing_name_is_the_file_stem() {
    for text in ["", "\n  \n", "# only a comment\n\n"] {
        let (_d, f) = scenario_file("empty.toml", text);
        assert_input_error(&["validate", s(&f)], &["empty.toml", "is empty", "needs at least a `name`"]);
    }
    // A file with parameters but no name is named after its file, not `status-quo`.
    let (_d, f) = scenario_file("unnamed.toml", "[run]\nweeks = 10\n");
    let (code, out, err) = careshape(&["validate", s(&f)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(unnamed: "), "{out}");
}

#[test]
fn duplicate_names_name_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, "name = \"same\"\n").unwrap();
    std::fs::write(&b, "name = \"same\"\n[run]\nweeks = 10\n").unwrap();
    assert_input_error(
        &["validate", s(&a), s(&b)],
        &["share the name `same`", &format!("{} and {}", a.display(), b.display()), "must be unique"],
    );
}

/// Writes `n` files, `s0.toml` … `s{n-1}.toml`, each extending the one before.
fn extends_chain(dir: &Path, n: usize) -> std::path::PathBuf {
    std::fs::write(dir.join("s0.toml"), "name = \"s0\"\n").unwrap();
    for i in 1..n {
        let text = format!("name = \"s{i}\"\nextends = \"s{}.toml\"\n[run]\nweeks = {}\n", i - 1, 10 + i);
        std::fs::write(dir.join(format!("s{i}.toml")), text).unwrap();
    }
    dir.join(format!("s{}.toml", n - 1))
}

#[test]
fn long_extends_chains_load_and_cycles_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let last = extends_chain(dir.path(), 10);
    let (code, out, err) = careshape(&["validate", s(&last)]);
    assert_eq!(code, 0, "a 10-file extends chain: {err}");
    assert!(out.contains("(s9: "), "{out}");

    let cyc = tempfile::tempdir().unwrap();
    std::fs::write(cyc.path().join("x.toml"), "name = \"x\"\nextends = \"y.toml\"\n").unwrap();
    std::fs::write(cyc.path().join("y.toml"), "name = \"y\"\nextends = \"./x.toml\"\n").unwrap();
    assert_input_error(
        &["validate", s(&cyc.path().join("x.toml"))],
        &["`extends` forms a cycle", "x.toml -> "],
    );

    let long = tempfile::tempdir().unwrap();
    let last = extends_chain(long.path(), 70);
    assert_input_error(&["validate", s(&last)], &["`extends` chain holds more than 64 files"]);
}

/// Found by the property tests: a base file that cannot be read or is not a scenario was
/// reported under the base's name only, not the file that names it (`validate child.toml`
/// printed an error about `cal.toml`).
#[test]
fn a_broken_base_is_reported_at_the_key_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let cal = dir.path().join("cal.toml");
    std::fs::write(
        &cal,
        "base_scenario = \"missing.toml\"\n[[parameters]]\npath = \"run.weeks\"\nmin = 1.0\nmax = 2.0\n\
         [[targets]]\nmetric = \"unmet_need_share\"\nmin = 0.0\nmax = 0.1\n",
    )
    .unwrap();
    let child = dir.path().join("child.toml");
    std::fs::write(&child, "name = \"child\"\nextends = \"cal.toml\"\n").unwrap();
    assert_input_error(
        &["validate", s(&child)],
        &[
            &format!(
                "{}:2:1: key `extends`: the base scenario is invalid: {}:1:1:",
                child.display(),
                cal.display()
            ),
            "unknown field `base_scenario`",
        ],
    );
    assert_input_error(
        &["calibrate", s(&cal), "-o", s(&dir.path().join("out"))],
        &[
            &format!("{}:1:1: key `base_scenario`: cannot read the base scenario", cal.display()),
            "missing.toml",
        ],
    );
}

/// Writes `cal.toml` in `dir`: a calibration named `t` on the shipped status quo, with `body`
/// after its first two lines.
fn calibration_file(dir: &std::path::Path, body: &str) -> std::path::PathBuf {
    let cal = dir.join("cal.toml");
    let base = std::fs::canonicalize("scenarios/camden/status-quo.toml").unwrap();
    std::fs::write(&cal, format!("name = \"t\"\nbase_scenario = {:?}\n{body}", s(&base))).unwrap();
    cal
}

#[test]
fn bad_pattern_filters_are_reported_at_their_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cal = calibration_file(
        dir.path(),
        "[[parameters]]\npath = \"workforce.pool_inflow_per_week\"\nmin = 3.0\nmax = 14.0\n\
             [[targets]]\nmetric = \"vacancy_rate\"\nmin = 0.1\nmax = 0.12\n\
             [[filters]]\nname = \"a\"\nmetric = \"no_such_metric\"\ndirection = \"lower\"\n\
             [[filters.change]]\npath = \"commissioning.no_such\"\nadd = 3.0\n\
             [[filters]]\nname = \"b\"\nmetric = \"turnover_annual\"\ndirection = \"higher\"\n\
             [[filters.change]]\npath = \"workforce.pool_inflow_per_week\"\nset = 5.0\n\
             [[filters.change]]\npath = \"council.budget_binding\"\nadd = 1.0\nset = true\n",
    );
    let out = dir.path().join("out");
    assert_input_error(
        &["calibrate", s(&cal), "-o", s(&out)],
        &[
            &format!("{}:13:1: key `filters[0].metric`: unknown metric `no_such_metric`", cal.display()),
            &format!(
                "{}:16:1: key `filters[0].change[0].path`: no parameter `commissioning.no_such`",
                cal.display()
            ),
            "key `filters[1].change[0].set`: `workforce.pool_inflow_per_week` is a free parameter",
            "key `filters[1].change[1]`: expected exactly one of `add` or `set`",
        ],
    );
    // A word that is not a direction is a parse error at its line.
    std::fs::write(&cal, std::fs::read_to_string(&cal).unwrap().replace("\"higher\"", "\"up\"")).unwrap();
    assert_input_error(
        &["calibrate", s(&cal), "-o", s(&out)],
        &["cal.toml:21:13: key `filters[1].direction`", "`higher` or `lower`"],
    );
}

#[test]
fn calibration_problems_name_their_own_key_once() {
    let dir = tempfile::tempdir().unwrap();
    let cal = calibration_file(
        dir.path(),
        "[method]\nweeks = 6000\n\
             [[parameters]]\npath = \"workforce.pool_inflow_per_week\"\nmin = 3.0\nmax = 14.0\n\
             [[parameters]]\npath = \"workforce.no_such\"\nmin = 1.0\nmax = 2.0\n\
             [[targets]]\nmetric = \"nope\"\nmin = 0.0\nmax = 1.0\n",
    );
    let out = dir.path().join("out");
    let err = assert_input_error(
        &["calibrate", s(&cal), "-o", s(&out)],
        &[
            "3 invalid values",
            "key `method.weeks`: expected at most 2600 weeks (50 years), found 6000",
            "key `parameters[1].path`",
            "key `targets[0].metric`",
        ],
    );
    assert!(!err.contains("parameters[0]"), "method.weeks blamed on a parameter:\n{err}");
    let lines: Vec<&str> = err.lines().collect();
    for (i, l) in lines.iter().enumerate() {
        assert!(!lines[..i].contains(l), "repeated problem {l:?}:\n{err}");
    }
}
