//! The `--duration` grammar: `3600`, `3600s`, `15m`, `1h`, within 15 minutes to 12 hours.
#![no_main]
use libfuzzer_sys::fuzz_target;
use s3_credentials::cli::convert::parse_duration;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(seconds) = parse_duration(text) {
        assert!((900..=43200).contains(&seconds), "{text:?} gave {seconds}");
    }
});
