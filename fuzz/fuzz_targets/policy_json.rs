//! `--statement` and `--policy` JSON: parsing, validation, and CPython-compatible
//! re-rendering (which must parse back to the same value).
#![no_main]
use libfuzzer_sys::fuzz_target;
use s3_credentials::cli::convert::{Val, convert};
use s3_credentials::cli::spec::Kind;
use s3_credentials::json;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = convert(Kind::Statement, text);
    if text.trim_start().starts_with('{') {
        if let Ok(Val::Policy(template)) = convert(Kind::Policy, text) {
            let _ = template.render("bucket");
        }
    }
    if let Ok(value) = json::parse(text) {
        let indented = json::to_string_indent(&value, 4);
        let again = json::parse(&indented).expect("our own JSON parses");
        assert_eq!(json::to_string_indent(&again, 4), indented);
        let _ = json::to_string_compact(&value);
    }
});
