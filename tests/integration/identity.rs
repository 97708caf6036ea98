//! whoami and list-users end to end: the real binary against moto with signature
//! checking on, and against a scripted server for retries.

use crate::common::{TempDir, last_line, ok, run_env};
use crate::fake::{FakeServer, canned};
use crate::moto::{Keys, moto};
use std::process::Output;

/// `whoami` with placeholder keys against a scripted server.
fn whoami_at(url: &str, env: &[(&str, &str)], stdin: &str) -> Output {
    run_env(
        &[
            "whoami",
            "--access-key",
            "AK",
            "--secret-key",
            "SK",
            "--endpoint-url",
            url,
        ],
        env,
        stdin,
    )
}

fn admin_identity() -> String {
    "{\n    \"UserId\": \"USERID\",\n    \"Account\": \"123456789012\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/admin\"\n}\n".into()
}

/// whoami's output with the generated user id masked.
fn masked(stdout: &str) -> String {
    let mut lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    if let Some(line) = lines.iter_mut().find(|l| l.contains("\"UserId\"")) {
        *line = "    \"UserId\": \"USERID\",".into();
    }
    lines.join("\n") + "\n"
}

fn keys() -> (&'static str, Keys) {
    let m = moto();
    (m.url.as_str(), m.admin.clone())
}

#[test]
fn whoami_with_key_options() {
    let (url, k) = keys();
    let out = run_env(
        &[
            "whoami",
            "--access-key",
            &k.id,
            "--secret-key",
            &k.secret,
            "--endpoint-url",
            url,
        ],
        &[],
        "",
    );
    assert_eq!(masked(&ok(&out)), admin_identity());
}

#[test]
fn whoami_with_environment_credentials() {
    let (url, k) = keys();
    let out = run_env(
        &["whoami"],
        &[
            ("AWS_ACCESS_KEY_ID", &k.id),
            ("AWS_SECRET_ACCESS_KEY", &k.secret),
            ("AWS_ENDPOINT_URL", url),
        ],
        "",
    );
    assert_eq!(masked(&ok(&out)), admin_identity());
}

#[test]
fn whoami_with_auth_files() {
    let (url, k) = keys();
    let dir = TempDir::new("auth");
    let json = format!(
        "{{\n    \"UserName\": \"admin\",\n    \"AccessKeyId\": \"{}\",\n    \"Status\": \"Active\",\n    \"SecretAccessKey\": \"{}\",\n    \"CreateDate\": \"2026-11-27 23:00:34+00:00\"\n}}\n",
        k.id, k.secret
    );
    let ini = format!(
        "[default]\naws_access_key_id={}\naws_secret_access_key={}\n",
        k.id, k.secret
    );
    let json_path = dir.0.join("auth.json");
    let ini_path = dir.0.join("auth.ini");
    std::fs::write(&json_path, &json).unwrap();
    std::fs::write(&ini_path, &ini).unwrap();
    for path in [&json_path, &ini_path] {
        let out = run_env(
            &[
                "whoami",
                "-a",
                path.to_str().unwrap(),
                "--endpoint-url",
                url,
            ],
            &[],
            "",
        );
        assert_eq!(masked(&ok(&out)), admin_identity(), "{}", path.display());
    }
    for text in [&json, &ini] {
        let out = run_env(&["whoami", "--auth", "-", "--endpoint-url", url], &[], text);
        assert_eq!(masked(&ok(&out)), admin_identity());
    }
}

#[test]
fn a_wrong_secret_is_a_clear_signature_error() {
    let (url, k) = keys();
    let out = run_env(
        &[
            "whoami",
            "--access-key",
            &k.id,
            "--secret-key",
            "wrong-secret",
            "--endpoint-url",
            url,
        ],
        &[],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let line = last_line(&out.stderr);
    assert!(line.starts_with("Error: SignatureDoesNotMatch: "), "{line}");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Traceback"));
    assert!(out.stdout.is_empty());
}

#[test]
fn an_unknown_key_is_a_clear_error() {
    let (url, _) = keys();
    let out = run_env(
        &[
            "whoami",
            "--access-key",
            "AKIAUNKNOWN",
            "--secret-key",
            "x",
            "--endpoint-url",
            url,
        ],
        &[],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(last_line(&out.stderr).starts_with("Error: InvalidClientTokenId: "));
}

#[test]
fn no_credentials_at_all() {
    let out = run_env(&["whoami", "--endpoint-url", "http://127.0.0.1:9"], &[], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: No AWS credentials found\nTried: environment variables, profile default, \
         web identity (AWS_WEB_IDENTITY_TOKEN_FILE), container credentials\n"
    );
}

#[test]
fn list_users_prints_a_json_array() {
    let (url, k) = keys();
    let out = run_env(
        &["list-users", "--endpoint-url", url],
        &[
            ("AWS_ACCESS_KEY_ID", &k.id),
            ("AWS_SECRET_ACCESS_KEY", &k.secret),
        ],
        "",
    );
    let stdout = ok(&out);
    let parsed = s3_credentials::json::parse(&stdout).expect("JSON array");
    let s3_credentials::json::Value::Array(users) = parsed else {
        panic!("not an array: {stdout}")
    };
    let admin = users
        .iter()
        .filter_map(|u| u.as_object())
        .find(|u| u.get("UserName").and_then(|n| n.as_str_lossy()).as_deref() == Some("admin"))
        .expect("admin is listed");
    let keys: Vec<String> = admin.iter().map(|(k, _)| k.to_string_lossy()).collect();
    assert_eq!(keys, ["Path", "UserName", "UserId", "Arn", "CreateDate"]);
    assert!(
        stdout.starts_with("[\n  {\n    \"Path\": \"/\",\n"),
        "{stdout}"
    );
    let created = admin
        .get("CreateDate")
        .and_then(|d| d.as_str_lossy())
        .unwrap();
    assert!(
        created.ends_with("+00:00") && created.as_bytes()[10] == b' ',
        "{created}"
    );
}

#[test]
fn debug_output_never_shows_the_secret() {
    let (url, k) = keys();
    let out = run_env(
        &["whoami", "--debug", "--endpoint-url", url],
        &[
            ("AWS_ACCESS_KEY_ID", &k.id),
            ("AWS_SECRET_ACCESS_KEY", &k.secret),
        ],
        "",
    );
    ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("> POST ") && stderr.contains("< 200"),
        "{stderr}"
    );
    assert!(stderr.contains("Signature=[redacted]"), "{stderr}");
    assert!(
        !stderr.contains(&k.secret),
        "the secret leaked into --debug output"
    );
}

const IDENTITY_XML: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AIDA</UserId><Account>123456789012</Account><Arn>arn:aws:iam::123456789012:user/x</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>";

#[test]
fn a_503_is_retried_and_the_output_is_unchanged() {
    let server = FakeServer::start(vec![
        canned(
            503,
            "<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></ErrorResponse>",
        ),
        canned(200, IDENTITY_XML),
    ]);
    let out = whoami_at(&server.url, &[], "");
    assert_eq!(
        ok(&out),
        "{\n    \"UserId\": \"AIDA\",\n    \"Account\": \"123456789012\",\n    \"Arn\": \"arn:aws:iam::123456789012:user/x\"\n}\n"
    );
    let seen = server.recorded();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.body, b"Action=GetCallerIdentity&Version=2011-06-15");
        assert!(
            request
                .header("authorization")
                .unwrap()
                .contains("/us-east-1/sts/aws4_request")
        );
    }
}

#[test]
fn persistent_throttling_gives_up_after_max_attempts() {
    let throttled = "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
    let server = FakeServer::start(vec![canned(400, throttled), canned(400, throttled)]);
    let out = whoami_at(&server.url, &[("AWS_MAX_ATTEMPTS", "2")], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out.stderr),
        "Error: Throttling: Rate exceeded (after 1 retries)"
    );
    assert_eq!(server.recorded().len(), 2);
}

/// `x-amz-date` as Unix seconds.
fn amz_date_secs(value: &str) -> i64 {
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &value[0..4],
        &value[4..6],
        &value[6..8],
        &value[9..11],
        &value[11..13],
        &value[13..15]
    );
    s3_credentials::aws::timestamp::parse_iso(&iso)
        .unwrap()
        .secs
}

#[test]
fn a_skewed_server_clock_is_corrected_and_the_request_re_signed_once() {
    let skewed = crate::fake::Canned {
        status: 403,
        headers: vec![("Date", "Mon, 01 Jan 2035 00:00:00 GMT".into())],
        body: "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>Signature expired</Message></Error></ErrorResponse>".into(),
    };
    let server = FakeServer::start(vec![skewed, canned(200, IDENTITY_XML)]);
    let out = whoami_at(&server.url, &[], "");
    ok(&out);
    let seen = server.recorded();
    assert_eq!(seen.len(), 2);
    let server_time = s3_credentials::aws::timestamp::parse_iso("2035-01-01T00:00:00Z")
        .unwrap()
        .secs;
    let first = amz_date_secs(seen[0].header("x-amz-date").unwrap());
    let second = amz_date_secs(seen[1].header("x-amz-date").unwrap());
    assert!(
        (first - server_time).abs() > 3600,
        "first request used the local clock"
    );
    assert!(
        (second - server_time).abs() < 60,
        "second request used the server's clock"
    );
}

#[test]
fn https_proxy_and_no_proxy_are_honoured() {
    let proxy = FakeServer::start(vec![canned(200, IDENTITY_XML)]);
    let out = whoami_at(
        "http://sts.example.invalid",
        &[("HTTP_PROXY", &proxy.url)],
        "",
    );
    ok(&out);
    let seen = proxy.recorded();
    assert_eq!(
        seen[0].path, "http://sts.example.invalid/",
        "sent through the proxy"
    );
    assert_eq!(seen[0].header("host"), Some("sts.example.invalid"));

    let direct = FakeServer::start(vec![canned(200, IDENTITY_XML)]);
    let out = whoami_at(
        &direct.url,
        &[
            ("HTTP_PROXY", "http://127.0.0.1:9"),
            ("NO_PROXY", "127.0.0.1"),
        ],
        "",
    );
    ok(&out);
    assert_eq!(direct.recorded()[0].path, "/");
}

#[test]
fn a_missing_ca_bundle_is_an_error_that_names_it() {
    let out = whoami_at(
        "http://127.0.0.1:9",
        &[("AWS_CA_BUNDLE", "/nonexistent/ca.pem")],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out.stderr),
        "Error: AWS_CA_BUNDLE /nonexistent/ca.pem: No such file or directory"
    );
}

#[test]
fn connection_refused_is_one_clear_line() {
    let out = whoami_at("http://127.0.0.1:9", &[("AWS_MAX_ATTEMPTS", "1")], "");
    assert_eq!(out.status.code(), Some(1));
    let line = last_line(&out.stderr);
    assert!(
        line.starts_with("Error: GetCallerIdentity failed: could not connect"),
        "{line}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}
