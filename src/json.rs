//! JSON exactly as CPython's `json` module reads and writes it.
//!
//! Upstream parses user JSON with `json.loads` and prints with `json.dumps`, so this
//! module owns both directions: the reader accepts what Python accepts (`NaN`,
//! unbounded integers, lone surrogate escapes, duplicate keys where the last value
//! wins at the first position) and the writer renders ASCII-escaped text with
//! Python's float `repr`. Strings are kept as UTF-16 code units so that a lone
//! surrogate survives a round trip, as it does in Python.

use std::fmt::Write as _;

/// A JSON string as UTF-16 code units (Python's `str` can hold lone surrogates).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct JsonStr(Vec<u16>);

impl JsonStr {
    /// The text, with any lone surrogate replaced by U+FFFD.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf16_lossy(&self.0)
    }

    pub fn eq_str(&self, s: &str) -> bool {
        self.0.iter().copied().eq(s.encode_utf16())
    }
}

impl From<&str> for JsonStr {
    fn from(s: &str) -> Self {
        JsonStr(s.encode_utf16().collect())
    }
}

impl From<String> for JsonStr {
    fn from(s: String) -> Self {
        JsonStr::from(s.as_str())
    }
}

impl std::fmt::Debug for JsonStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_string_lossy())
    }
}

/// A parsed or constructed JSON value. Objects keep insertion order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// An integer of any size, as its decimal text (`-0` is normalised to `0`).
    Int(String),
    Float(f64),
    Str(JsonStr),
    Array(Vec<Value>),
    Object(Object),
}

/// An ordered JSON object; inserting an existing key replaces the value in place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Object(Vec<(JsonStr, Value)>);

impl Object {
    pub fn new() -> Self {
        Object(Vec::new())
    }

    /// Python dict assignment: a new key goes last, an existing key keeps its place.
    pub fn insert(&mut self, key: impl Into<JsonStr>, value: Value) {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.insert(key, value.into());
        self
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k.eq_str(key)).map(|(_, v)| v)
    }

    /// A string member's text, or "" when it is missing or not a string.
    pub fn text(&self, key: &str) -> String {
        self.get(key)
            .and_then(Value::as_str_lossy)
            .unwrap_or_default()
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = &(JsonStr, Value)> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s.into())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n.to_string())
    }
}

impl From<Object> for Value {
    fn from(o: Object) -> Self {
        Value::Object(o)
    }
}

impl From<Vec<Value>> for Value {
    fn from(v: Vec<Value>) -> Self {
        Value::Array(v)
    }
}

/// An array of strings.
pub fn strings<S: AsRef<str>>(items: &[S]) -> Value {
    Value::Array(items.iter().map(|s| Value::from(s.as_ref())).collect())
}

impl Value {
    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_str_lossy(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.to_string_lossy()),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// Reading

/// A parse failure, worded and positioned as Python's `JSONDecodeError`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: &'static str,
    /// Position in characters (code points), as Python counts.
    pub pos: usize,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: line {} column {} (char {})",
            self.message, self.line, self.column, self.pos
        )
    }
}

impl std::error::Error for ParseError {}

/// `json.loads(text)`.
pub fn parse(text: &str) -> Result<Value, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser {
        s: &chars,
        i: 0,
        depth: 0,
    };
    if chars.first() == Some(&'\u{feff}') {
        return Err(p.error("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0));
    }
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.i != chars.len() {
        return Err(p.error("Extra data", p.i));
    }
    Ok(value)
}

struct Parser<'a> {
    s: &'a [char],
    i: usize,
    /// Open objects and arrays around the current position.
    depth: usize,
}

/// Deeper documents are refused rather than overflowing the stack (CPython raises
/// RecursionError near 1000).
const MAX_DEPTH: usize = 500;

impl Parser<'_> {
    fn error(&self, message: &'static str, pos: usize) -> ParseError {
        let before = &self.s[..pos.min(self.s.len())];
        let line = before.iter().filter(|&&c| c == '\n').count() + 1;
        let column = match before.iter().rposition(|&c| c == '\n') {
            Some(nl) => pos - nl,
            None => pos + 1,
        };
        ParseError {
            message,
            pos,
            line,
            column,
        }
    }

    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &str) -> bool {
        let n = word.chars().count();
        if self.s.len() >= self.i + n && self.s[self.i..self.i + n].iter().copied().eq(word.chars())
        {
            self.i += n;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek() {
            Some('"') => {
                self.i += 1;
                Ok(Value::Str(self.string()?))
            }
            Some(c @ ('{' | '[')) => {
                if self.depth >= MAX_DEPTH {
                    return Err(self.error("Nested too deeply", self.i));
                }
                self.i += 1;
                self.depth += 1;
                let value = if c == '{' {
                    self.object()
                } else {
                    self.array()
                };
                self.depth -= 1;
                value
            }
            Some('n') if self.literal("null") => Ok(Value::Null),
            Some('t') if self.literal("true") => Ok(Value::Bool(true)),
            Some('f') if self.literal("false") => Ok(Value::Bool(false)),
            Some('-' | '0'..='9') => match self.number() {
                Some(v) => Ok(v),
                None if self.literal("-Infinity") => Ok(Value::Float(f64::NEG_INFINITY)),
                None => Err(self.error("Expecting value", self.i)),
            },
            Some('N') if self.literal("NaN") => Ok(Value::Float(f64::NAN)),
            Some('I') if self.literal("Infinity") => Ok(Value::Float(f64::INFINITY)),
            _ => Err(self.error("Expecting value", self.i)),
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, or `None` if no number starts here.
    fn number(&mut self) -> Option<Value> {
        let start = self.i;
        let mut j = self.i;
        let digit = |j: usize| self.s.get(j).is_some_and(|c| c.is_ascii_digit());
        if self.s.get(j) == Some(&'-') {
            j += 1;
        }
        match self.s.get(j) {
            Some('0') => j += 1,
            Some('1'..='9') => {
                while digit(j) {
                    j += 1;
                }
            }
            _ => return None,
        }
        let mut is_float = false;
        if self.s.get(j) == Some(&'.') && digit(j + 1) {
            j += 1;
            while digit(j) {
                j += 1;
            }
            is_float = true;
        }
        if matches!(self.s.get(j), Some('e' | 'E')) {
            let mut k = j + 1;
            if matches!(self.s.get(k), Some('+' | '-')) {
                k += 1;
            }
            if digit(k) {
                while digit(k) {
                    k += 1;
                }
                j = k;
                is_float = true;
            }
        }
        let text: String = self.s[start..j].iter().collect();
        self.i = j;
        Some(if is_float {
            Value::Float(text.parse().unwrap_or(f64::NAN))
        } else if text == "-0" {
            Value::Int("0".into())
        } else {
            Value::Int(text)
        })
    }

    /// After the opening quote.
    fn string(&mut self) -> Result<JsonStr, ParseError> {
        let start = self.i - 1;
        let mut out = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error("Unterminated string starting at", start));
            };
            match c {
                '"' => {
                    self.i += 1;
                    return Ok(JsonStr(out));
                }
                '\\' => {
                    let esc_pos = self.i;
                    self.i += 1;
                    let unit = match self.peek() {
                        Some('"') => '"' as u16,
                        Some('\\') => '\\' as u16,
                        Some('/') => '/' as u16,
                        Some('b') => 8,
                        Some('f') => 12,
                        Some('n') => '\n' as u16,
                        Some('r') => '\r' as u16,
                        Some('t') => '\t' as u16,
                        Some('u') => {
                            let hex = self.s.get(self.i + 1..self.i + 5);
                            let unit = hex.and_then(|h| {
                                h.iter().try_fold(0u16, |acc, c| {
                                    Some(acc * 16 + c.to_digit(16)? as u16)
                                })
                            });
                            match unit {
                                Some(u) => {
                                    self.i += 4;
                                    u
                                }
                                None => return Err(self.error("Invalid \\uXXXX escape", esc_pos)),
                            }
                        }
                        None => return Err(self.error("Unterminated string starting at", start)),
                        Some(_) => return Err(self.error("Invalid \\escape", esc_pos)),
                    };
                    self.i += 1;
                    out.push(unit);
                }
                c if (c as u32) < 0x20 => {
                    return Err(self.error("Invalid control character at", self.i));
                }
                c => {
                    let mut buf = [0u16; 2];
                    out.extend_from_slice(c.encode_utf16(&mut buf));
                    self.i += 1;
                }
            }
        }
    }

    /// After `{`.
    fn object(&mut self) -> Result<Value, ParseError> {
        let mut obj = Object::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.i += 1;
            return Ok(Value::Object(obj));
        }
        loop {
            if self.peek() != Some('"') {
                return Err(self.error("Expecting property name enclosed in double quotes", self.i));
            }
            self.i += 1;
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(':') {
                return Err(self.error("Expecting ':' delimiter", self.i));
            }
            self.i += 1;
            self.skip_ws();
            let value = self.value()?;
            obj.insert(key, value);
            self.skip_ws();
            match self.peek() {
                Some('}') => {
                    self.i += 1;
                    return Ok(Value::Object(obj));
                }
                Some(',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                _ => return Err(self.error("Expecting ',' delimiter", self.i)),
            }
        }
    }

    /// After `[`.
    fn array(&mut self) -> Result<Value, ParseError> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(']') => {
                    self.i += 1;
                    return Ok(Value::Array(items));
                }
                Some(',') => {
                    self.i += 1;
                    self.skip_ws();
                }
                _ => return Err(self.error("Expecting ',' delimiter", self.i)),
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Writing

/// `json.dumps(value, indent=n)`: members on their own lines, `,` and `: ` separators.
pub fn to_string_indent(value: &Value, indent: usize) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Some(indent), 0);
    out
}

/// `json.dumps(value)`: one line with `, ` and `: ` separators.
pub fn to_string_compact(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, None, 0);
    out
}

fn newline(out: &mut String, indent: usize, level: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', indent * level));
}

fn write_value(out: &mut String, value: &Value, indent: Option<usize>, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(digits) => out.push_str(digits),
        Value::Float(f) => out.push_str(&float_repr(*f)),
        Value::Str(s) => write_str(out, s),
        Value::Array(items) if items.is_empty() => out.push_str("[]"),
        Value::Object(obj) if obj.is_empty() => out.push_str("{}"),
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                separator(out, indent, level, n);
                write_value(out, item, indent, level + 1);
            }
            close(out, indent, level, ']');
        }
        Value::Object(obj) => {
            out.push('{');
            for (n, (key, item)) in obj.iter().enumerate() {
                separator(out, indent, level, n);
                write_str(out, key);
                out.push_str(": ");
                write_value(out, item, indent, level + 1);
            }
            close(out, indent, level, '}');
        }
    }
}

fn separator(out: &mut String, indent: Option<usize>, level: usize, n: usize) {
    match indent {
        Some(width) => {
            if n > 0 {
                out.push(',');
            }
            newline(out, width, level + 1);
        }
        None if n > 0 => out.push_str(", "),
        None => {}
    }
}

fn close(out: &mut String, indent: Option<usize>, level: usize, bracket: char) {
    if let Some(width) = indent {
        newline(out, width, level);
    }
    out.push(bracket);
}

/// A string literal with `ensure_ascii=True` escaping.
fn write_str(out: &mut String, s: &JsonStr) {
    out.push('"');
    for &unit in &s.0 {
        match unit {
            0x22 => out.push_str("\\\""),
            0x5c => out.push_str("\\\\"),
            0x0a => out.push_str("\\n"),
            0x0d => out.push_str("\\r"),
            0x09 => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            0x20..=0x7e => out.push(unit as u8 as char),
            _ => {
                let _ = write!(out, "\\u{unit:04x}");
            }
        }
    }
    out.push('"');
}

/// Python's `float.__repr__`, with `json`'s spelling of the specials.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // `{:e}` gives the shortest round-tripping digits, e.g. "-1.2345e-7".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("{:e} exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let body = if (-4..16).contains(&exp) {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() > int_len {
                format!("{}.{}", &digits[..int_len], &digits[int_len..])
            } else {
                format!("{digits:0<int_len$}.0")
            }
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        }
    } else {
        let mut m = digits[..1].to_string();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{esign}{:02}", exp.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(input: &str) -> String {
        to_string_compact(&parse(input).unwrap())
    }

    #[test]
    fn floats_print_as_python_repr() {
        let cases = [
            ("1.50", "1.5"),
            ("1e3", "1000.0"),
            ("1E2", "100.0"),
            ("-0.0", "-0.0"),
            ("0.0", "0.0"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1e-5", "1e-05"),
            ("1.5e-7", "1.5e-07"),
            ("1e16", "1e+16"),
            ("1e15", "1000000000000000.0"),
            ("123456789.123456789", "123456789.12345679"),
            ("1e400", "Infinity"),
            ("-1e400", "-Infinity"),
            ("1e-400", "0.0"),
            ("0.1", "0.1"),
            ("2.5e+20", "2.5e+20"),
            ("1.7976931348623157e308", "1.7976931348623157e+308"),
            ("5e-324", "5e-324"),
            ("9999999999999998.0", "9999999999999998.0"),
            ("12.0e0", "12.0"),
        ];
        for (input, want) in cases {
            assert_eq!(roundtrip(input), want, "input {input}");
        }
    }

    #[test]
    fn integers_keep_every_digit() {
        assert_eq!(
            roundtrip("12345678901234567890123"),
            "12345678901234567890123"
        );
        assert_eq!(roundtrip("-0"), "0");
        assert_eq!(roundtrip("-17"), "-17");
        assert_eq!(roundtrip("0"), "0");
    }

    #[test]
    fn python_specials_are_accepted() {
        assert_eq!(
            roundtrip("[NaN, Infinity, -Infinity]"),
            "[NaN, Infinity, -Infinity]"
        );
    }

    #[test]
    fn strings_escape_to_ascii() {
        assert_eq!(roundtrip(r#""b\u00fccket""#), r#""b\u00fccket""#);
        assert_eq!(roundtrip("\"bücket\""), r#""b\u00fccket""#);
        assert_eq!(roundtrip("\"😀\""), r#""\ud83d\ude00""#);
        assert_eq!(roundtrip(r#""\ud83d\ude00""#), r#""\ud83d\ude00""#);
        assert_eq!(
            roundtrip(r#""lone \ud800 and \udc00""#),
            r#""lone \ud800 and \udc00""#
        );
        assert_eq!(
            roundtrip(r#""\/ \" \\ \b\f\n\r\t""#),
            r#""/ \" \\ \b\f\n\r\t""#
        );
        assert_eq!(roundtrip(r#""\u007f\u001f""#), r#""\u007f\u001f""#);
        assert_eq!(roundtrip(r#""\u00E9""#), r#""\u00e9""#);
    }

    #[test]
    fn duplicate_keys_keep_first_position_and_last_value() {
        assert_eq!(
            roundtrip(r#"{"a": 1, "b": 2, "a": 3}"#),
            r#"{"a": 3, "b": 2}"#
        );
    }

    #[test]
    fn indented_layout_matches_python() {
        let v = parse(r#"{"a": [1, {"b": null}], "c": {}, "d": [], "e": true}"#).unwrap();
        assert_eq!(
            to_string_indent(&v, 4),
            "{\n    \"a\": [\n        1,\n        {\n            \"b\": null\n        }\n    ],\n    \"c\": {},\n    \"d\": [],\n    \"e\": true\n}"
        );
        assert_eq!(to_string_indent(&Value::Array(vec![]), 2), "[]");
        assert_eq!(to_string_indent(&Value::from("x"), 2), "\"x\"");
    }

    #[test]
    fn rejects_what_python_rejects() {
        let bad = [
            "",
            " ",
            "{",
            "{'a': 1}",
            "[1,]",
            "{\"a\": 1,}",
            "01",
            "1.",
            ".5",
            "+1",
            "-",
            "1e",
            "\u{feff}{}",
            "\"a\u{1}\"",
            "\"\\x\"",
            "\"\\u12\"",
            "\"\\u12g4\"",
            "nul",
            "True",
            "[1] x",
            "// c\n{}",
            "{\"a\" 1}",
            "\"abc",
            "-Inf",
            "nan",
            "\u{a0}1",
        ];
        for input in bad {
            assert!(parse(input).is_err(), "should reject {input:?}");
        }
    }

    #[test]
    fn accepts_what_python_accepts() {
        let good = [
            " \t\r\n{} \n",
            "\"\u{7f}\"",
            "\"ü\"",
            "[1e5, 1E+5, 1e-5, -0.5]",
            "null",
            "1",
        ];
        for input in good {
            assert!(parse(input).is_ok(), "should accept {input:?}");
        }
    }

    #[test]
    fn errors_are_positioned_like_python() {
        let err = parse("{\n  \"a\": }").unwrap_err();
        assert_eq!(err.to_string(), "Expecting value: line 2 column 8 (char 9)");
        let err = parse("[1] x").unwrap_err();
        assert_eq!(err.to_string(), "Extra data: line 1 column 5 (char 4)");
    }
}
