//! Random mutations of an input file's bytes: deleted, repeated, swapped or misspelt lines;
//! values replaced by another type, an extreme number, NaN or ±inf, another enum word, or a
//! scaled copy of themselves; keys the file does not set added with such values; junk bytes
//! (invalid UTF-8 among them); truncation; repeated table headers; a changed `extends` (or
//! `base_scenario`). Line and byte positions are drawn as `Index`es and resolved against the
//! text as it stands when the mutation is applied, so any list of mutations applies to any file.

use proptest::prelude::*;
use proptest::sample::{Index, select};

/// One mutation of a file.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Deletes a line (a key, a table header, a comment).
    DeleteLine(Index),
    /// Replaces the whole value of a `key = value` line.
    ReplaceValue(Index, String),
    /// Replaces one number within a `key = value` line (an array item, an inline table's field).
    ReplaceNumber(Index, Index, String),
    /// Multiplies one number within a `key = value` line by a factor.
    ScaleNumber(Index, Index, f64),
    /// Adds `key = value` for a key of the schema (`table.key`), under its table.
    InsertKey(Index, String),
    /// Misspells the key of a `key = value` line.
    RenameKey(Index),
    /// Repeats a line just after itself (a duplicate key or table header).
    DuplicateLine(Index),
    /// Repeats a table header at the end of the file.
    DuplicateHeader(Index),
    /// Swaps two lines.
    SwapLines(Index, Index),
    /// Inserts bytes at a byte offset.
    InsertBytes(Index, Vec<u8>),
    /// Cuts the file at a byte offset.
    Truncate(Index),
    /// Sets the file's reference to another file: `extends`, or a calibration's
    /// `base_scenario` (added at the top if the file has none). `{self}` is the file's own name.
    SetReference(String),
}

/// Numbers at and beyond the edges of every type and range.
const EXTREMES: &[&str] = &[
    "1e308",
    "-1e308",
    "0",
    "-1",
    "4294967295",
    "4294967296",
    "1e-300",
    "0.0",
    "-0.0",
    "1",
    "2",
    "0.5",
    "1.0",
    "100000",
    "10000",
    "2600",
    "2601",
    "65535",
    "2147483647",
    "2147483648",
    "-2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e400",
    "5e-324",
    "nan",
    "-nan",
    "inf",
    "+inf",
    "-inf",
    "0x10",
    "1_000",
];

/// Values of other types, and malformed ones.
const OTHER_TYPES: &[&str] = &[
    "\"text\"",
    "\"\"",
    "true",
    "false",
    "[]",
    "[1, 2, 3]",
    "[\"a\"]",
    "[[]]",
    "[nan, inf]",
    "{}",
    "{ kind = \"none\" }",
    "{ kind = \"fixed\", percent = 1e308 }",
    "{ kind = \"fixed\", gbp_per_hour = 0.0 }",
    "{ kind = \"indexed_to_wage_floor\" }",
    "{ kind = \"indexed\", wage = \"london_living_wage\", on_cost_rate = 0.3, travel_share = 0.2, overhead_gbp_per_hour = 3.0, margin = 0.1 }",
    "{ kind = \"nope\" }",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "'literal'",
    "\"\\u0000\"",
    "\"a\\nb\"",
    "\"unterminated",
    "=",
    "",
    "[1,",
    "{ a = 1",
];

/// The enum words of the scenario and calibration schemas, and a few that are not.
const WORDS: &[&str] = &[
    "spot",
    "framework",
    "zonal",
    "cheapest_first",
    "quality_first",
    "proximity",
    "round_robin",
    "fixed_rate",
    "bid",
    "actual_minutes",
    "planned_hours",
    "block",
    "outcomes",
    "inadequate",
    "requires_improvement",
    "good",
    "outstanding",
    "none",
    "required",
    "scored",
    "waits",
    "trim",
    "budget",
    "spend",
    "national_living_wage",
    "london_living_wage",
    "national_chain",
    "local_sme",
    "coop_social",
    "micro",
    "wage_floor_rise",
    "demand_surge",
    "budget_cut",
    "labour_supply_drop",
    "provider_failure",
    "cost_inflation",
    "sobol",
    "latin_hypercube",
    "unmet_need_share",
    "turnover_annual",
    "workforce.pool_inflow_per_week",
    "providers.markup_min",
    "SPOT",
    "",
];

/// Bytes that break TOML or UTF-8.
const JUNK: &[u8] = &[
    0xff, 0xfe, 0xc3, 0x80, 0xe2, 0x82, 0x00, 0x7f, b'[', b']', b'"', b'\'', b'=', b'\\', b'\n', b'\r',
    b'\t', b'#', b'{', b'}', b',', b'.',
];

/// Factors applied to a number: a sign flip, zero, small and large changes.
const FACTORS: &[f64] = &[0.0, -1.0, 0.001, 0.1, 0.5, 0.99, 1.01, 1.5, 2.0, 10.0, 1000.0, 1e6];

/// Targets of `SetReference`.
const REFERENCES: &[&str] = &[
    "status-quo.toml",
    "mission-led.toml",
    "mission-incubator.toml",
    "../camden/status-quo.toml",
    "./status-quo.toml",
    "{self}",
    "no-such-file.toml",
    "",
    ".",
    "..",
    "/",
    "/dev/null",
    "../stress/budget-cut.toml",
    "../calibration/camden.toml",
    "status-quo.toml/",
    "STATUS-QUO.TOML",
];

/// A number written as TOML (`nan`, `inf`, `-inf`, or a float with a point or an exponent).
pub fn toml_float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{x:?}")
    }
}

/// A replacement value.
pub fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(EXTREMES).prop_map(String::from),
        3 => select(OTHER_TYPES).prop_map(String::from),
        3 => select(WORDS).prop_map(|w| format!("\"{w}\"")),
        1 => any::<f64>().prop_map(toml_float),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        2 => (0u32..300).prop_map(|i| i.to_string()),
        2 => (-2.0..2.0f64).prop_map(toml_float),
    ]
}

/// One mutation; value changes (which reach the model when the result is valid) are the most
/// frequent.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::DeleteLine),
        4 => (any::<Index>(), value()).prop_map(|(i, v)| Mutation::ReplaceValue(i, v)),
        4 => (any::<Index>(), any::<Index>(), value()).prop_map(|(i, j, v)| Mutation::ReplaceNumber(i, j, v)),
        5 => (any::<Index>(), any::<Index>(), select(FACTORS)).prop_map(|(i, j, f)| Mutation::ScaleNumber(i, j, f)),
        5 => (any::<Index>(), value()).prop_map(|(i, v)| Mutation::InsertKey(i, v)),
        1 => any::<Index>().prop_map(Mutation::RenameKey),
        1 => any::<Index>().prop_map(Mutation::DuplicateLine),
        1 => any::<Index>().prop_map(Mutation::DuplicateHeader),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        2 => (any::<Index>(), prop::collection::vec(prop_oneof![select(JUNK), any::<u8>()], 1..6))
            .prop_map(|(i, b)| Mutation::InsertBytes(i, b)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        1 => select(REFERENCES).prop_map(|r| Mutation::SetReference(r.to_string())),
    ]
}

/// One to three mutations.
pub fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    prop::collection::vec(mutation(), 1..=3)
}

/// The file being mutated: its name (for `{self}`), whether it is a calibration file (whose
/// reference is `base_scenario`), and the schema's keys (`table.key`) for `InsertKey`.
pub struct Target<'a> {
    pub file_name: &'a str,
    pub calibration: bool,
    pub keys: &'a [String],
}

fn lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect()
}

fn join(lines: &[Vec<u8>]) -> Vec<u8> {
    lines.join(&b'\n')
}

fn trimmed(line: &[u8]) -> &[u8] {
    let start = line.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(line.len());
    &line[start..]
}

/// The byte range of the value of a `key = value` line (up to a trailing comment), if it is one.
fn value_span(line: &[u8]) -> Option<(usize, usize)> {
    let t = trimmed(line);
    if t.is_empty() || t[0] == b'#' || t[0] == b'[' {
        return None;
    }
    let eq = line.iter().position(|&b| b == b'=')?;
    let mut end = line.len();
    let mut in_string = false;
    for (i, &b) in line.iter().enumerate().skip(eq + 1) {
        match b {
            b'"' => in_string = !in_string,
            b'#' if !in_string => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    Some((eq + 1, end))
}

fn is_header(line: &[u8]) -> bool {
    trimmed(line).first() == Some(&b'[')
}

/// The byte ranges of the numbers in `line[from..to]`.
fn numbers(line: &[u8], from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let b = line[i];
        let starts = b.is_ascii_digit()
            || ((b == b'-' || b == b'+' || b == b'.') && i + 1 < to && line[i + 1].is_ascii_digit());
        let inside_word = i > from && (line[i - 1].is_ascii_alphanumeric() || line[i - 1] == b'_');
        if starts && !inside_word {
            let mut j = i + 1;
            while j < to && (line[j].is_ascii_alphanumeric() || matches!(line[j], b'.' | b'_' | b'+' | b'-'))
            {
                j += 1;
            }
            out.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

fn splice(line: &[u8], (a, b): (usize, usize), with: &[u8]) -> Vec<u8> {
    [&line[..a], with, &line[b..]].concat()
}

/// The indices of lines for which `keep` holds.
fn which(lines: &[Vec<u8>], keep: impl Fn(&[u8]) -> bool) -> Vec<usize> {
    (0..lines.len()).filter(|&i| keep(&lines[i])).collect()
}

fn scaled(token: &[u8], factor: f64) -> Option<String> {
    let s = std::str::from_utf8(token).ok()?.replace('_', "");
    let integer = !s.contains(['.', 'e', 'E']);
    let x: f64 = s.parse().ok()?;
    let y = x * factor;
    Some(if integer && y.fract() == 0.0 && y.abs() < 9.0e18 {
        format!("{}", y as i64)
    } else {
        toml_float(y)
    })
}

/// The `[table]` header a key of `table.key` form goes under, and the key.
fn split_key(key: &str) -> (&str, &str) {
    key.rsplit_once('.').unwrap_or(("", key))
}

/// Replaces the `j`-th number of the `i`-th line with numbers in its value by `with(number)`;
/// false if there is none (or `with` gives none).
fn replace_number(ls: &mut [Vec<u8>], i: Index, j: Index, with: impl Fn(&[u8]) -> Option<String>) -> bool {
    let with_numbers = which(ls, |l| value_span(l).is_some_and(|(a, b)| !numbers(l, a, b).is_empty()));
    if with_numbers.is_empty() {
        return false;
    }
    let k = with_numbers[i.index(with_numbers.len())];
    let (a, b) = value_span(&ls[k]).unwrap();
    let nums = numbers(&ls[k], a, b);
    let span = nums[j.index(nums.len())];
    let Some(new) = with(&ls[k][span.0..span.1]) else { return false };
    ls[k] = splice(&ls[k], span, new.as_bytes());
    true
}

/// Applies one mutation.
pub fn apply(text: &[u8], m: &Mutation, target: &Target) -> Vec<u8> {
    let mut ls = lines(text);
    match m {
        Mutation::DeleteLine(i) => {
            let i = i.index(ls.len());
            ls.remove(i);
        }
        Mutation::ReplaceValue(i, v) => {
            let keyed = which(&ls, |l| value_span(l).is_some());
            if keyed.is_empty() {
                return text.to_vec();
            }
            let k = keyed[i.index(keyed.len())];
            let (a, b) = value_span(&ls[k]).unwrap();
            ls[k] = splice(&ls[k], (a, b), format!(" {v} ").as_bytes());
        }
        Mutation::ReplaceNumber(i, j, v) => {
            if !replace_number(&mut ls, *i, *j, |_| Some(v.clone())) {
                return text.to_vec();
            }
        }
        Mutation::ScaleNumber(i, j, f) => {
            if !replace_number(&mut ls, *i, *j, |token| scaled(token, *f)) {
                return text.to_vec();
            }
        }
        Mutation::InsertKey(i, v) => {
            if target.keys.is_empty() {
                return text.to_vec();
            }
            let (table, key) = split_key(&target.keys[i.index(target.keys.len())]);
            let line = format!("{key} = {v}").into_bytes();
            if table.is_empty() {
                ls.insert(0, line);
            } else {
                let header = format!("[{table}]").into_bytes();
                match ls.iter().position(|l| trimmed(l).starts_with(&header)) {
                    Some(h) => ls.insert(h + 1, line),
                    None => {
                        ls.push(header);
                        ls.push(line);
                    }
                }
            }
        }
        Mutation::RenameKey(i) => {
            let keyed = which(&ls, |l| value_span(l).is_some());
            if keyed.is_empty() {
                return text.to_vec();
            }
            let k = keyed[i.index(keyed.len())];
            let eq = ls[k].iter().position(|&b| b == b'=').unwrap();
            let key_end = ls[k][..eq].iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |p| p + 1);
            ls[k] = splice(&ls[k], (key_end, key_end), b"_x");
        }
        Mutation::DuplicateLine(i) => {
            let i = i.index(ls.len());
            let l = ls[i].clone();
            ls.insert(i + 1, l);
        }
        Mutation::DuplicateHeader(i) => {
            let headers = which(&ls, is_header);
            if headers.is_empty() {
                return text.to_vec();
            }
            let h = ls[headers[i.index(headers.len())]].clone();
            ls.push(h);
        }
        Mutation::SwapLines(a, b) => {
            let (a, b) = (a.index(ls.len()), b.index(ls.len()));
            ls.swap(a, b);
        }
        Mutation::InsertBytes(i, bytes) => {
            let at = i.index(text.len() + 1);
            return [&text[..at], bytes, &text[at..]].concat();
        }
        Mutation::Truncate(i) => return text[..i.index(text.len() + 1)].to_vec(),
        Mutation::SetReference(r) => {
            let key = if target.calibration { "base_scenario" } else { "extends" };
            let r = r.replace("{self}", target.file_name);
            let line = format!("{key} = {r:?}").into_bytes();
            // Only top-level keys (before the first header) count.
            let first_header = ls.iter().position(|l| is_header(l)).unwrap_or(ls.len());
            let existing = ls[..first_header].iter().position(|l| {
                let t = trimmed(l);
                t.starts_with(key.as_bytes()) && trimmed(&t[key.len()..]).first() == Some(&b'=')
            });
            match existing {
                Some(e) => ls[e] = line,
                None => ls.insert(0, line),
            }
        }
    }
    join(&ls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_found_in_values_and_not_in_words() {
        let l = b"fee_uplift = { kind = \"fixed\", percent = 4.0 }   # [C9] 2024/25";
        let (a, b) = value_span(l).unwrap();
        let found: Vec<&[u8]> = numbers(l, a, b).iter().map(|&(x, y)| &l[x..y]).collect();
        assert_eq!(found, vec![&b"4.0"[..]]);
        assert_eq!(scaled(b"2_000", 2.0).as_deref(), Some("4000"));
        assert_eq!(scaled(b"36.0e6", 0.5).as_deref(), Some("18000000.0"));
    }
}
