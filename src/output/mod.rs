//! Everything written to disk: outcome tables (Parquet + CSV via polars) and the run manifest.
//! Files are written atomically (a temporary file in the target folder, then a rename), so a
//! failed or interrupted run never leaves a half-written table behind.

#[cfg(feature = "output")]
pub mod calibration;
#[cfg(feature = "output")]
pub mod comparison;
pub mod manifest;
#[cfg(feature = "output")]
pub mod tables;

use std::io::Write;
use std::path::Path;

pub use crate::error::OutputError;

/// `Result` of the output layer.
pub type Result<T, E = OutputError> = std::result::Result<T, E>;

/// Writes a file at `path` atomically: `write` fills a temporary file in the same folder,
/// which is then renamed into place, so a failure never leaves a half-written file.
pub fn write_atomic(path: &Path, write: impl FnOnce(&mut std::fs::File) -> Result<()>) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(OutputError::io("cannot create output folder", dir))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(OutputError::io("cannot create a temporary file in", dir))?;
    write(tmp.as_file_mut())
        .and_then(|()| Ok(tmp.as_file_mut().flush()?))
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
