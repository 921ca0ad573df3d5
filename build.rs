//! Records the git commit the binary was built from (if known) for run manifests.
use std::process::Command;

fn main() {
    // Rebuild when HEAD moves: HEAD itself, the branch it points to, and packed refs.
    // (Only existing paths: a missing one would make cargo rerun this script on every build.)
    for path in [".git/HEAD", ".git/packed-refs"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    if let Ok(head) = std::fs::read_to_string(".git/HEAD")
        && let Some(reference) = head.strip_prefix("ref: ")
        && std::path::Path::new(".git").join(reference.trim()).exists()
    {
        println!("cargo:rerun-if-changed=.git/{}", reference.trim());
    }
    let commit = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    println!("cargo:rustc-env=CARESHAPE_GIT_COMMIT={commit}");
}
