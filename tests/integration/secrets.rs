//! Secrets end to end against moto: `--debug` shows requests and responses with
//! every secret redacted, secrets reach stdout only from `create`, and
//! `create --output FILE` writes a private file, never replacing one unasked.

use std::os::unix::fs::PermissionsExt;

use crate::common::{TempDir, as_admin_in, json_text, make_bucket, ok, run_env_in};
use crate::moto::moto;

#[test]
fn debug_output_never_shows_a_secret() {
    let dir = TempDir::new("secrets-debug");
    let m = moto();
    make_bucket(&dir.0, "secrets-debug");
    // A permanent key: CreateAccessKey's response body holds the secret.
    let out = as_admin_in(
        &dir.0,
        &m.url,
        &[
            "create",
            "secrets-debug",
            "--username",
            "debug-user",
            "--debug",
        ],
        "",
    );
    let printed = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let secret = json_text(&printed, "SecretAccessKey");
    assert!(stderr.contains("CreateAccessKey"), "{stderr}");
    assert!(
        stderr.contains("<SecretAccessKey>[redacted]</SecretAccessKey>"),
        "{stderr}"
    );
    assert!(stderr.contains("Signature=[redacted]"), "{stderr}");
    for hidden in [&secret, &m.admin.secret] {
        assert!(
            !stderr.contains(hidden.as_str()),
            "a secret in --debug: {stderr}"
        );
    }

    // A session: AssumeRole's response holds a secret and a token.
    let out = as_admin_in(
        &dir.0,
        &m.url,
        &["create", "secrets-debug", "-d", "15m", "--debug"],
        "",
    );
    let printed = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let (id, secret, token) = (
        json_text(&printed, "AccessKeyId"),
        json_text(&printed, "SecretAccessKey"),
        json_text(&printed, "SessionToken"),
    );
    assert!(stderr.contains("AssumeRole"), "{stderr}");
    for hidden in [&secret, &token, &m.admin.secret] {
        assert!(
            !stderr.contains(hidden.as_str()),
            "a secret in --debug: {stderr}"
        );
    }

    // Signing with the session: the token header is redacted, and nothing but
    // create prints a secret.
    let out = run_env_in(
        &dir.0,
        &[
            "list-bucket",
            "secrets-debug",
            "--debug",
            "--access-key",
            &id,
            "--secret-key",
            &secret,
            "--session-token",
            &token,
            "--endpoint-url",
            &m.url,
        ],
        &[],
        "",
    );
    let stdout = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        stderr.contains("x-amz-security-token: [redacted]"),
        "{stderr}"
    );
    for hidden in [&secret, &token] {
        assert!(!stderr.contains(hidden.as_str()), "{stderr}");
        assert!(!stdout.contains(hidden.as_str()), "{stdout}");
    }
}

#[test]
fn output_writes_a_private_file_and_never_replaces_one_unasked() {
    let dir = TempDir::new("secrets-output");
    let m = moto();
    make_bucket(&dir.0, "secrets-output");
    let args = |user: &'static str, extra: &[&'static str]| {
        let mut a = vec![
            "create",
            "secrets-output",
            "--username",
            user,
            "--output",
            "creds.json",
        ];
        a.extend(extra);
        a
    };
    let out = as_admin_in(&dir.0, &m.url, &args("output-user", &[]), "");
    assert_eq!(ok(&out), "", "the secret goes to the file, not stdout");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Wrote the credentials to creds.json"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.0.join("creds.json");
    let written = std::fs::read_to_string(&path).unwrap();
    let first_key = json_text(&written, "AccessKeyId");
    assert!(written.contains("\"SecretAccessKey\""), "{written}");
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // Refused before anything changes: the user gets no second key.
    let out = as_admin_in(&dir.0, &m.url, &args("output-user", &[]), "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: --output creds.json already exists; add --force to replace it\n"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    assert_eq!(crate::faults::count_keys("output-user"), 1);

    // --force replaces it, still private, even over a world-readable file.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = as_admin_in(
        &dir.0,
        &m.url,
        &args("output-user", &["--force", "-f", "ini"]),
        "",
    );
    ok(&out);
    let replaced = std::fs::read_to_string(&path).unwrap();
    assert!(
        replaced.starts_with("[default]\naws_access_key_id="),
        "{replaced}"
    );
    assert!(!replaced.contains(&first_key));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    // An unwritable destination fails before any change; no temporary file stays.
    let out = as_admin_in(
        &dir.0,
        &m.url,
        &[
            "create",
            "secrets-output",
            "--username",
            "never-made",
            "--output",
            "missing-dir/c.json",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("Error: --output missing-dir/c.json: No such file or directory"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let users = ok(&as_admin_in(&dir.0, &m.url, &["list-users", "--nl"], ""));
    assert!(!users.contains("never-made"), "{users}");
    let leftovers: Vec<String> = std::fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
