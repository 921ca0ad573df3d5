//! Records where the binary's code came from, for run manifests: the git commit, whether the
//! compiled sources had uncommitted changes, and a SHA-256 over the compiled sources.
//!
//! The script reruns only when the compiled sources change, never on a commit alone: a rerun
//! that changed these values would recompile the library and every test binary. So after a
//! commit that touches no compiled source, a binary keeps the commit it was built at, whose
//! compiled sources are byte-identical (`source_sha256` shows it).
use std::path::Path;
use std::process::Command;

use sha2::{Digest, Sha256};

/// What the crate is compiled from (docs, scenarios and tests are not).
const SOURCES: &[&str] = &["src", "assets", "build.rs", "Cargo.toml", "Cargo.lock"];

fn main() {
    for path in SOURCES {
        println!("cargo:rerun-if-changed={path}");
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    let commit = git(&["rev-parse", "HEAD"]).unwrap_or_default();
    let dirty = if commit.is_empty() {
        String::new()
    } else {
        let mut args = vec!["status", "--porcelain", "--"];
        args.extend(SOURCES);
        git(&args).map(|s| (!s.is_empty()).to_string()).unwrap_or_default()
    };
    println!("cargo:rustc-env=CARESHAPE_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=CARESHAPE_GIT_DIRTY={dirty}");
    println!("cargo:rustc-env=CARESHAPE_SOURCE_SHA256={}", source_sha256());
}

/// SHA-256 over every compiled source file's path and bytes, in path order.
fn source_sha256() -> String {
    let mut files = Vec::new();
    for path in SOURCES {
        collect(Path::new(path), &mut files);
    }
    files.sort();
    let mut hash = Sha256::new();
    for f in files {
        hash.update(f.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(&f).unwrap_or_default());
        hash.update([0]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn collect(path: &Path, out: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
            collect(&entry.path(), out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}
