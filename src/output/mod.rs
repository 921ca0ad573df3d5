//! Everything written to disk: outcome tables (Parquet + CSV via polars) and the run manifest.
//! A run writes into a staging folder swapped in whole at the end ([`RunFolder`]), so a failed
//! or interrupted run never leaves a mix of old and new tables; single files written into an
//! existing folder (`careshape report`'s) are written atomically (a temporary file, then a
//! rename).

#[cfg(feature = "output")]
pub mod calibration;
#[cfg(feature = "output")]
pub mod comparison;
pub mod folder;
pub mod manifest;
#[cfg(feature = "output")]
pub mod shards;
#[cfg(feature = "output")]
pub mod tables;

use std::io::Write;
use std::path::Path;

pub use crate::error::OutputError;

/// `Result` of the output layer.
pub type Result<T, E = OutputError> = std::result::Result<T, E>;

/// A name (a scenario's, a calibration's, a folder's) made safe to use as one path component
/// of a default output folder: ASCII letters, digits, `.`, `_` and `-` are kept, anything else
/// (a `/`, a `\\`, a space, a drive colon) becomes `-`, and leading dots and dashes are dropped (`../../x` becomes `x`), so the
/// result never names a parent folder, the folder itself or a hidden file and never leaves
/// `output/`. `None` when nothing usable is left (an empty name, `.`, `..`): the caller falls
/// back to a fixed name.
pub fn safe_component(name: &str) -> Option<String> {
    let kept: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' })
        .collect();
    let kept = kept.trim_start_matches(['.', '-']);
    (!kept.is_empty()).then(|| kept.to_string())
}

pub use folder::{FolderLock, RunFolder};

/// [`RunFolder::create`] for a job, before any simulation: a folder that cannot take the run
/// (an existing file, a folder of other files, no write permission) is the user's to fix (an
/// input error, exit code 2), and the message names the folder and the cause.
pub fn open_run_folder(dir: &Path) -> crate::Result<RunFolder> {
    RunFolder::create(dir).map_err(|e| {
        let cause = std::error::Error::source(&e).map(|s| format!(" ({s})")).unwrap_or_default();
        crate::Error::Input(format!("{e}{cause}"))
    })
}

/// Writes a file at `path` atomically: `write` fills a temporary file in the same folder,
/// which is then renamed into place, so a failure never leaves a half-written file.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut std::fs::File) -> Result<()>) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(OutputError::io("cannot create output folder", dir))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(folder::TEMPORARY)
        .tempfile_in(dir)
        .map_err(OutputError::io("cannot create a temporary file in", dir))?;
    // Synced before the rename: after a crash of the machine, the name never points at a file
    // whose data was not written.
    write(tmp.as_file_mut())
        .and_then(|()| Ok(tmp.as_file_mut().flush()?))
        .and_then(|()| Ok(tmp.as_file().sync_all()?))
        .map_err(|e| OutputError::Write { path: path.to_path_buf(), source: Box::new(e) })?;
    // Temporary files are private (0600); a finished table is as readable as any other file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path)
        .map_err(|e| OutputError::io("cannot move the finished file into place at", path)(e.error))?;
    Ok(())
}
