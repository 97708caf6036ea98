//! ~/.aws/config and ~/.aws/credentials: parse, merge, and read every property.
#![no_main]
use libfuzzer_sys::fuzz_target;
use s3_credentials::aws::profile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The same text as either file, and split between both.
    let middle = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(0, |(i, _)| i);
    for (config, credentials) in [
        (Some(("config", text)), None),
        (None, Some(("credentials", text))),
        (
            Some(("config", &text[..middle])),
            Some(("credentials", &text[middle..])),
        ),
    ] {
        if let Ok(set) = profile::load(config, credentials) {
            for name in ["default", "a", "profile a", ""] {
                for key in ["region", "aws_access_key_id", "role_arn", "s3", "services"] {
                    let _ = set.get(name, key);
                }
                let _ = set.sub_property(name, "s3", "addressing_style");
                let _ = set.service_endpoints(name);
            }
        }
    }
});
