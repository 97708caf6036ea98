//! Pure writers for list output: a streamed JSON array (upstream's default),
//! newline-delimited JSON, and CSV/TSV as Python's `csv` module writes them.

use std::io::{self, Write};

use crate::cli::ListFormat;
use crate::json::{self, Object, Value};

/// Writes list elements as they arrive. The JSON array holds one element back, as
/// upstream does, so a failure before the first element prints nothing.
pub struct ListWriter<'a> {
    format: ListFormat,
    fields: &'a [&'a str],
    out: &'a mut dyn Write,
    pending: Option<Object>,
    started: bool,
}

impl<'a> ListWriter<'a> {
    /// CSV/TSV write their header row at once, before the first element is fetched.
    pub fn new(
        format: ListFormat,
        fields: &'a [&'a str],
        out: &'a mut dyn Write,
    ) -> io::Result<Self> {
        let w = ListWriter {
            format,
            fields,
            out,
            pending: None,
            started: false,
        };
        if let Some(delimiter) = w.delimiter() {
            let header: Vec<String> = fields.iter().map(|f| csv_field(f, delimiter)).collect();
            write!(w.out, "{}\r\n", header.join(&delimiter.to_string()))?;
        }
        Ok(w)
    }

    fn delimiter(&self) -> Option<char> {
        match self.format {
            ListFormat::Csv => Some(','),
            ListFormat::Tsv => Some('\t'),
            _ => None,
        }
    }

    pub fn push(&mut self, item: Object) -> io::Result<()> {
        match self.format {
            ListFormat::Json => {
                if let Some(previous) = self.pending.replace(item) {
                    self.write_json_element(&previous, false)?;
                }
                Ok(())
            }
            ListFormat::Nl => writeln!(self.out, "{}", json::to_string_compact(&item.into())),
            ListFormat::Csv | ListFormat::Tsv => {
                let delimiter = self.delimiter().unwrap_or(',');
                let row: Vec<String> = self
                    .fields
                    .iter()
                    .map(|f| csv_field(&cell(item.get(f)), delimiter))
                    .collect();
                write!(self.out, "{}\r\n", row.join(&delimiter.to_string()))
            }
        }
    }

    fn write_json_element(&mut self, item: &Object, last: bool) -> io::Result<()> {
        if !self.started {
            self.out.write_all(b"[\n")?;
            self.started = true;
        }
        let text = json::to_string_indent(&Value::Object(item.clone()), 2);
        let indented: Vec<String> = text.lines().map(|l| format!("  {l}")).collect();
        self.out.write_all(indented.join("\n").as_bytes())?;
        self.out.write_all(if last { b"\n]\n" } else { b",\n" })
    }

    /// Ends the list (the closing bracket, or `[]` for no elements).
    pub fn finish(mut self) -> io::Result<()> {
        if self.format == ListFormat::Json {
            match self.pending.take() {
                Some(last) => self.write_json_element(&last, true)?,
                None => self.out.write_all(b"[]\n")?,
            }
        }
        Ok(())
    }
}

/// A value as a CSV cell: strings raw, booleans `True`/`False`, objects as JSON.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Str(s)) => s.to_string_lossy(),
        Some(Value::Bool(true)) => "True".into(),
        Some(Value::Bool(false)) => "False".into(),
        Some(Value::Int(n)) => n.clone(),
        Some(Value::Float(f)) => json::float_repr(*f),
        Some(v) => json::to_string_indent(v, 2),
    }
}

/// Python csv's QUOTE_MINIMAL for the excel dialects.
fn csv_field(text: &str, delimiter: char) -> String {
    if text.contains([delimiter, '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(format: ListFormat, items: &[Object]) -> String {
        let mut out = Vec::new();
        let mut w = ListWriter::new(format, &["Key", "ETag", "Size", "Owner"], &mut out).unwrap();
        for item in items {
            w.push(item.clone()).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    fn items() -> Vec<Object> {
        vec![
            Object::new()
                .with("Key", "a b")
                .with("ETag", "\"abc\"")
                .with("Size", 5i64),
            Object::new()
                .with("Key", "k,2")
                .with("Size", 0i64)
                .with("Owner", Object::new().with("ID", "x"))
                .with("Extra", true),
        ]
    }

    #[test]
    fn json_array_is_two_space_indented_and_streamed() {
        assert_eq!(render(ListFormat::Json, &[]), "[]\n");
        assert_eq!(
            render(ListFormat::Json, &items()[..1]),
            "[\n  {\n    \"Key\": \"a b\",\n    \"ETag\": \"\\\"abc\\\"\",\n    \"Size\": 5\n  }\n]\n"
        );
        let two = render(ListFormat::Json, &items());
        assert!(
            two.starts_with("[\n  {\n")
                && two.contains("\n  },\n  {\n")
                && two.ends_with("\n  }\n]\n"),
            "{two}"
        );
    }

    #[test]
    fn nl_is_one_compact_object_per_line() {
        assert_eq!(render(ListFormat::Nl, &[]), "");
        assert_eq!(
            render(ListFormat::Nl, &items()[..1]),
            "{\"Key\": \"a b\", \"ETag\": \"\\\"abc\\\"\", \"Size\": 5}\n"
        );
    }

    #[test]
    fn csv_quotes_minimally_and_ignores_unknown_keys() {
        assert_eq!(
            render(ListFormat::Csv, &items()),
            "Key,ETag,Size,Owner\r\na b,\"\"\"abc\"\"\",5,\r\n\"k,2\",,0,\"{\n  \"\"ID\"\": \"\"x\"\"\n}\"\r\n"
        );
        assert_eq!(render(ListFormat::Tsv, &[]), "Key\tETag\tSize\tOwner\r\n");
    }
}
