//! Turning one option or argument text into a typed value, with click's messages.
//!
//! Most conversions are pure. File-typed parameters are probed here (opened or
//! stat'ed) because upstream reports their problems as usage errors in argument
//! order, before the command runs; `--policy -` reads standard input here for the
//! same reason.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;

use super::spec::Kind;
use crate::json;
use crate::policy::{self, PolicyTemplate};
use crate::pyrepr::repr;

/// An input named on the command line: `-` for standard input, or an opened file.
#[derive(Debug)]
pub enum InputFile {
    Stdin,
    File { path: PathBuf, file: File },
}

impl InputFile {
    /// Reads everything, as UTF-8 text.
    pub fn read_text(self) -> std::io::Result<String> {
        let mut text = String::new();
        match self {
            InputFile::Stdin => std::io::stdin().lock().read_to_string(&mut text)?,
            InputFile::File { mut file, .. } => file.read_to_string(&mut text)?,
        };
        Ok(text)
    }

    /// The name as given on the command line (`-` for stdin).
    pub fn display_name(&self) -> String {
        match self {
            InputFile::Stdin => "-".into(),
            InputFile::File { path, .. } => path.display().to_string(),
        }
    }
}

/// A converted value.
#[derive(Debug)]
pub enum Val {
    Flag,
    Text(String),
    Int(i64),
    Bool(bool),
    /// Seconds.
    Duration(u32),
    /// Seconds, fractional.
    Seconds(f64),
    Json(json::Value),
    Policy(PolicyTemplate),
    File(InputFile),
    Path(PathBuf),
}

/// Converts `raw`; the error is the detail after `Invalid value for '...': `.
pub fn convert(kind: Kind, raw: &str) -> Result<Val, String> {
    match kind {
        Kind::Text => Ok(Val::Text(raw.to_string())),
        Kind::ExtendedChoice(_, extra) if extra.contains(&raw) => Ok(Val::Text(raw.to_string())),
        Kind::Choice(choices) | Kind::ExtendedChoice(choices, _) => {
            if choices.contains(&raw) {
                Ok(Val::Text(raw.to_string()))
            } else {
                let listed: Vec<String> = choices.iter().map(|c| repr(c)).collect();
                Err(format!("{} is not one of {}.", repr(raw), listed.join(", ")))
            }
        }
        Kind::Duration => parse_duration(raw).map(Val::Duration),
        Kind::Statement => policy::parse_statement(raw)
            .map(Val::Json)
            .map_err(|e| e.to_string()),
        Kind::Policy => parse_policy(raw).map(Val::Policy),
        Kind::ReadFile => open_input(raw).map(Val::File),
        Kind::Int => parse_int(raw)
            .map(Val::Int)
            .ok_or_else(|| format!("{} is not a valid integer.", repr(raw))),
        Kind::Bool => parse_bool(raw).map(Val::Bool).ok_or_else(|| {
            format!(
                "{} is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes",
                repr(raw)
            )
        }),
        Kind::ExistingFile => existing_file(raw).map(Val::File),
        Kind::OutputFile => match std::fs::metadata(raw) {
            Ok(m) if m.is_dir() => Err(format!("File {} is a directory.", repr(raw))),
            _ => Ok(Val::Path(raw.into())),
        },
        Kind::Seconds => parse_seconds(raw).map(Val::Seconds),
        Kind::Expiry => parse_expiry(raw).map(Val::Duration),
        Kind::OutputDir => match std::fs::metadata(raw) {
            Ok(m) if !m.is_dir() => Err(format!("Directory {} is a file.", repr(raw))),
            _ => Ok(Val::Path(raw.into())),
        },
    }
}

/// Digits with an optional unit suffix from `units` (none means seconds): the
/// seconds, `Ok(None)` when the number overflows, `Err` when the form is wrong.
fn seconds_with_unit(raw: &str, units: &[(char, u64)]) -> Result<Option<u64>, ()> {
    let (digits, multiplier) = match raw.chars().last() {
        Some(c) if c.is_ascii_alphabetic() => {
            let &(_, m) = units.iter().find(|(u, _)| *u == c).ok_or(())?;
            (&raw[..raw.len() - 1], m)
        }
        _ => (raw, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    Ok(digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier)))
}

const SECONDS: (char, u64) = ('s', 1);
const MINUTES: (char, u64) = ('m', 60);
const HOURS: (char, u64) = ('h', 3600);
const DAYS: (char, u64) = ('d', 86400);

/// `^[0-9]+(s|m|h)?$`, then 15 minutes to 12 hours.
pub fn parse_duration(raw: &str) -> Result<u32, String> {
    let seconds = seconds_with_unit(raw, &[SECONDS, MINUTES, HOURS])
        .map_err(|()| "Duration must be of form 3600s or 15m or 2h".to_string())?;
    match seconds {
        Some(s @ 900..=43200) => Ok(s as u32),
        _ => Err("Duration must be between 15 minutes and 12 hours".into()),
    }
}

/// SigV4's longest presigned URL: 7 days.
pub const MAX_EXPIRY_SECS: u32 = 604_800;

/// `^[0-9]+(s|m|h|d)?$`, from 1 second to 7 days.
pub fn parse_expiry(raw: &str) -> Result<u32, String> {
    let seconds = seconds_with_unit(raw, &[SECONDS, MINUTES, HOURS, DAYS])
        .map_err(|()| "Expiry must be of form 3600, 3600s, 15m, 2h or 7d".to_string())?;
    match seconds {
        Some(s @ 1..=604_800) => Ok(s as u32),
        _ => Err(format!(
            "Expiry must be between 1 second and 7 days ({MAX_EXPIRY_SECS} seconds), the longest SigV4 allows"
        )),
    }
}

/// A positive, finite number of seconds, at most a day (click's FLOAT messages).
pub fn parse_seconds(raw: &str) -> Result<f64, String> {
    let value: f64 = raw
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| !v.is_nan())
        .ok_or_else(|| format!("{} is not a valid float.", repr(raw)))?;
    if value > 0.0 && value <= 86400.0 {
        Ok(value)
    } else {
        Err(format!("{raw} is not in the range 0<x<=86400."))
    }
}

/// Python's `str.isspace` for one character.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `--policy`: literal JSON when it starts with `{`, else a file path, or `-` for stdin.
fn parse_policy(raw: &str) -> Result<PolicyTemplate, String> {
    if raw.trim_matches(is_py_space).starts_with('{') {
        return match json::parse(raw) {
            Ok(_) => Ok(PolicyTemplate(raw.to_string())),
            Err(_) => Err("Invalid JSON string".into()),
        };
    }
    let (text, invalid) = if raw == "-" {
        let mut text = String::new();
        std::io::stdin()
            .lock()
            .read_to_string(&mut text)
            .map_err(|e| format!("standard input: {}", os_message(&e)))?;
        (text, "Input contained invalid JSON")
    } else {
        if std::fs::symlink_metadata(raw).is_err() {
            return Err("File not found".into());
        }
        let text = read_file_text(raw)?;
        (text, "File contained invalid JSON")
    };
    match json::parse(&text) {
        Ok(_) => Ok(PolicyTemplate(text)),
        Err(_) => Err(invalid.into()),
    }
}

fn read_file_text(raw: &str) -> Result<String, String> {
    let mut file = open_regular(raw)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)
        .map_err(|e| format!("'{raw}': {}", os_message(&e)))?;
    String::from_utf8(bytes).map_err(|_| format!("'{raw}': not UTF-8 text"))
}

/// Opens a file for reading the way Python's `open()` does (a directory is an error).
fn open_regular(raw: &str) -> Result<File, String> {
    let file = File::open(raw).map_err(|e| format!("'{raw}': {}", os_message(&e)))?;
    match file.metadata() {
        Ok(m) if m.is_dir() => Err(format!("'{raw}': Is a directory")),
        _ => Ok(file),
    }
}

/// click.File("r").
fn open_input(raw: &str) -> Result<InputFile, String> {
    if raw == "-" {
        return Ok(InputFile::Stdin);
    }
    Ok(InputFile::File {
        path: raw.into(),
        file: open_regular(raw)?,
    })
}

/// click.Path(exists=True, dir_okay=False, allow_dash=True), opened for reading.
fn existing_file(raw: &str) -> Result<InputFile, String> {
    if raw == "-" {
        return Ok(InputFile::Stdin);
    }
    let name = repr(raw);
    match std::fs::metadata(raw) {
        Err(_) => Err(format!("File {name} does not exist.")),
        Ok(m) if m.is_dir() => Err(format!("File {name} is a directory.")),
        Ok(_) => match File::open(raw) {
            Ok(file) => Ok(InputFile::File {
                path: raw.into(),
                file,
            }),
            Err(_) => Err(format!("File {name} is not readable.")),
        },
    }
}

/// The OS's text for an I/O error, without Rust's " (os error N)" suffix.
pub fn os_message(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::InvalidData {
        return "not UTF-8 text".into();
    }
    let text = e.to_string();
    match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Python's `int(text)`: surrounding whitespace, a sign, `_` between digits.
fn parse_int(raw: &str) -> Option<i64> {
    let s = raw.trim_matches(is_py_space);
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
        || !digits.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let n: i64 = digits.replace('_', "").parse().ok()?;
    Some(if negative { -n } else { n })
}

/// click's BOOL: case-insensitive, whitespace trimmed, the empty string is false.
fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim_matches(is_py_space).to_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
        "" | "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_the_grammar() {
        for (input, seconds) in [
            ("900", 900),
            ("900s", 900),
            ("15m", 900),
            ("720m", 43200),
            ("12h", 43200),
            ("43200", 43200),
            ("1h", 3600),
            ("3600s", 3600),
        ] {
            assert_eq!(parse_duration(input), Ok(seconds), "{input}");
        }
        let form = Err("Duration must be of form 3600s or 15m or 2h".to_string());
        for input in [
            "abc", "1d", "15 m", "-15m", "", "15M", "1.5h", "h", "+900", " 900", "١٥m",
        ] {
            assert_eq!(parse_duration(input), form, "{input:?}");
        }
        let range = Err("Duration must be between 15 minutes and 12 hours".to_string());
        for input in [
            "5m",
            "13h",
            "899",
            "43201",
            "0",
            "10m",
            "99999999999999999999999h",
        ] {
            assert_eq!(parse_duration(input), range, "{input:?}");
        }
    }

    #[test]
    fn integers_parse_like_python_int() {
        assert_eq!(parse_int(" 12 "), Some(12));
        assert_eq!(parse_int("+5"), Some(5));
        assert_eq!(parse_int("-5"), Some(-5));
        assert_eq!(parse_int("1_000"), Some(1000));
        for bad in ["abc", "", "1__0", "_1", "1_", "1.0", "0x10", "- 1"] {
            assert_eq!(parse_int(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn booleans_parse_like_click() {
        for t in ["1", "true", "T", " Yes ", "y", "ON"] {
            assert_eq!(parse_bool(t), Some(true), "{t:?}");
        }
        for f in ["", "0", "False", "f", "NO", "n", "off"] {
            assert_eq!(parse_bool(f), Some(false), "{f:?}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn conversion_messages_are_upstreams() {
        let err = |kind, raw| convert(kind, raw).unwrap_err();
        assert_eq!(
            err(Kind::Choice(&["ini", "json"]), "xml"),
            "'xml' is not one of 'ini', 'json'."
        );
        assert_eq!(err(Kind::Int, "abc"), "'abc' is not a valid integer.");
        assert_eq!(
            err(Kind::Bool, "maybe"),
            "'maybe' is not a valid boolean. Recognized values: , 0, 1, f, false, n, no, off, on, t, true, y, yes"
        );
        assert_eq!(
            err(Kind::ReadFile, "/nonexistent/nope.json"),
            "'/nonexistent/nope.json': No such file or directory"
        );
        assert_eq!(err(Kind::ReadFile, "/"), "'/': Is a directory");
        assert_eq!(
            err(Kind::ExistingFile, "/nonexistent/x"),
            "File '/nonexistent/x' does not exist."
        );
        assert_eq!(err(Kind::ExistingFile, "/"), "File '/' is a directory.");
        assert_eq!(err(Kind::OutputFile, "/"), "File '/' is a directory.");
        assert_eq!(
            err(Kind::OutputDir, "Cargo.toml"),
            "Directory 'Cargo.toml' is a file."
        );
        assert_eq!(err(Kind::Policy, "[1]"), "File not found");
        assert_eq!(err(Kind::Policy, "{nope"), "Invalid JSON string");
        assert!(
            matches!(convert(Kind::Policy, " \t{\"a\": 1}"), Ok(Val::Policy(PolicyTemplate(t))) if t == " \t{\"a\": 1}")
        );
    }

    #[test]
    fn expiry_is_one_second_to_seven_days() {
        assert_eq!(parse_expiry("3600"), Ok(3600));
        assert_eq!(parse_expiry("15m"), Ok(900));
        assert_eq!(parse_expiry("1h"), Ok(3600));
        assert_eq!(parse_expiry("7d"), Ok(604_800));
        assert_eq!(parse_expiry("604800s"), Ok(604_800));
        for bad in ["8d", "604801", "0", "0s", "99999999999999999999d"] {
            assert!(parse_expiry(bad).unwrap_err().contains("7 days"), "{bad}");
        }
        for bad in ["", "h", "1.5h", "-1", "1w", "1 h"] {
            assert!(parse_expiry(bad).unwrap_err().contains("form"), "{bad}");
        }
    }
}
