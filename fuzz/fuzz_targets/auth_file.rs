//! The `--auth` file: JSON or INI credentials.
#![no_main]
use libfuzzer_sys::fuzz_target;
use s3_credentials::aws::credentials;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(Some(c)) = credentials::from_auth_text(text, "auth.json") {
        // Debug output never shows the secret.
        let shown = format!("{c:?}");
        let secret = c.secret_access_key.as_str();
        // The same struct without secrets: text that was there anyway.
        let skeleton = format!(
            "{:?}",
            credentials::Credentials {
                secret_access_key: String::new(),
                session_token: c.session_token.as_ref().map(|_| String::new()),
                ..c.clone()
            }
        );
        if secret.len() >= 4 && !skeleton.contains(secret) {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    let _ = credentials::parse_ini(text);
});
