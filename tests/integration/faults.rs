//! A fault-injecting proxy between the binary and moto, and the fault matrix: each
//! fault, once (transient) and on every matching request (persistent), against
//! each command that talks to AWS.
//!
//! Transient faults must be retried with output identical to a clean run;
//! persistent ones must end in exactly one `Error:` line and exit 1, within the
//! documented bound; `create` must never leave a second user or access key.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{TempDir, ok, run_env_in};
use crate::fake::{Recorded, read_request};
use crate::moto::moto;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Status500,
    Status503,
    /// 503 with S3's `SlowDown` body.
    SlowDown,
    /// 400 with IAM's `Throttling` body.
    Throttling,
    /// The connection is reset before the request reaches moto.
    ResetBefore,
    /// moto acts on the request, then the connection is reset.
    ResetAfter,
    /// moto acts on the request; the answer never comes.
    Stall,
    /// moto's answer cut in half, well framed (a garbled body).
    Truncated,
    /// The body cut short of its Content-Length, then the connection closed.
    CutBody,
    /// S3's 307 to the bucket's host in eu-west-1.
    Redirect307,
    /// 403 InvalidClientTokenId: a new key IAM has not propagated yet.
    UnknownKey,
}

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Status500 => "HTTP 500",
            Fault::Status503 => "HTTP 503",
            Fault::SlowDown => "S3 SlowDown",
            Fault::Throttling => "IAM Throttling",
            Fault::ResetBefore => "reset before sending",
            Fault::ResetAfter => "reset after sending",
            Fault::Stall => "stalled past read timeout",
            Fault::Truncated => "truncated XML",
            Fault::CutBody => "body cut mid-stream",
            Fault::Redirect307 => "307 to another region",
            Fault::UnknownKey => "403 unknown key",
        }
    }
}

/// The stall outlasts the read timeout the matrix runs with.
const READ_TIMEOUT: &str = "2";
const STALL: Duration = Duration::from_secs(4);

type Matcher = Box<dyn Fn(&Recorded) -> bool + Send + Sync>;

struct Rule {
    matches: Matcher,
    fault: Fault,
    remaining: usize,
}

/// One request that went through the proxy.
#[derive(Debug, Clone)]
pub struct Hit {
    pub method: String,
    pub path: String,
    pub authorization: String,
    pub fault: Option<Fault>,
}

pub struct FaultProxy {
    pub url: String,
    pub hits: Arc<Mutex<Vec<Hit>>>,
}

impl FaultProxy {
    /// Forwards everything to `target`, applying `fault` to the first `times`
    /// requests that `matches` accepts.
    pub fn start(
        target: &str,
        fault: Fault,
        times: usize,
        matches: impl Fn(&Recorded) -> bool + Send + Sync + 'static,
    ) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let rule = Arc::new(Mutex::new(Rule {
            matches: Box::new(matches),
            fault,
            remaining: times,
        }));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&hits);
        let target = target.to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let rule = Arc::clone(&rule);
                let log = Arc::clone(&log);
                let target = target.clone();
                std::thread::spawn(move || serve(stream, &target, &rule, &log));
            }
        });
        FaultProxy { url, hits }
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    pub fn faulted(&self) -> usize {
        self.hits().iter().filter(|h| h.fault.is_some()).count()
    }
}

fn serve(stream: TcpStream, target: &str, rule: &Mutex<Rule>, log: &Mutex<Vec<Hit>>) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let fault = {
        let mut rule = rule.lock().unwrap();
        if rule.remaining > 0 && (rule.matches)(&request) {
            rule.remaining -= 1;
            Some(rule.fault)
        } else {
            None
        }
    };
    log.lock().unwrap().push(Hit {
        method: request.method.clone(),
        path: request.path.clone(),
        authorization: request.header("authorization").unwrap_or("").to_string(),
        fault,
    });
    let head = request.method == "HEAD";
    let mut out = stream;
    match fault {
        None => {
            let (status, headers, body) = forward(target, &request);
            respond(&mut out, status, &headers, &body, head);
        }
        Some(Fault::Status500) => respond(&mut out, 500, &[], b"", head),
        Some(Fault::Status503) => respond(&mut out, 503, &[], b"", head),
        Some(Fault::SlowDown) => respond(
            &mut out,
            503,
            &[],
            b"<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>fault</RequestId></Error>",
            head,
        ),
        Some(Fault::Throttling) => respond(
            &mut out,
            400,
            &[],
            b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fault</RequestId></ErrorResponse>",
            head,
        ),
        Some(Fault::UnknownKey) => respond(
            &mut out,
            403,
            &[],
            b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>fault</RequestId></ErrorResponse>",
            head,
        ),
        Some(Fault::ResetBefore) => reset(out),
        Some(Fault::ResetAfter) => {
            forward(target, &request);
            reset(out);
        }
        Some(Fault::Stall) => {
            forward(target, &request);
            std::thread::sleep(STALL);
        }
        Some(Fault::Truncated) => {
            let (status, headers, body) = forward(target, &request);
            respond(&mut out, status, &headers, &body[..body.len() / 2], head);
        }
        Some(Fault::CutBody) => {
            let (status, headers, body) = forward(target, &request);
            let mut text = format!(
                "HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {}\r\n",
                body.len()
            );
            for (k, v) in &headers {
                text.push_str(&format!("{k}: {v}\r\n"));
            }
            text.push_str("\r\n");
            let _ = out.write_all(text.as_bytes());
            let _ = out.write_all(&body[..body.len() / 2]);
        }
        Some(Fault::Redirect307) => {
            let bucket = request
                .path
                .trim_start_matches('/')
                .split(['/', '?'])
                .next()
                .unwrap_or("")
                .to_string();
            let host = format!("{bucket}.s3.eu-west-1.amazonaws.com");
            let body = format!(
                "<Error><Code>TemporaryRedirect</Code><Message>Please re-send this request to the specified temporary endpoint. Continue to use the original request endpoint for future requests.</Message><Endpoint>{host}</Endpoint><Bucket>{bucket}</Bucket></Error>"
            );
            respond(
                &mut out,
                307,
                &[
                    ("Location".into(), format!("https://{host}/")),
                    ("x-amz-bucket-region".into(), "eu-west-1".into()),
                ],
                body.as_bytes(),
                head,
            );
        }
    }
}

fn respond(
    out: &mut TcpStream,
    status: u16,
    headers: &[(String, String)],
    body: &[u8],
    head: bool,
) {
    let mut text = format!("HTTP/1.1 {status} X\r\nConnection: close\r\n");
    // A HEAD answer keeps moto's Content-Length: the object's size.
    if !headers.iter().any(|(k, _)| k == "content-length") {
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        text.push_str(&format!("{k}: {v}\r\n"));
    }
    text.push_str("\r\n");
    let _ = out.write_all(text.as_bytes());
    if !head {
        let _ = out.write_all(body);
    }
}

/// Closes with an RST (SO_LINGER 0) rather than a FIN.
fn reset(stream: TcpStream) {
    use std::os::fd::AsRawFd;
    #[repr(C)]
    struct Linger {
        onoff: i32,
        linger: i32,
    }
    unsafe extern "C" {
        fn setsockopt(fd: i32, level: i32, name: i32, value: *const Linger, len: u32) -> i32;
    }
    const SOL_SOCKET: i32 = 1;
    const SO_LINGER: i32 = 13;
    let linger = Linger {
        onoff: 1,
        linger: 0,
    };
    // SAFETY: a valid socket descriptor and a correctly sized struct linger.
    unsafe {
        setsockopt(stream.as_raw_fd(), SOL_SOCKET, SO_LINGER, &linger, 8);
    }
    drop(stream);
}

/// moto's answer: status, the headers a client reads, the body.
fn forward(target: &str, request: &Recorded) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
    let mut builder = client.request(method, format!("{target}{}", request.path));
    for (k, v) in &request.headers {
        if !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("connection") {
            builder = builder.header(k.as_str(), v.as_str());
        }
    }
    let response = builder
        .body(request.body.clone())
        .send()
        .expect("forward to moto");
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .filter(|(k, _)| match k.as_str() {
            "content-length" => request.method == "HEAD",
            "connection" | "transfer-encoding" | "server" => false,
            _ => true,
        })
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response.bytes().map(|b| b.to_vec()).unwrap_or_default();
    (status, headers, body)
}

// ---------------------------------------------------------------------------
// The matrix.

pub const QUERY_FAULTS: &[Fault] = &[
    Fault::Status500,
    Fault::Status503,
    Fault::SlowDown,
    Fault::Throttling,
    Fault::ResetBefore,
    Fault::ResetAfter,
    Fault::Stall,
    Fault::Truncated,
    Fault::CutBody,
];

fn s3_faults() -> Vec<Fault> {
    let mut all = QUERY_FAULTS.to_vec();
    all.push(Fault::Redirect307);
    all
}

/// One matrix cell's outcome, for the table the tests write.
struct Row {
    command: &'static str,
    fault: Fault,
    persistent: bool,
    code: Option<i32>,
    faulted: usize,
    seconds: f64,
    note: String,
}

/// Persistent faults end within this: 3 attempts of at most the read timeout
/// (2 s here) each, plus backoff (at most 1 s then 2 s), plus moto's own time.
const PERSISTENT_BOUND: Duration = Duration::from_secs(30);

fn run_through(dir: &Path, proxy: &FaultProxy, args: &[&str]) -> (Output, f64) {
    let m = moto();
    let mut all: Vec<&str> = args.to_vec();
    all.extend([
        "--endpoint-url",
        &proxy.url,
        "--read-timeout",
        READ_TIMEOUT,
        "--connect-timeout",
        READ_TIMEOUT,
    ]);
    let started = Instant::now();
    let out = run_env_in(
        dir,
        &all,
        &[
            ("AWS_ACCESS_KEY_ID", &m.admin.id),
            ("AWS_SECRET_ACCESS_KEY", &m.admin.secret),
            ("AWS_MAX_ATTEMPTS", "3"),
        ],
        "",
    );
    (out, started.elapsed().as_secs_f64())
}

fn assert_no_crash(out: &Output, what: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some() && out.status.code() != Some(101),
        "{what}: crashed ({:?}): {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

/// A persistent fault: exit 1, exactly one `Error:` line, within the bound.
fn assert_clear_failure(out: &Output, seconds: f64, what: &str) {
    assert_no_crash(out, what);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("Error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{what}: {stderr}");
    assert!(errors[0].len() > 20, "{what}: {stderr}");
    assert!(
        seconds < PERSISTENT_BOUND.as_secs_f64(),
        "{what}: took {seconds:.1} s"
    );
}

/// Writes the rows as a Markdown table under target/fault-matrix/.
fn write_table(name: &str, rows: &[Row]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fault-matrix");
    std::fs::create_dir_all(&dir).unwrap();
    let mut text = String::new();
    for r in rows {
        let result = match (r.persistent, r.code) {
            (false, Some(0)) if r.command == "create" => "retried, one key printed".to_string(),
            (false, Some(0)) => "retried, identical output".to_string(),
            (true, Some(1)) => "one Error line, exit 1".to_string(),
            (_, code) => format!("exit {code:?}"),
        };
        text.push_str(&format!(
            "| {} | {} | {} | {} | {result}{} | {:.1} s |\n",
            r.command,
            r.fault.name(),
            if r.persistent { "every time" } else { "once" },
            r.faulted,
            if r.note.is_empty() {
                String::new()
            } else {
                format!("; {}", r.note)
            },
            r.seconds
        ));
    }
    std::fs::write(dir.join(format!("{name}.md")), text).unwrap();
}

/// Runs a read-only command through every fault, once and persistently, and
/// compares each successful output with a clean run's.
fn read_matrix(
    name: &'static str,
    faults: &[Fault],
    dir: &Path,
    args: &[&str],
    matches: impl Fn(&Recorded) -> bool + Send + Sync + Clone + 'static,
) {
    let clean = FaultProxy::start(&moto().url, Fault::Status500, 0, |_| false);
    let (out, _) = run_through(dir, &clean, args);
    let expected = ok(&out);
    let mut rows = Vec::new();
    for &fault in faults {
        for persistent in [false, true] {
            let proxy = FaultProxy::start(
                &moto().url,
                fault,
                if persistent { usize::MAX } else { 1 },
                matches.clone(),
            );
            let (out, seconds) = run_through(dir, &proxy, args);
            let what = format!("{name} / {} / persistent={persistent}", fault.name());
            assert!(proxy.faulted() >= 1, "{what}: the fault never applied");
            if persistent {
                assert_clear_failure(&out, seconds, &what);
            } else {
                assert_no_crash(&out, &what);
                assert_eq!(ok(&out), expected, "{what}");
            }
            rows.push(Row {
                command: name,
                fault,
                persistent,
                code: out.status.code(),
                faulted: proxy.faulted(),
                seconds,
                note: String::new(),
            });
        }
    }
    write_table(name, &rows);
}

fn query_action(action: &'static str) -> impl Fn(&Recorded) -> bool + Send + Sync + Clone {
    move |r: &Recorded| {
        String::from_utf8_lossy(&r.body).contains(&format!("Action={action}&"))
            || String::from_utf8_lossy(&r.body).ends_with(&format!("Action={action}"))
    }
}

#[test]
fn fault_matrix_whoami() {
    let dir = TempDir::new("faults-whoami");
    read_matrix("whoami", QUERY_FAULTS, &dir.0, &["whoami"], |r| {
        String::from_utf8_lossy(&r.body).contains("Action=GetCallerIdentity")
    });
}

/// An IAM read no other test changes (list-users would see their users).
#[test]
fn fault_matrix_list_user_policies() {
    let dir = TempDir::new("faults-list-user-policies");
    read_matrix(
        "list-user-policies",
        QUERY_FAULTS,
        &dir.0,
        &["list-user-policies", "admin"],
        query_action("ListUserPolicies"),
    );
}

fn seed_bucket(dir: &Path, bucket: &str) {
    let m = moto();
    crate::common::make_bucket(dir, bucket);
    std::fs::write(dir.join("seed.txt"), "seeded object\n").unwrap();
    ok(&crate::common::as_admin_in(
        dir,
        &m.url,
        &["put-object", bucket, "seed.txt", "seed.txt", "-s"],
        "",
    ));
}

#[test]
fn fault_matrix_list_bucket() {
    let dir = TempDir::new("faults-list-bucket");
    seed_bucket(&dir.0, "faults-list");
    read_matrix(
        "list-bucket",
        &s3_faults(),
        &dir.0,
        &["list-bucket", "faults-list"],
        |r| r.method == "GET" && r.path.starts_with("/faults-list"),
    );
}

#[test]
fn fault_matrix_get_object() {
    let dir = TempDir::new("faults-get-object");
    seed_bucket(&dir.0, "faults-get");
    let mut rows = Vec::new();
    // The object is not XML: a download's fault is the cut body.
    let faults = s3_faults().into_iter().filter(|f| *f != Fault::Truncated);
    for fault in faults {
        for persistent in [false, true] {
            let proxy = FaultProxy::start(
                &moto().url,
                fault,
                if persistent { usize::MAX } else { 1 },
                |r| r.method == "GET" && r.path.starts_with("/faults-get/seed.txt"),
            );
            let target = dir.0.join("out.txt");
            let _ = std::fs::remove_file(&target);
            let (out, seconds) = run_through(
                &dir.0,
                &proxy,
                &["get-object", "faults-get", "seed.txt", "-o", "out.txt"],
            );
            let what = format!("get-object / {} / persistent={persistent}", fault.name());
            assert!(proxy.faulted() >= 1, "{what}: the fault never applied");
            let mut note = String::new();
            if persistent {
                assert_clear_failure(&out, seconds, &what);
                assert!(!target.exists(), "{what}: a partial file was left");
                let leftovers: Vec<_> = std::fs::read_dir(&dir.0)
                    .unwrap()
                    .filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n != "seed.txt")
                    .collect();
                assert!(leftovers.is_empty(), "{what}: left {leftovers:?}");
                note = "no file left".into();
            } else {
                ok(&out);
                assert_eq!(
                    std::fs::read_to_string(&target).unwrap(),
                    "seeded object\n",
                    "{what}"
                );
            }
            rows.push(Row {
                command: "get-object",
                fault,
                persistent,
                code: out.status.code(),
                faulted: proxy.faulted(),
                seconds,
                note,
            });
        }
    }
    write_table("get-object", &rows);
}

#[test]
fn fault_matrix_put_object() {
    let dir = TempDir::new("faults-put-object");
    seed_bucket(&dir.0, "faults-put");
    std::fs::write(dir.0.join("up.txt"), "uploaded through faults\n").unwrap();
    let mut rows = Vec::new();
    // A PUT's answer has no body to truncate or cut.
    let faults = s3_faults()
        .into_iter()
        .filter(|f| !matches!(f, Fault::Truncated | Fault::CutBody));
    for fault in faults {
        for persistent in [false, true] {
            let key = format!("k-{}-{persistent}", fault.name().replace(' ', "-"));
            let proxy = FaultProxy::start(
                &moto().url,
                fault,
                if persistent { usize::MAX } else { 1 },
                |r| r.method == "PUT" && r.path.starts_with("/faults-put/k-"),
            );
            let (out, seconds) = run_through(
                &dir.0,
                &proxy,
                &["put-object", "faults-put", &key, "up.txt", "-s"],
            );
            let what = format!("put-object / {} / persistent={persistent}", fault.name());
            assert!(proxy.faulted() >= 1, "{what}: the fault never applied");
            if persistent {
                assert_clear_failure(&out, seconds, &what);
            } else {
                assert_eq!(ok(&out), "", "{what}");
                let back = crate::common::as_admin_in(
                    &dir.0,
                    &moto().url,
                    &["get-object", "faults-put", &key],
                    "",
                );
                assert_eq!(ok(&back), "uploaded through faults\n", "{what}");
            }
            rows.push(Row {
                command: "put-object",
                fault,
                persistent,
                code: out.status.code(),
                faulted: proxy.faulted(),
                seconds,
                note: String::new(),
            });
        }
    }
    write_table("put-object", &rows);
}

/// How many access keys the user has, straight from moto.
pub fn count_keys(user: &str) -> usize {
    use s3_credentials::aws::{self, iam};
    use s3_credentials::cli::Connection;
    use s3_credentials::env::Env;
    let m = moto();
    let client = aws::connect(
        Connection {
            access_key: Some(m.admin.id.clone()),
            secret_key: Some(m.admin.secret.clone()),
            endpoint_url: Some(m.url.clone()),
            ..Connection::default()
        },
        &Env::default(),
    )
    .expect("client");
    let result = client
        .call(&iam::list_access_keys(user, None))
        .expect("ListAccessKeys");
    iam::access_keys(&result).items.len()
}

fn count_users(name: &str) -> usize {
    let dir = TempDir::new("count-users");
    let out = crate::common::as_admin_in(&dir.0, &moto().url, &["list-users", "--nl"], "");
    ok(&out)
        .lines()
        .filter(|l| l.contains(&format!("\"UserName\": \"{name}\"")))
        .count()
}

#[test]
fn fault_matrix_create() {
    let dir = TempDir::new("faults-create");
    seed_bucket(&dir.0, "faults-create");
    let mut rows = Vec::new();
    for (n, &fault) in QUERY_FAULTS.iter().enumerate() {
        for persistent in [false, true] {
            let user = format!("fault-user-{n}-{persistent}");
            let proxy = FaultProxy::start(
                &moto().url,
                fault,
                if persistent { usize::MAX } else { 1 },
                query_action("CreateAccessKey"),
            );
            let (out, seconds) = run_through(
                &dir.0,
                &proxy,
                &["create", "faults-create", "--username", &user],
            );
            let what = format!("create / {} / persistent={persistent}", fault.name());
            assert!(proxy.faulted() >= 1, "{what}: the fault never applied");
            let keys = count_keys(&user);
            assert_eq!(count_users(&user), 1, "{what}: one user");
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            let mut note = format!("{keys} key(s) on the user");
            if stderr.contains("Deleted access key") {
                note.push_str(", unanswered key deleted");
            }
            if persistent {
                assert_clear_failure(&out, seconds, &what);
                assert_eq!(keys, 0, "{what}: no key without its secret: {stderr}");
                assert!(stderr.contains("to undo them"), "{what}: {stderr}");
            } else {
                let printed = ok(&out);
                assert!(printed.contains("\"SecretAccessKey\""), "{what}: {printed}");
                assert_eq!(keys, 1, "{what}: exactly one key: {stderr}");
            }
            rows.push(Row {
                command: "create",
                fault,
                persistent,
                code: out.status.code(),
                faulted: proxy.faulted(),
                seconds,
                note,
            });
        }
    }
    write_table("create", &rows);
}

#[test]
fn a_lost_create_user_answer_never_makes_a_second_user() {
    let dir = TempDir::new("faults-create-user");
    seed_bucket(&dir.0, "faults-cu");
    for fault in [Fault::ResetAfter, Fault::Stall, Fault::Truncated] {
        let user = format!("lost-{}", fault.name().replace(' ', "-"));
        let proxy = FaultProxy::start(&moto().url, fault, 1, query_action("CreateUser"));
        let (out, _) = run_through(
            &dir.0,
            &proxy,
            &["create", "faults-cu", "--username", &user],
        );
        let what = format!("CreateUser / {}", fault.name());
        assert_eq!(proxy.faulted(), 1, "{what}");
        let printed = ok(&out);
        assert!(printed.contains("\"SecretAccessKey\""), "{what}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("Created user: '{user}'")),
            "{what}: {stderr}"
        );
        assert_eq!(count_users(&user), 1, "{what}");
        assert_eq!(count_keys(&user), 1, "{what}");
    }
}

#[test]
fn a_failed_multipart_upload_through_faults_is_aborted() {
    let dir = TempDir::new("faults-multipart");
    seed_bucket(&dir.0, "faults-mpu");
    // Two parts of 8 MiB and a bit; every second part fails with a 500.
    let data = vec![b'x'; 8 * 1024 * 1024 + 100];
    std::fs::write(dir.0.join("big.bin"), &data).unwrap();
    let proxy = FaultProxy::start(&moto().url, Fault::Status500, usize::MAX, |r| {
        r.method == "PUT" && r.path.contains("partNumber=2")
    });
    let (out, seconds) = run_through(
        &dir.0,
        &proxy,
        &["put-object", "faults-mpu", "big.bin", "big.bin", "-s"],
    );
    assert_clear_failure(&out, seconds, "multipart / 500 on part 2");
    let aborted = proxy
        .hits()
        .iter()
        .any(|h| h.method == "DELETE" && h.path.contains("uploadId="));
    assert!(aborted, "no AbortMultipartUpload: {:?}", proxy.hits());
}

/// A metadata service that accepts connections and never answers: the chain gives
/// up after AWS_METADATA_SERVICE_TIMEOUT per attempt, AWS_METADATA_SERVICE_NUM_ATTEMPTS
/// times per request, and says there are no credentials.
#[test]
fn a_silent_metadata_service_times_out_as_configured() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(Mutex::new(0usize));
    let seen = Arc::clone(&connections);
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            *seen.lock().unwrap() += 1;
            held.push(stream);
        }
    });
    let dir = TempDir::new("imds-timeout");
    let started = Instant::now();
    let out = run_env_in(
        &dir.0,
        &["whoami"],
        &[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
            ("AWS_METADATA_SERVICE_TIMEOUT", "0.3"),
            ("AWS_METADATA_SERVICE_NUM_ATTEMPTS", "1"),
        ],
        "",
    );
    let elapsed = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("Error: "), "{stderr}");
    assert!(stderr.to_lowercase().contains("credentials"), "{stderr}");
    // The token request, then the IMDSv1 fallback: one attempt each.
    let made = *connections.lock().unwrap();
    assert!((1..=2).contains(&made), "{made} connections");
    assert!(
        elapsed < Duration::from_secs(10),
        "did not give up: {elapsed:?}"
    );
}
