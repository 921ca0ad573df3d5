//! Output folders written all-or-nothing. A run (`run`, `compare`, `calibrate`) writes into a
//! fresh staging folder beside its output folder and swaps it in only when every file is
//! written ([`RunFolder::commit`]). An interrupted or failed run therefore leaves the previous
//! results whole, never a mix of old and new tables; its staging folder is removed when the
//! run fails, or by the next run into the same folder when the process was killed.
//!
//! While a run writes, its staging folder holds an exclusive lock on a `.careshape.lock` file
//! (the operating system releases it when the process dies), which is how the next run tells
//! an abandoned staging folder from one still being written by a concurrent run.

use std::fs::File;
use std::path::{Path, PathBuf};

use super::{OutputError, Result};

/// Marks a staging folder: `.<output folder name>.careshape-staging-<random>`.
const STAGING: &str = ".careshape-staging-";
/// Marks a previous output folder moved aside during a swap (only where the operating system
/// cannot exchange two folders atomically): `.<name>.careshape-old-<random>`.
const OLD: &str = ".careshape-old-";
/// The lock file held inside a staging folder while its run writes.
const LOCK: &str = ".careshape.lock";
/// The prefix of the temporary files single files are written through (`write_atomic`).
pub(crate) const TEMPORARY: &str = ".careshape-tmp-";
/// The file every careshape output folder has; a folder without it is not replaced.
const MANIFEST: &str = "manifest.json";

/// An output folder being written: files go into [`RunFolder::path`] (the staging folder) and
/// appear at [`RunFolder::target`] together, on [`RunFolder::commit`]. Dropped without a
/// commit, the staging folder is removed and the target is left as it was.
#[derive(Debug)]
pub struct RunFolder {
    target: PathBuf,
    staging: Option<tempfile::TempDir>,
    /// Held (locked) until the folder is committed or dropped.
    _lock: File,
}

impl RunFolder {
    /// Checks that `target` can take a run's files and opens a staging folder beside it. The
    /// target must be absent, an empty folder, or a careshape output folder (one with a
    /// `manifest.json`: it is replaced whole by the new run), and its parent and itself must be
    /// writable. Abandoned staging folders of earlier runs into the same target are removed.
    pub fn create(target: &Path) -> Result<RunFolder> {
        let target = resolve(target)?;
        if target.exists() {
            if !target.is_dir() {
                return Err(OutputError::Io {
                    what: "the output folder is an existing file:",
                    path: target,
                    source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "not a folder"),
                });
            }
            check_replaceable(&target)?;
            // Writable, or the old results could not be removed after the swap.
            let probe = tempfile::Builder::new()
                .prefix(".careshape-probe")
                .tempfile_in(&target)
                .map_err(OutputError::io("cannot write in output folder", &target))?;
            probe
                .close()
                .map_err(OutputError::io("cannot remove a probe file from output folder", &target))?;
        }
        let (parent, name) = parent_and_name(&target)?;
        std::fs::create_dir_all(&parent).map_err(OutputError::io("cannot create output folder", &target))?;
        remove_abandoned(&parent, &name, &target);
        let prefix = format!(".{name}{STAGING}");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        // Created as any other folder (0777 less the umask), not private as temporary ones.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o777));
        }
        let staging =
            builder.tempdir_in(&parent).map_err(OutputError::io("cannot create output folder", &target))?;
        let lock = take_lock(staging.path(), "cannot lock the staging folder")?;
        Ok(RunFolder { target, staging: Some(staging), _lock: lock })
    }

    /// Where the run writes its files (the staging folder).
    pub fn path(&self) -> &Path {
        self.staging.as_ref().expect("present until committed").path()
    }

    /// The output folder the files will appear in.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Puts the finished files in place: the staging folder becomes the output folder, and the
    /// previous output folder (if any) is removed. On Linux the two folders are exchanged in
    /// one atomic step; elsewhere the old folder is first moved aside (and put back if the
    /// second step fails, or by the next run if the process dies in between).
    pub fn commit(mut self) -> Result<PathBuf> {
        let staging = self.staging.take().expect("committed once").keep();
        // The lock file is not part of the results; the lock itself is held until `self` drops.
        let _ = std::fs::remove_file(staging.join(LOCK));
        let moved = |e: std::io::Error| OutputError::Io {
            what: "cannot move the finished run into place at",
            path: self.target.clone(),
            source: e,
        };
        if !self.target.exists() {
            std::fs::rename(&staging, &self.target).map_err(|e| {
                let _ = std::fs::remove_dir_all(&staging);
                moved(e)
            })?;
            return Ok(self.target.clone());
        }
        if exchange(&staging, &self.target).is_ok() {
            // `staging` now holds the previous results.
            let _ = std::fs::remove_dir_all(&staging);
            return Ok(self.target.clone());
        }
        let (parent, name) = parent_and_name(&self.target)?;
        let aside = parent.join(format!(
            ".{name}{OLD}{}",
            staging.file_name().and_then(|n| n.to_str()).and_then(|n| n.rsplit('-').next()).unwrap_or("x")
        ));
        std::fs::rename(&self.target, &aside).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            moved(e)
        })?;
        if let Err(e) = std::fs::rename(&staging, &self.target) {
            let _ = std::fs::rename(&aside, &self.target);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(moved(e));
        }
        let _ = std::fs::remove_dir_all(&aside);
        Ok(self.target.clone())
    }
}

/// An exclusive hold on an existing output folder while `careshape report` rewrites files in
/// it. Taking it removes the temporary files that a killed earlier writer left (`write_atomic`'s,
/// in the folder and in `charts/`); dropping it removes the lock file.
#[derive(Debug)]
pub struct FolderLock {
    path: PathBuf,
    _file: File,
}

impl FolderLock {
    /// Locks `dir`; fails at once if another careshape process holds it.
    pub fn acquire(dir: &Path) -> Result<FolderLock> {
        let file =
            take_lock(dir, "another careshape process is writing this folder (or it cannot be locked):")?;
        for folder in [dir.to_path_buf(), dir.join("charts")] {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            for e in entries.flatten() {
                if e.file_name().to_str().is_some_and(|n| n.starts_with(TEMPORARY)) {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(FolderLock { path: dir.join(LOCK), _file: file })
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `target` as an absolute path, with an existing folder's `.`, `..` and links resolved (so
/// `--out .` names the folder it means).
fn resolve(target: &Path) -> Result<PathBuf> {
    let io = OutputError::io("cannot use output folder", target);
    if target.exists() {
        std::fs::canonicalize(target).map_err(io)
    } else {
        std::path::absolute(target).map_err(io)
    }
}

fn parent_and_name(target: &Path) -> Result<(PathBuf, String)> {
    match (target.parent(), target.file_name()) {
        (Some(p), Some(n)) => Ok((p.to_path_buf(), n.to_string_lossy().into_owned())),
        _ => Err(OutputError::Io {
            what: "cannot use as output folder (name a folder, not `..` or a root):",
            path: target.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "no folder name"),
        }),
    }
}

/// An existing target is replaced whole, so it must be empty or a careshape output folder:
/// never a folder of the user's other files.
fn check_replaceable(target: &Path) -> Result<()> {
    let mut entries =
        std::fs::read_dir(target).map_err(OutputError::io("cannot read output folder", target))?;
    if entries.next().is_none() || target.join(MANIFEST).is_file() {
        return Ok(());
    }
    Err(OutputError::Io {
        what: "the output folder holds files that are not a careshape run (no manifest.json), and a run replaces its output folder whole; choose a new or empty folder:",
        path: target.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "not a careshape output folder"),
    })
}

/// Removes the staging folders of runs into `target` that were killed (their lock is free),
/// and puts back an output folder left moved aside by a swap that was interrupted.
fn remove_abandoned(parent: &Path, name: &str, target: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let (staging, old) = (format!(".{name}{STAGING}"), format!(".{name}{OLD}"));
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(n) = file_name.to_str() else { continue };
        let path = entry.path();
        if n.starts_with(&staging) && abandoned(&path) {
            let _ = std::fs::remove_dir_all(&path);
        } else if n.starts_with(&old) {
            if target.exists() {
                let _ = std::fs::remove_dir_all(&path);
            } else {
                let _ = std::fs::rename(&path, target);
            }
        }
    }
}

/// Creates `dir`'s lock file and locks it exclusively (released when the file is closed, or the
/// process dies); `what` says what a lock held by someone else means.
fn take_lock(dir: &Path, what: &'static str) -> Result<File> {
    let file = File::create(dir.join(LOCK)).map_err(OutputError::io("cannot write in output folder", dir))?;
    file.try_lock().map_err(|e| OutputError::Io {
        what,
        path: dir.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(file)
}

/// A staging folder is abandoned when no process holds its lock (or it has none: a killed run
/// before it took it, or a swapped-out previous output folder whose removal was interrupted).
fn abandoned(staging: &Path) -> bool {
    match File::open(staging.join(LOCK)) {
        Err(_) => true,
        Ok(f) => f.try_lock().is_ok(),
    }
}

/// Exchanges two folders atomically (Linux `renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_committed_run_replaces_the_previous_one_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let first = RunFolder::create(&out).unwrap();
        std::fs::write(first.path().join(MANIFEST), "1").unwrap();
        std::fs::write(first.path().join("stress.csv"), "old").unwrap();
        first.commit().unwrap();
        let second = RunFolder::create(&out).unwrap();
        std::fs::write(second.path().join(MANIFEST), "2").unwrap();
        assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), "1", "untouched until commit");
        second.commit().unwrap();
        assert_eq!(files(&out), vec![MANIFEST.to_string()], "nothing of the first run is left");
        assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), "2");
        assert_eq!(files(root.path()), vec!["out".to_string()], "no staging folder is left");
    }

    #[test]
    fn a_failed_run_leaves_the_previous_results_and_no_staging_folder() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join(MANIFEST), "1").unwrap();
        let run = RunFolder::create(&out).unwrap();
        std::fs::write(run.path().join("weekly.csv"), "half").unwrap();
        drop(run);
        assert_eq!(files(&out), vec![MANIFEST.to_string()]);
        assert_eq!(files(root.path()), vec!["out".to_string()]);
    }

    #[test]
    fn an_abandoned_staging_folder_is_removed_but_a_live_one_is_not() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        let dead = root.path().join(format!(".out{STAGING}dead"));
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join(LOCK), "").unwrap();
        std::fs::write(dead.join(".tmpA1b2"), "").unwrap();
        let live = RunFolder::create(&out).unwrap();
        assert!(!dead.exists(), "a staging folder nobody holds is removed");
        let other = RunFolder::create(&out).unwrap();
        assert!(live.path().is_dir(), "a staging folder a run holds is kept");
        drop(other);
        drop(live);
    }

    #[test]
    fn a_folder_of_other_files_is_not_replaced() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("thesis.tex"), "keep").unwrap();
        let e = RunFolder::create(root.path()).unwrap_err().to_string();
        assert!(e.contains("not a careshape run"), "{e}");
        assert!(RunFolder::create(&root.path().join("new")).is_ok());
    }

    #[test]
    fn a_report_lock_removes_stale_temporaries_and_excludes_a_second_writer() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("charts")).unwrap();
        for f in [format!("{TEMPORARY}a1"), format!("charts/{TEMPORARY}b2"), "keep.csv".into()] {
            std::fs::write(root.path().join(f), "").unwrap();
        }
        let lock = FolderLock::acquire(root.path()).unwrap();
        assert_eq!(files(root.path()), vec![LOCK.to_string(), "charts".into(), "keep.csv".into()]);
        assert!(files(&root.path().join("charts")).is_empty());
        let e = FolderLock::acquire(root.path()).unwrap_err().to_string();
        assert!(e.contains("another careshape process"), "{e}");
        drop(lock);
        assert_eq!(files(root.path()), vec!["charts".to_string(), "keep.csv".into()], "the lock file goes");
    }

    #[test]
    fn a_folder_moved_aside_by_an_interrupted_swap_is_put_back() {
        let root = tempfile::tempdir().unwrap();
        let aside = root.path().join(format!(".out{OLD}x"));
        std::fs::create_dir(&aside).unwrap();
        std::fs::write(aside.join(MANIFEST), "1").unwrap();
        let out = root.path().join("out");
        let run = RunFolder::create(&out).unwrap();
        assert_eq!(std::fs::read_to_string(out.join(MANIFEST)).unwrap(), "1");
        drop(run);
    }
}
