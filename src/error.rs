//! The library's errors, one type per layer: [`ScenarioError`] for bad input files (scenario,
//! shock and calibration files), [`OutputError`] for writing and reading tables, charts, the
//! report and the manifest, and [`Error`] over both for whole jobs (a study, a comparison, a
//! calibration), which also carries bad requests such as an unknown baseline.
//!
//! The command line maps [`Error::is_input`] to exit code 2: the user can fix it.

use std::path::{Path, PathBuf};

pub use crate::scenario::ScenarioError;

/// A failure to write or read back the files of an output folder.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or folder could not be created, opened, moved or read.
    #[error("{what} {}", path.display())]
    Io {
        /// What was being done, e.g. "cannot create output folder".
        what: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing one file failed part-way (nothing is left at `path`: writes are atomic).
    #[error("cannot write {}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: Box<OutputError>,
    },
    /// Reading a table back failed.
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: Box<OutputError>,
    },
    #[error(transparent)]
    Stream(#[from] std::io::Error),
    /// polars could not build, write or read a table.
    #[cfg(feature = "output")]
    #[error(transparent)]
    Table(#[from] polars::error::PolarsError),
    /// The manifest could not be written or parsed.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A scenario could not be written as TOML.
    #[error(transparent)]
    Toml(#[from] toml::ser::Error),
    /// plotters could not draw or encode a chart.
    #[error("drawing a chart: {0}")]
    Chart(String),
    /// A folder's files are not what careshape wrote (a missing column, an unknown scenario).
    #[error("{0}")]
    Content(String),
}

impl OutputError {
    /// An I/O failure on `path`, for `map_err`.
    pub(crate) fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_path_buf();
        move |source| OutputError::Io { what, path, source }
    }
}

/// Why a job (a study, a comparison, a calibration) could not be done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario, shock or calibration file is bad: the message names the file, and the line,
    /// key and expectation where there is one.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A request that cannot be met as given: an unknown baseline, too few replicates, names
    /// that clash. The message says what to change.
    #[error("{0}")]
    Input(String),
    /// Writing or reading an output folder failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

impl Error {
    /// True when the user's input is at fault (a file or an argument), not the machine.
    pub fn is_input(&self) -> bool {
        matches!(self, Error::Scenario(_) | Error::Input(_))
    }
}

#[cfg(feature = "output")]
impl From<polars::error::PolarsError> for Error {
    fn from(e: polars::error::PolarsError) -> Self {
        Error::Output(e.into())
    }
}

/// `Result` with the library's job error.
pub type Result<T, E = Error> = std::result::Result<T, E>;
