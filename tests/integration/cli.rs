//! Command-line rules from the spec (§1–§3) beyond the recorded sample: token
//! handling, the order in which problems are reported, eager `--help`, and the
//! deliberate fixes listed in COMPATIBILITY.md.

use crate::common::{TempDir, last_line, run, run_in};
use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Exit code and the final stderr line.
fn fails(args: &[&str], code: i32, error: &str) {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(last_line(&out.stderr), error, "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?} printed {}", stdout(&out));
}

fn succeeds(args: &[&str]) -> String {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(&out)
}

#[test]
fn options_and_arguments_interleave() {
    assert_eq!(
        succeeds(&["policy", "--read-only", "b1"]),
        succeeds(&["policy", "b1", "--read-only"])
    );
}

#[test]
fn value_spellings_are_equivalent() {
    let base = succeeds(&["create", "b", "--dry-run", "--prefix", "x/", "-d", "15m"]);
    assert_eq!(
        succeeds(&["create", "b", "--dry-run", "--prefix=x/", "-d15m"]),
        base
    );
    assert_eq!(
        succeeds(&["create", "b", "--dry-run", "--prefix=x/", "--duration=900"]),
        base
    );
    // Clustered short flags with a trailing value option.
    assert_eq!(
        succeeds(&["create", "b", "--dry-run", "-cf", "ini"]),
        succeeds(&["create", "b", "--dry-run", "-c", "-f", "ini"])
    );
    // click keeps the `=` of `-d=15m` as part of the value.
    fails(
        &["create", "b", "--dry-run", "-d=15m"],
        2,
        "Error: Invalid value for '-d' / '--duration': Duration must be of form 3600s or 15m or 2h",
    );
}

#[test]
fn a_value_option_consumes_the_next_argument_unconditionally() {
    let out = succeeds(&["policy", "b", "--prefix", "--read-only"]);
    assert!(out.contains("\"arn:aws:s3:::b/--read-only*\""), "{out}");
    assert!(out.contains("s3:PutObject"), "still read-write: {out}");
}

#[test]
fn the_last_single_value_wins_and_only_it_is_converted() {
    // (--prefix is the exception: repeatable here, an extension.)
    let out = succeeds(&[
        "create",
        "b",
        "--dry-run",
        "--username",
        "first",
        "--username",
        "second",
    ]);
    assert!(out.contains("'second'") && !out.contains("first"), "{out}");
    succeeds(&["create", "b", "--dry-run", "-d", "abc", "-d", "1h"]);
}

#[test]
fn there_is_no_prefix_abbreviation() {
    fails(
        &["policy", "b", "--write"],
        2,
        "Error: No such option '--write'. Did you mean '--write-only'?",
    );
    fails(
        &["policy", "b", "--bogus"],
        2,
        "Error: No such option '--bogus'.",
    );
    fails(&["policy", "b", "-x"], 2, "Error: No such option '-x'.");
    fails(&["create", "b", "-c=x"], 2, "Error: No such option '-='.");
}

#[test]
fn problems_are_reported_in_clicks_order() {
    fails(
        &["create", "--statement", "{\"Effect\": \"Allow\"}"],
        2,
        "Error: Invalid value for '--statement': Statement JSON missing required keys: Action, Resource",
    );
    fails(
        &["create", "--duration", "5m", "--auth", "nope.json", "b"],
        2,
        "Error: Invalid value for '-d' / '--duration': Duration must be between 15 minutes and 12 hours",
    );
    fails(
        &["create", "--auth", "nope.json", "--duration", "5m", "b"],
        2,
        "Error: Invalid value for '-a' / '--auth': 'nope.json': No such file or directory",
    );
    fails(
        &["create", "--read-only", "--write-only"],
        2,
        "Error: Missing argument 'BUCKETS...'.",
    );
    fails(
        &["create", "b", "-f", "INI"],
        2,
        "Error: Invalid value for '-f' / '--format': 'INI' is not one of 'ini', 'json'.",
    );
    fails(
        &["create", "b", "-d"],
        2,
        "Error: Option '-d' requires an argument.",
    );
    // The missing argument is reported before a required option that is missing.
    fails(&["localserver"], 2, "Error: Missing argument 'BUCKET'.");
    fails(
        &["localserver", "b"],
        2,
        "Error: Missing option '-d' / '--duration'.",
    );
    fails(
        &["get-object", "b", "k", "x"],
        2,
        "Error: Got unexpected extra argument (x)",
    );
    fails(
        &["whoami", "x", "y"],
        2,
        "Error: Got unexpected extra arguments (x y)",
    );
}

#[test]
fn help_is_eager_once_the_line_parses() {
    assert!(
        succeeds(&["create", "--duration", "5m", "--help"])
            .starts_with("Usage: s3-credentials create")
    );
    assert!(succeeds(&["create", "--help"]).starts_with("Usage: s3-credentials create"));
    fails(
        &["policy", "--bogus", "--help"],
        2,
        "Error: No such option '--bogus'.",
    );
    fails(
        &["create", "b", "--duration", "--help"],
        2,
        "Error: Invalid value for '-d' / '--duration': Duration must be of form 3600s or 15m or 2h",
    );
    fails(
        &["policy", "--help=1"],
        2,
        "Error: Option '--help' does not take a value.",
    );
}

#[test]
fn top_level_options() {
    let version = format!("s3-credentials, version {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!(succeeds(&["--version"]), version);
    assert_eq!(
        succeeds(&["--version", "polcy"]),
        version,
        "eager before the command is resolved"
    );
    assert!(succeeds(&["--help", "policy"]).contains("Commands:"));
    fails(
        &["policy", "--version"],
        2,
        "Error: No such option '--version'.",
    );
    fails(&["--bogus"], 2, "Error: No such option '--bogus'.");
    fails(
        &["--hel"],
        2,
        "Error: No such option '--hel'. Did you mean '--help'?",
    );
    fails(&["list"], 2, "Error: No such command 'list'.");
    fails(
        &["Policy"],
        2,
        "Error: No such command 'Policy'. Did you mean 'policy'?",
    );
    fails(&["it's"], 2, "Error: No such command \"it's\".");
    let out = run(&["--bogus"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Usage: s3-credentials [OPTIONS] COMMAND [ARGS]...\nTry 's3-credentials --help' for help.\n\nError: No such option '--bogus'.\n"
    );
}

#[test]
fn typed_values_use_upstream_messages() {
    let dir = TempDir::new("typed");
    std::fs::create_dir(dir.0.join("d")).unwrap();
    std::fs::write(dir.0.join("f"), "x").unwrap();
    let in_dir = |args: &[&str]| run_in(&dir.0, args, b"");
    let check = |args: &[&str], error: &str| {
        let out = in_dir(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(last_line(&out.stderr), error, "{args:?}");
    };
    check(
        &["put-object", "b", "k", "d"],
        "Error: Invalid value for 'PATH': File 'd' is a directory.",
    );
    check(
        &["put-object", "b", "k", "nope"],
        "Error: Invalid value for 'PATH': File 'nope' does not exist.",
    );
    check(
        &["get-object", "b", "k", "-o", "d"],
        "Error: Invalid value for '-o' / '--output': File 'd' is a directory.",
    );
    check(
        &["get-objects", "b", "-o", "f"],
        "Error: Invalid value for '-o' / '--output': Directory 'f' is a file.",
    );
    check(
        &["whoami", "-a", "d"],
        "Error: Invalid value for '-a' / '--auth': 'd': Is a directory",
    );
    check(
        &["set-bucket-policy", "b", "--policy-file", "nope"],
        "Error: Invalid value for '--policy-file': 'nope': No such file or directory",
    );
    check(
        &["set-cors-policy", "b", "--max-age-seconds", "abc"],
        "Error: Invalid value for '--max-age-seconds': 'abc' is not a valid integer.",
    );
    check(
        &["localserver", "b", "-d", "1h", "-p", "x"],
        "Error: Invalid value for '-p' / '--port': 'x' is not a valid integer.",
    );
    check(
        &["create", "b", "--dry-run", "--policy", "d"],
        "Error: Invalid value for '--policy': 'd': Is a directory",
    );
}

#[test]
fn policy_from_stdin_and_files() {
    let dir = TempDir::new("policy-stdin");
    let doc = br#"{"Statement": [{"Resource": "arn:aws:s3:::$!BUCKET_NAME!$"}]}"#;
    let out = run_in(&dir.0, &["create", "b1", "--dry-run", "--policy", "-"], doc);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("\"arn:aws:s3:::b1\""));
    let out = run_in(
        &dir.0,
        &["create", "b1", "--dry-run", "--policy", "-"],
        b"{nope",
    );
    assert_eq!(
        last_line(&out.stderr),
        "Error: Invalid value for '--policy': Input contained invalid JSON"
    );
}

#[test]
fn deliberate_fix_policy_refuses_read_only_with_write_only() {
    fails(
        &["policy", "b", "--read-only", "--write-only"],
        1,
        "Error: Cannot use --read-only and --write-only at the same time",
    );
}

#[test]
fn deliberate_fix_duration_policy_covers_every_bucket() {
    let template = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"}]}"#;
    let out = succeeds(&[
        "create",
        "b1",
        "b2",
        "--dry-run",
        "-d",
        "1h",
        "--policy",
        template,
    ]);
    assert!(out.contains("\"Resource\": \"arn:aws:s3:::b1/*\""), "{out}");
    assert!(out.contains("\"Resource\": \"arn:aws:s3:::b2/*\""), "{out}");
}

#[test]
fn a_template_that_breaks_after_substitution_is_a_clear_error() {
    let template = r#"{"Resource": "arn:aws:s3:::$!BUCKET_NAME!$"}"#;
    let out = run(&["create", "b\"q", "--dry-run", "--policy", template]);
    assert_eq!(out.status.code(), Some(1));
    let line = last_line(&out.stderr);
    assert!(
        line.starts_with("Error: --policy is not valid JSON once"),
        "{line}"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Traceback"));
}

#[test]
fn public_bucket_needs_exactly_one_bucket() {
    fails(
        &["policy", "b1", "b2", "--public-bucket"],
        1,
        "Error: --public-bucket policy can only be generated for a single bucket",
    );
}

#[test]
fn delete_objects_dry_run_with_keys_needs_no_network() {
    let out = run(&["delete-objects", "b", "k1", "k 2", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "The following keys would be deleted:\nk1\nk 2\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Deleting 2 objects from b\n"
    );
    let out = run(&["delete-objects", "b", "k1", "-d", "-s"]);
    assert_eq!(stdout(&out), "The following keys would be deleted:\nk1\n");
    assert!(out.stderr.is_empty());
    fails(
        &["delete-objects", "b", "k", "--prefix", "p"],
        1,
        "Error: Cannot pass both keys and --prefix",
    );
    fails(
        &["delete-objects", "b", "--prefix", ""],
        1,
        "Error: Specify one or more keys or use --prefix",
    );
}

#[test]
fn non_utf8_arguments_are_a_usage_error_not_a_crash() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"b\xff");
    let out = std::process::Command::new(crate::common::BIN)
        .arg("policy")
        .arg(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(last_line(&out.stderr).starts_with("Error: Invalid value for 'BUCKETS...'"));
}

/// Bad input of every kind the reliability issue names: one clear line, the exit
/// code upstream (click) would give, and no request for what can be checked first.
#[test]
fn bad_input_gets_one_clear_error_line() {
    let dir = TempDir::new("bad-input");
    std::fs::write(dir.0.join("latin1.json"), b"{\"a\": \"caf\xe9\"}").unwrap();
    std::fs::create_dir_all(dir.0.join("a-directory")).unwrap();
    let server = crate::fake::FakeServer::start(Vec::new());
    let keys = ["--access-key", "AK", "--secret-key", "SK"];
    let with_keys = |args: &[&str]| -> Vec<String> {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(keys.iter().map(|a| a.to_string()));
        all
    };
    let cases: Vec<(Vec<String>, i32, String)> = vec![
        (
            with_keys(&["whoami", "--endpoint-url", "http://[::1"]),
            1,
            "Error: Invalid endpoint URL \"http://[::1\": invalid IPv6 address".into(),
        ),
        (
            with_keys(&["whoami", "--endpoint-url", "localhost:9000"]),
            1,
            "Error: Invalid endpoint URL \"localhost:9000\": it must start with http:// or https:// and name a host".into(),
        ),
        (
            vec!["create".into(), "b1".into(), "--dry-run".into(), "--policy".into(), "latin1.json".into()],
            2,
            "Error: Invalid value for '--policy': 'latin1.json': not UTF-8 text".into(),
        ),
        (
            vec!["whoami".into(), "--auth".into(), "latin1.json".into()],
            1,
            "Error: --auth latin1.json: not UTF-8 text".into(),
        ),
        (
            vec!["whoami".into(), "--auth".into(), "a-directory".into()],
            2,
            "Error: Invalid value for '-a' / '--auth': 'a-directory': Is a directory".into(),
        ),
        (
            vec!["policy".into(), "b1".into(), "--read-only".into(), "--write-only".into()],
            1,
            "Error: Cannot use --read-only and --write-only at the same time".into(),
        ),
        (
            with_keys(&["list-bucket", "a/b", "--endpoint-url", &server.url]),
            1,
            "Error: Invalid bucket name 'a/b': bucket names have only letters, digits, dots, hyphens and underscores, not '/'".into(),
        ),
        (
            with_keys(&["create", "My_Bucket", "-c", "--endpoint-url", &server.url]),
            1,
            "Error: Invalid bucket name 'My_Bucket': bucket names have only lowercase letters, digits, dots and hyphens, not 'M'".into(),
        ),
        (
            with_keys(&["get-object", "10.0.0.1", "k", "--endpoint-url", &server.url]),
            1,
            "Error: Invalid bucket name '10.0.0.1': bucket names must not look like an IP address".into(),
        ),
        (
            with_keys(&["create", "xn--bucket", "-c", "--endpoint-url", &server.url]),
            1,
            "Error: Invalid bucket name 'xn--bucket': the prefix xn-- is reserved".into(),
        ),
        (
            with_keys(&["create", "data-s3alias", "-c", "--endpoint-url", &server.url]),
            1,
            "Error: Invalid bucket name 'data-s3alias': the suffix -s3alias is reserved for access point aliases".into(),
        ),
        (
            with_keys(&["create", &"a".repeat(64), "-c", "--username", "u", "--endpoint-url", &server.url]),
            1,
            format!("Error: Invalid bucket name '{}': bucket names are 3 to 63 characters long, this one has 64", "a".repeat(64)),
        ),
    ];
    for (args, code, error) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_in(&dir.0, &args, b"");
        assert_eq!(
            out.status.code(),
            Some(code),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(last_line(&out.stderr), error, "{args:?}");
    }
    assert!(
        server.recorded().is_empty(),
        "a request was sent: {:?}",
        server.recorded()
    );

    // An argument that is not UTF-8 is named, as a usage error.
    use std::os::unix::ffi::OsStrExt;
    let out = std::process::Command::new(crate::common::BIN)
        .arg("policy")
        .arg(std::ffi::OsStr::from_bytes(b"b\xffx"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let line = last_line(&out.stderr);
    assert!(
        line.starts_with("Error: Invalid value for 'BUCKETS...': ")
            && line.ends_with("is not valid UTF-8."),
        "{line}"
    );
}
