//! Every command, every argument and option, fed hostile values and files: the
//! tool must answer with an error line or a result, never a panic (exit 101), a
//! signal, a backtrace or a hang. The corpus is generated from the same option
//! tables that drive parsing, so a new option is covered without editing this.
//!
//! AWS is a closed port (one attempt), so commands that get past their checks
//! fail fast at the connection; a second pass answers every request with garbage.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use s3_credentials::cli::spec::{self, Kind};

use crate::common::{BIN, HERMETIC_ENV, TempDir};
use crate::fake::{Canned, FakeServer};

/// Values for any argument or option.
fn hostile_values() -> Vec<OsString> {
    let mut values: Vec<OsString> = [
        "",
        " ",
        "-",
        "--",
        "-x",
        "--x",
        "=",
        "a=b",
        "ü",
        "\u{202e}rtl",
        "a\nb",
        "a\r\n",
        "%00",
        "../../../../etc/passwd",
        "/dev/null",
        "-1",
        "0",
        "1e309",
        "nan",
        "inf",
        "99999999999999999999999",
        "0x10",
        "{}",
        "[]",
        "{\"a\":",
        "null",
        "\"",
        "'",
        "$(id)",
        "*",
        "[",
        "[!",
        "\\",
        "http://[::1",
        "://",
        "s3://bucket/key",
        "192.168.0.1",
        "xn--bucket",
        "my-bucket-s3alias",
        "{\"Effect\": \"Allow\", \"Action\": [], \"Resource\": {}}",
        "{\"Effect\": 1, \"Action\": \"s3:*\", \"Resource\": \"*\"}",
        "empty.json",
        "garbage.bin",
        "deep.json",
        "latin1.txt",
        "bom.json",
        "dir",
        "missing.txt",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    values.push(OsString::from("a".repeat(5000)));
    values.push(OsString::from("💥".repeat(300)));
    values.push(OsString::from(format!("{}1", "[".repeat(3000))));
    values.push(OsString::from_vec(vec![0xff, 0xfe, b'x']));
    values.push(OsString::from_vec(b"bucket\xe9".to_vec()));
    values
}

fn make_files(dir: &Path) {
    std::fs::write(dir.join("empty.json"), "").unwrap();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(dir.join("garbage.bin"), garbage).unwrap();
    std::fs::write(dir.join("deep.json"), "[".repeat(100_000)).unwrap();
    std::fs::write(dir.join("latin1.txt"), b"caf\xe9 {\"a\": \"\xe9\"}").unwrap();
    std::fs::write(dir.join("bom.json"), "\u{feff}{}").unwrap();
    std::fs::write(dir.join("file.txt"), "plain\n").unwrap();
    std::fs::create_dir_all(dir.join("dir/sub")).unwrap();
    std::fs::write(dir.join("dir/sub/x.txt"), "x").unwrap();
}

/// A plausible value for a positional argument.
fn plain_arg(arg: &spec::Arg) -> &'static str {
    match (arg.kind, arg.name) {
        (Kind::ExistingFile, _) => "file.txt",
        (Kind::OutputDir, _) => "out",
        (_, "KEY" | "KEYS") => "key.txt",
        (_, "USERNAMES") => "someone",
        (_, "PATH") => "file.txt",
        _ => "hostile-bucket",
    }
}

struct Outcome {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
}

fn run_raw(dir: &Path, args: &[OsString], env: &[(&str, &str)]) -> Outcome {
    let started = Instant::now();
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(HERMETIC_ENV.iter().copied())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run s3-credentials");
    let deadline = started + Duration::from_secs(30);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let out = child.wait_with_output().expect("output");
    Outcome {
        code: out.status.code(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed: started.elapsed(),
    }
}

/// Every command line of the corpus.
fn corpus() -> Vec<Vec<OsString>> {
    let values = hostile_values();
    let mut lines = Vec::new();
    for command in spec::COMMANDS {
        let connected = command.options().any(|o| o.long == "endpoint-url");
        let base: Vec<OsString> = command
            .args
            .iter()
            .map(|a| OsString::from(plain_arg(a)))
            .collect();
        let with = |args: Vec<OsString>| {
            let mut all = vec![OsString::from(command.name)];
            all.extend(args);
            if connected {
                all.extend(
                    ["--access-key", "AKIDHOSTILE", "--secret-key", "hostile"].map(OsString::from),
                );
            }
            all
        };
        // Each positional replaced by each value.
        for i in 0..base.len() {
            for v in &values {
                let mut args = base.clone();
                args[i] = v.clone();
                lines.push(with(args));
            }
        }
        // Each option with each value; each flag given a value and given twice.
        for opt in command.options() {
            let name = OsString::from(format!("--{}", opt.long));
            match opt.value {
                Some(_) => {
                    for v in &values {
                        let mut args = base.clone();
                        args.push(name.clone());
                        args.push(v.clone());
                        lines.push(with(args));
                        let mut joined = OsString::from(format!("--{}=", opt.long));
                        joined.push(v);
                        let mut args = base.clone();
                        args.push(joined);
                        lines.push(with(args));
                    }
                    let mut missing = base.clone();
                    missing.push(name.clone());
                    lines.push(with(missing));
                }
                None => {
                    let mut args = base.clone();
                    args.push(name.clone());
                    lines.push(with(args));
                    let mut args = base.clone();
                    args.push(OsString::from(format!("--{}=yes", opt.long)));
                    lines.push(with(args));
                    let mut args = base.clone();
                    args.extend([name.clone(), name.clone()]);
                    lines.push(with(args));
                }
            }
        }
        // Whole command lines of junk.
        for v in &values {
            lines.push(with(vec![v.clone()]));
            lines.push(with(vec![v.clone(), v.clone(), v.clone()]));
        }
    }
    for v in &values {
        lines.push(vec![v.clone()]);
    }
    lines
}

fn check(line: &[OsString], outcome: &Outcome) -> Option<String> {
    let shown = format!("{line:?}");
    let crashed = match outcome.code {
        None => Some("killed by a signal or the 30 s limit"),
        Some(101) => Some("exit 101"),
        Some(c) if !(0..=2).contains(&c) => Some("an unexpected exit code"),
        _ => None,
    };
    if let Some(why) = crashed {
        return Some(format!(
            "{shown}: {why} after {:?}\n{}",
            outcome.elapsed, outcome.stderr
        ));
    }
    if outcome.stderr.contains("panicked") || outcome.stderr.contains("RUST_BACKTRACE") {
        return Some(format!("{shown}: panic\n{}", outcome.stderr));
    }
    if outcome.code != Some(0) && !outcome.stderr.lines().any(|l| l.starts_with("Error: ")) {
        // The bare top-level usage text is upstream's answer to no command.
        if !outcome.stderr.starts_with("Usage: ") {
            return Some(format!(
                "{shown}: failed without an Error line\n{}",
                outcome.stderr
            ));
        }
    }
    None
}

/// Runs the corpus in parallel; returns (runs, failures).
fn run_corpus(lines: &[Vec<OsString>], dir: &Path, env: &[(&str, &str)]) -> (usize, Vec<String>) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failures = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(line) = lines.get(i) else { break };
                    let outcome = run_raw(dir, line, env);
                    if let Some(f) = check(line, &outcome) {
                        failures.lock().unwrap().push(f);
                    }
                }
            });
        }
    });
    (lines.len(), failures.into_inner().unwrap())
}

fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    url
}

#[test]
fn no_hostile_argument_or_file_makes_the_tool_panic() {
    let dir = TempDir::new("hostile");
    make_files(&dir.0);
    let url = closed_port();
    let lines: Vec<Vec<OsString>> = corpus()
        .into_iter()
        .map(|mut l| {
            if l.len() > 1 && l.iter().any(|a| a == "--access-key") {
                l.extend([OsString::from("--endpoint-url"), OsString::from(&url)]);
            }
            l
        })
        .collect();
    let env = [
        ("AWS_MAX_ATTEMPTS", "1"),
        ("S3_CREDENTIALS_REFRESH_MARGIN", "0"),
    ];
    let (runs, failures) = run_corpus(&lines, &dir.0, &env);
    let report = format!(
        "hostile corpus: {runs} command lines, {} failures\n",
        failures.len()
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/hostile-corpus.txt");
    let _ = std::fs::write(out, &report);
    assert!(runs > 5000, "{report}");
    assert!(
        failures.is_empty(),
        "{report}{}",
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Answers that no AWS service sends: every parser must turn them into an error.
type Answer = (u16, Vec<(&'static str, String)>, String);

fn garbage_answers() -> Vec<Answer> {
    vec![
        (200, vec![], "<".into()),
        (200, vec![], "not xml at all".into()),
        (200, vec![], format!("{}x", "<a>".repeat(5000))),
        (200, vec![], "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;&a;</x>".into()),
        (200, vec![("content-length", "999999".into())], "<short/>".into()),
        (200, vec![], "<ListBucketResult><Contents><Key></Key><Size>-5</Size><LastModified>yesterday</LastModified></Contents><IsTruncated>true</IsTruncated></ListBucketResult>".into()),
        (200, vec![], "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>\u{0}</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>".into()),
        (500, vec![], "<Error><Code>".into()),
        (400, vec![], "<ErrorResponse><Error><Code></Code><Message></Message></Error></ErrorResponse>".into()),
        (301, vec![("x-amz-bucket-region", "../../evil".into())], "".into()),
        (307, vec![("x-amz-bucket-region", "a".repeat(5000))], "".into()),
        (200, vec![("content-range", "bytes 0-0/-1".into())], "".into()),
        (206, vec![("content-range", "bytes 99999999999999999999-1/2".into())], "x".into()),
        (200, vec![("date", "not a date".into())], "<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name><CreationDate>2020-13-45T99:99:99Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>".into()),
    ]
}

#[test]
fn garbage_from_the_server_is_an_error_not_a_panic() {
    let dir = TempDir::new("hostile-answers");
    make_files(&dir.0);
    let answers = garbage_answers();
    let mut lines = Vec::new();
    for command in spec::COMMANDS {
        if !command.options().any(|o| o.long == "endpoint-url") || command.name == "localserver" {
            continue;
        }
        let mut args = vec![OsString::from(command.name)];
        args.extend(command.args.iter().map(|a| OsString::from(plain_arg(a))));
        if command.name == "delete-objects" {
            args.push("k2".into());
        }
        lines.push(args);
    }
    let mut runs = 0;
    let mut failures = Vec::new();
    for (status, headers, body) in &answers {
        let (status, headers, body) = (*status, headers.clone(), body.clone());
        let server = FakeServer::with_handler(usize::MAX, move |_| Canned {
            status,
            headers: headers.clone(),
            body: body.clone(),
        });
        for line in &lines {
            let mut full = line.clone();
            full.extend(
                [
                    "--access-key",
                    "AK",
                    "--secret-key",
                    "SK",
                    "--endpoint-url",
                    &server.url,
                ]
                .map(OsString::from),
            );
            let outcome = run_raw(&dir.0, &full, &[("AWS_MAX_ATTEMPTS", "1")]);
            runs += 1;
            if let Some(f) = check(&full, &outcome) {
                failures.push(f);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{runs} runs:\n{}",
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
