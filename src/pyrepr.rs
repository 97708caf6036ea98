//! Python's `repr()` of strings, which upstream's messages quote names with.

/// `repr(s)` for a Python `str`: single quotes unless the text holds a `'` and no `"`.
pub fn repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if is_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `str.isprintable()` for one character: not a control, format, separator (other
/// than the space), private-use or surrogate code point. Unassigned code points are
/// not tracked and count as printable.
fn is_printable(c: char) -> bool {
    let n = c as u32;
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || matches!(n,
            0xa0 | 0xad | 0x1680 | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064
            | 0x2066..=0x206f | 0x3000 | 0xfeff | 0xfff9..=0xfffb
            | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x8e2 | 0x180e
            | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
            | 0xe000..=0xf8ff | 0xf0000..=0x10ffff))
}

#[cfg(test)]
mod tests {
    use super::repr;

    #[test]
    fn quotes_and_escapes_like_python() {
        assert_eq!(repr("polcy"), "'polcy'");
        assert_eq!(repr("it's"), "\"it's\"");
        assert_eq!(repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(repr("bücket"), "'bücket'");
        assert_eq!(repr("tab\there\n"), "'tab\\there\\n'");
        assert_eq!(repr("\u{7}\u{7f}\u{a0}"), "'\\x07\\x7f\\xa0'");
        assert_eq!(repr("\u{200b}"), "'\\u200b'");
        assert_eq!(repr("back\\slash"), "'back\\\\slash'");
    }
}

/// `repr()` of a JSON-like value as Python prints the equivalent dict or list:
/// `{'Key': 'k', 'Flag': True}`, `[1, None]`.
pub fn value(v: &crate::json::Value) -> String {
    use crate::json::Value;
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Int(n) => n.clone(),
        Value::Float(f) => crate::json::float_repr(*f),
        Value::Str(s) => repr(&s.to_string_lossy()),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(value).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(o) => format!(
            "{{{}}}",
            o.iter()
                .map(|(k, v)| format!("{}: {}", repr(&k.to_string_lossy()), value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod value_tests {
    use crate::json::{Object, Value};

    #[test]
    fn dicts_and_lists_like_python() {
        let o = Object::new()
            .with("BlockPublicAcls", true)
            .with("RestrictPublicBuckets", false);
        assert_eq!(
            super::value(&o.into()),
            "{'BlockPublicAcls': True, 'RestrictPublicBuckets': False}"
        );
        let e = Object::new()
            .with("Key", "it's")
            .with("Code", "AccessDenied");
        assert_eq!(
            super::value(&Value::Array(vec![e.into()])),
            "[{'Key': \"it's\", 'Code': 'AccessDenied'}]"
        );
    }
}
