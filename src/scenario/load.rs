//! Reading scenario files, with errors that name the file, the key, what was expected and,
//! where it can be found, the line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use super::schema::Scenario;
use super::validate::validate;

/// Why a scenario (or a shock or calibration file) could not be loaded. Every variant names
/// the file; parse and range errors also name the key, what was expected and, where it can be
/// found, the line and column.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read (missing, a folder, no permission).
    #[error("cannot read scenario file {}: {reason}", file.display())]
    Read { file: PathBuf, reason: String },
    /// Not valid TOML, an unknown key or a value of the wrong type.
    #[error("{}", Located { file, location: *location, key: Some(key.as_str()), message })]
    Parse { file: PathBuf, key: String, location: Option<(usize, usize)>, message: String },
    /// Well-formed, but one or more values are out of their allowed range.
    #[error("{}", Invalid { file, problems })]
    Invalid { file: PathBuf, problems: Vec<Problem> },
}

/// One validation problem: the key path, where it is, and what was expected.
#[derive(Debug, Clone)]
pub struct Problem {
    pub key: String,
    pub location: Option<(usize, usize)>,
    pub message: String,
}

/// `file:line:col: key `k`: message`, leaving out what is not known.
struct Located<'a> {
    file: &'a Path,
    location: Option<(usize, usize)>,
    key: Option<&'a str>,
    message: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some((line, col)) = self.location {
            write!(f, ":{line}:{col}")?;
        }
        write!(f, ": ")?;
        if let Some(key) = self.key.filter(|k| !k.is_empty() && *k != ".") {
            write!(f, "key `{key}`: ")?;
        }
        write!(f, "{}", self.message)
    }
}

/// Every range problem of a file, one per line under a count.
struct Invalid<'a> {
    file: &'a Path,
    problems: &'a [Problem],
}

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "{}: {n} invalid value{}", self.file.display(), if n == 1 { "" } else { "s" })?;
        for p in self.problems {
            let at = Located { file: self.file, location: p.location, key: None, message: "" };
            write!(f, "\n  {at}key `{}`: {}", p.key, p.message)?;
        }
        Ok(())
    }
}

/// 1-based line and column of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The span of a key path such as `geography.patches[2].area_km2` in a TOML text, if present.
fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).ok()?;
    let mut table: &DeTable = doc.get_ref();
    let mut span = None;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        let (key, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == name)?;
        span = Some(key.span());
        let mut value = value;
        if let Some(i) = index {
            match value.get_ref() {
                DeValue::Array(items) => {
                    value = items.get(i)?;
                    span = Some(value.span());
                }
                _ => return span.map(|s| line_col(text, s.start)),
            }
        }
        if parts.peek().is_some() {
            match value.get_ref() {
                DeValue::Table(t) => table = t,
                _ => break,
            }
        }
    }
    span.map(|s| line_col(text, s.start))
}

/// Parses and validates a scenario from TOML text; `file` is used in messages only.
/// Parses TOML text into any deserialisable type, with errors naming the file, key path, line
/// and column. Shared by scenario and calibration files.
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str, file: &Path) -> Result<T, ScenarioError> {
    let de = toml::Deserializer::parse(text).map_err(|e| ScenarioError::Parse {
        file: file.to_path_buf(),
        key: String::new(),
        location: e.span().map(|s| line_col(text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        let location = inner.span().map(|s| line_col(text, s.start)).or_else(|| locate(text, &key));
        ScenarioError::Parse {
            file: file.to_path_buf(),
            key,
            location,
            message: inner.message().trim().to_string(),
        }
    })
}

/// An error in the base file that `key` of `file` names (`extends`, or a calibration's
/// `base_scenario`), reported as `file`'s problem at that key, with the base's own message
/// (which names the base file, and its line and key) included.
pub fn in_base(text: &str, file: &Path, key: &str, base: ScenarioError) -> ScenarioError {
    let message = match base {
        ScenarioError::Read { file: base_file, reason } => {
            format!("cannot read the base scenario {}: {reason}", base_file.display())
        }
        e => format!("the base scenario is invalid: {e}"),
    };
    ScenarioError::Parse { file: file.to_path_buf(), key: key.into(), location: locate(text, key), message }
}

/// Turns validation problems (key path, message) into an error with line numbers.
pub fn invalid(text: &str, file: &Path, problems: Vec<(String, String)>) -> ScenarioError {
    ScenarioError::Invalid {
        file: file.to_path_buf(),
        problems: problems
            .into_iter()
            .map(|(key, message)| Problem { location: locate(text, &key), key, message })
            .collect(),
    }
}

/// Reads a file's text, with the error naming the file. Only regular files are read: a FIFO
/// or a device would block or never end, so it is refused before reading (symbolic links to
/// regular files are followed).
pub fn read_text(file: &Path) -> Result<String, ScenarioError> {
    let read = |reason: String| ScenarioError::Read { file: file.to_path_buf(), reason };
    let meta = std::fs::metadata(file).map_err(|e| read(e.to_string()))?;
    if let Some(kind) = not_regular(&meta) {
        return Err(read(format!("it is not a regular file ({kind})")));
    }
    std::fs::read_to_string(file).map_err(|e| read(e.to_string()))
}

/// What a path is when it is not a regular file (`None` when it is one).
fn not_regular(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_socket() {
            return Some("a socket");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
    }
    Some("not a file")
}

/// How many files an `extends` chain may hold (this file included).
pub const MAX_EXTENDS_DEPTH: usize = 64;

/// Parses and validates a scenario from TOML text; `file` is used in messages only, and to
/// find the file named by an `extends` key (relative to `file`'s folder).
pub fn load_scenario_str(text: &str, file: &Path) -> Result<Scenario, ScenarioError> {
    // The file on its own: unknown keys and wrong types are reported with its line numbers.
    let own: Scenario = parse_toml(text, file)?;
    // An empty file (or only comments) would silently be the built-in status quo.
    if toml::from_str::<toml::Table>(text).is_ok_and(|t| t.is_empty()) {
        return Err(ScenarioError::Parse {
            file: file.to_path_buf(),
            key: String::new(),
            location: None,
            message: "the file is empty: a scenario needs at least a `name` (or `extends`)".into(),
        });
    }
    let mut scenario = match &own.extends {
        None => own.clone(),
        Some(_) => {
            let merged = resolve_extends(text, file, &mut vec![identity(file)])?;
            let merged_text = toml::to_string(&merged).map_err(|e| ScenarioError::Parse {
                file: file.to_path_buf(),
                key: String::new(),
                location: None,
                message: e.to_string(),
            })?;
            parse_toml(&merged_text, file)?
        }
    };
    // Name and description are the file's own, never inherited.
    scenario.extends = own.extends.clone();
    scenario.name = own.name.clone();
    scenario.description = own.description.clone();
    // Without a `name` (or with an empty one), a scenario is named after its file, never the
    // built-in default's `status-quo`.
    if own.name.is_empty() || !text_has_key(text, "name") {
        scenario.name =
            file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
    }
    if own.extends.is_some() && !text_has_key(text, "description") {
        scenario.description = String::new();
    }
    let problems = validate(&scenario);
    if problems.is_empty() { Ok(scenario) } else { Err(invalid(text, file, problems)) }
}

fn text_has_key(text: &str, key: &str) -> bool {
    toml::from_str::<toml::Table>(text).is_ok_and(|t| t.contains_key(key))
}

/// A file as it is identified in an `extends` chain: its canonical path (the path as given if
/// it cannot be resolved, e.g. a scenario parsed from text).
fn identity(file: &Path) -> PathBuf {
    std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())
}

/// The TOML table of a file with its `extends` chain applied: the base file's tables first,
/// this file's keys on top (tables merge key by key; arrays and values replace). `chain` holds
/// the files visited so far (canonical paths, this file last): a base already in it is a cycle.
fn resolve_extends(text: &str, file: &Path, chain: &mut Vec<PathBuf>) -> Result<toml::Table, ScenarioError> {
    let err = |message: String| ScenarioError::Parse {
        file: file.to_path_buf(),
        key: "extends".into(),
        location: locate(text, "extends"),
        message,
    };
    let mut own: toml::Table = toml::from_str(text).map_err(|e| err(e.to_string()))?;
    let Some(base) = own.remove("extends") else { return Ok(own) };
    let Some(base) = base.as_str() else { return Err(err("expected a file name (a string)".into())) };
    let base_file = file.parent().unwrap_or(Path::new(".")).join(base);
    let base_id = identity(&base_file);
    if chain.contains(&base_id) {
        let names: Vec<String> = chain.iter().chain([&base_id]).map(|p| p.display().to_string()).collect();
        return Err(err(format!("`extends` forms a cycle: {}", names.join(" -> "))));
    }
    if chain.len() >= MAX_EXTENDS_DEPTH {
        return Err(err(format!(
            "the `extends` chain holds more than {MAX_EXTENDS_DEPTH} files; shorten it"
        )));
    }
    let base_text = read_text(&base_file).map_err(|e| in_base(text, file, "extends", e))?;
    // The base must be a valid scenario on its own. (A problem with the base's own `extends`
    // is reported by the recursion below, naming the base file and its key.)
    let _: Scenario = parse_toml(&base_text, &base_file).map_err(|e| in_base(text, file, "extends", e))?;
    chain.push(base_id);
    let mut merged = resolve_extends(&base_text, &base_file, chain)?;
    merge(&mut merged, own);
    Ok(merged)
}

/// Merges a file's own keys over its base's, table by table. A table with a `kind` (a choice
/// such as `rate_floor` or `fee_uplift`) that names a different kind from the base's replaces
/// the base's table whole: the old kind's fields do not belong to the new one.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o))
                if o.get("kind").is_none_or(|kind| b.get("kind") == Some(kind)) =>
            {
                merge(b, o)
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Reads, parses and validates one scenario file.
pub fn load_scenario(file: &Path) -> Result<Scenario, ScenarioError> {
    load_scenario_str(&read_text(file)?, file)
}

/// Expands arguments that may be files or folders into scenario files: a folder contributes
/// its `*.toml` files (not recursively), sorted by name so runs are reproducible.
pub fn scenario_files(args: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut files = Vec::new();
    for arg in args {
        if arg.is_dir() {
            let entries = std::fs::read_dir(arg)
                .map_err(|e| ScenarioError::Read { file: arg.clone(), reason: e.to_string() })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect();
            if found.is_empty() {
                return Err(ScenarioError::Read {
                    file: arg.clone(),
                    reason: "the folder holds no .toml scenario files".into(),
                });
            }
            found.sort();
            // The status quo first: it is the baseline of every comparison.
            if let Some(i) = found.iter().position(|p| p.file_stem().is_some_and(|s| s == "status-quo")) {
                let sq = found.remove(i);
                found.insert(0, sq);
            }
            files.extend(found);
        } else {
            files.push(arg.clone());
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_finds_nested_keys_and_array_items() {
        let text = "name = \"x\"\n[providers]\non_cost_rate = 2.0\n[[geography.patches]]\nname = \"a\"\n";
        assert_eq!(locate(text, "providers.on_cost_rate"), Some((3, 1)));
        assert_eq!(locate(text, "geography.patches[0]").map(|l| l.0), Some(4));
        assert_eq!(locate(text, "nope"), None);
    }

    #[test]
    fn a_table_naming_another_kind_replaces_the_base_table_and_one_of_the_same_kind_merges() {
        let table = |t: &str| t.parse::<toml::Table>().unwrap();
        let base = "[c.floor]\nkind = \"indexed\"\nmargin = 0.04\nwage = \"nlw\"\n[c.other]\na = 1\n";
        let mut merged = table(base);
        merge(&mut merged, table("[c.floor]\nkind = \"cost_model\"\nwage = \"llw\"\n[c.other]\nb = 2\n"));
        assert_eq!(
            merged,
            table("[c.floor]\nkind = \"cost_model\"\nwage = \"llw\"\n[c.other]\na = 1\nb = 2\n")
        );
        let mut merged = table(base);
        merge(&mut merged, table("[c.floor]\nkind = \"indexed\"\nmargin = 0.1\n"));
        assert_eq!(
            merged,
            table("[c.floor]\nkind = \"indexed\"\nmargin = 0.1\nwage = \"nlw\"\n[c.other]\na = 1\n")
        );
        let mut merged = table(base);
        merge(&mut merged, table("[c.floor]\nmargin = 0.1\n"));
        assert_eq!(merged["c"]["floor"]["kind"].as_str(), Some("indexed"));
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("ab", 0), (1, 1));
    }
}
