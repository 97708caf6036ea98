//! A moto server (IAM, STS, S3) for the end-to-end tests: one per test process, on
//! a free port, with signature checking on. It stops when the test process exits.
//!
//! moto is `$MOTO_SERVER` or `.venv-moto/bin/moto_server` in the project (the pinned
//! 5.2.5 that `.ci/run` installs). If it is missing the tests fail with install
//! instructions.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const INSTALL: &str = "moto is not installed. Install it with:\n  \
    python3 -m venv .venv-moto && .venv-moto/bin/pip install 'moto[server]==5.2.5'\n\
    (or set MOTO_SERVER to a moto_server executable). .ci/run does this.";

#[derive(Clone, Debug)]
pub struct Keys {
    pub id: String,
    pub secret: String,
}

pub struct Moto {
    pub url: String,
    pub admin: Keys,
    /// One IAM user per credential-source scenario, so `whoami` shows which won.
    pub users: std::collections::HashMap<&'static str, Keys>,
    // Closing this pipe (when the test process exits) stops the server.
    _lifeline: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

/// The pinned moto: `$MOTO_SERVER`, else the project's `.venv-moto` (which
/// `.ci/run` creates). A `moto_server` elsewhere on PATH may be another version,
/// so it is not used.
fn moto_binary() -> PathBuf {
    if let Ok(path) = std::env::var("MOTO_SERVER") {
        return path.into();
    }
    let local = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv-moto/bin/moto_server");
    if local.exists() {
        return local;
    }
    panic!("{INSTALL}")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// An unsigned Query API call, allowed while moto's auth is still off.
fn bootstrap_call(url: &str, service: &str, params: &[(&str, &str)]) -> String {
    let body: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                s3_credentials::aws::request::percent_encode(v, false)
            )
        })
        .collect::<Vec<_>>()
        .join("&");
    let response = reqwest::blocking::Client::new()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential=bootstrap/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"),
        )
        .body(body)
        .send()
        .expect("bootstrap call to moto");
    let status = response.status();
    let text = response.text().unwrap_or_default();
    assert!(
        status.is_success(),
        "bootstrap {params:?} failed: {status} {text}"
    );
    text
}

fn element(xml: &str, name: &str) -> String {
    let open = format!("<{name}>");
    let start = xml.find(&open).map(|i| i + open.len()).expect(name);
    let end = xml[start..].find('<').map(|i| start + i).expect(name);
    xml[start..end].to_string()
}

/// Creates a user with an inline policy and an access key (auth must still be off).
fn bootstrap_user(url: &str, name: &str, policy: &str) -> Keys {
    let v = ("Version", "2010-05-08");
    bootstrap_call(
        url,
        "iam",
        &[("Action", "CreateUser"), v, ("UserName", name)],
    );
    bootstrap_call(
        url,
        "iam",
        &[
            ("Action", "PutUserPolicy"),
            v,
            ("UserName", name),
            ("PolicyName", "all"),
            ("PolicyDocument", policy),
        ],
    );
    let xml = bootstrap_call(
        url,
        "iam",
        &[("Action", "CreateAccessKey"), v, ("UserName", name)],
    );
    Keys {
        id: element(&xml, "AccessKeyId"),
        secret: element(&xml, "SecretAccessKey"),
    }
}

/// Users created at start-up, one per credential source under test.
pub const SCENARIO_USERS: &[&str] = &[
    "env-user",
    "default-user",
    "named-user",
    "config-user",
    "process-user",
    "source-user",
    "container-user",
    "imds-user",
    "webid-user",
];

pub const ALLOW_ALL: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#;

/// Starts a moto server on a free port (auth still off) and waits until it answers.
fn launch() -> (String, ChildStdin, Child) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let binary = moto_binary();
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}");
    let log = std::env::temp_dir().join(format!("s3c-moto-{port}.log"));
    let script =
        r#""$0" -H 127.0.0.1 -p "$1" </dev/null >"$2" 2>&1 & pid=$!; read _; kill $pid; wait $pid"#;
    let mut child = Command::new("sh")
        .args(["-c", script])
        .arg(&binary)
        .arg(port.to_string())
        .arg(&log)
        .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}\n{INSTALL}", binary.display()));
    let lifeline = child.stdin.take().expect("stdin pipe");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = reqwest::blocking::get(format!("{url}/moto-api/data.json"))
            .map(|r| r.status().is_success())
            .unwrap_or(false);
        if ready {
            break;
        }
        if Instant::now() > deadline {
            let mut text = String::new();
            let _ = std::fs::File::open(&log).and_then(|mut f| f.read_to_string(&mut text));
            panic!("moto did not start on {url} within 30 s. Its log:\n{text}\n{INSTALL}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (url, lifeline, child)
}

/// A second moto that never checks signatures: moto 5.2.5 answers every presigned
/// request with a 500 (`KeyError: 'HTTP_AUTHORIZATION'`) once auth is on, so
/// presigned URLs are exercised here, and their signatures checked by botocore.
pub struct Unauthenticated {
    pub url: String,
    _lifeline: Mutex<ChildStdin>,
    _child: Mutex<Child>,
}

pub fn moto_without_auth() -> &'static Unauthenticated {
    static MOTO: OnceLock<Unauthenticated> = OnceLock::new();
    MOTO.get_or_init(|| {
        let (url, lifeline, child) = launch();
        Unauthenticated {
            url,
            _lifeline: Mutex::new(lifeline),
            _child: Mutex::new(child),
        }
    })
}

/// The pinned moto's Python (it has botocore), for cross-checks.
pub fn moto_python() -> PathBuf {
    moto_binary().with_file_name("python")
}

fn start() -> Moto {
    let (url, lifeline, child) = launch();
    let admin = bootstrap_user(&url, "admin", ALLOW_ALL);
    let users = SCENARIO_USERS
        .iter()
        .map(|name| (*name, bootstrap_user(&url, name, ALLOW_ALL)))
        .collect();
    // A role any principal may assume (moto compares principals as strings).
    let trust = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}"#;
    let v = ("Version", "2010-05-08");
    bootstrap_call(
        &url,
        "iam",
        &[
            ("Action", "CreateRole"),
            v,
            ("RoleName", "chain-role"),
            ("AssumeRolePolicyDocument", trust),
        ],
    );
    bootstrap_call(
        &url,
        "iam",
        &[
            ("Action", "PutRolePolicy"),
            v,
            ("RoleName", "chain-role"),
            ("PolicyName", "all"),
            ("PolicyDocument", ALLOW_ALL),
        ],
    );
    // The role `create --duration` uses, pre-created with a `*` principal because
    // moto never matches the `:root` principal upstream's trust policy names.
    let role = "s3-credentials.AmazonS3FullAccess";
    bootstrap_call(
        &url,
        "iam",
        &[
            ("Action", "CreateRole"),
            v,
            ("RoleName", role),
            ("AssumeRolePolicyDocument", trust),
        ],
    );
    bootstrap_call(
        &url,
        "iam",
        &[
            ("Action", "AttachRolePolicy"),
            v,
            ("RoleName", role),
            ("PolicyArn", "arn:aws:iam::aws:policy/AmazonS3FullAccess"),
        ],
    );
    // Signature checking on from here.
    let response = reqwest::blocking::Client::new()
        .post(format!("{url}/moto-api/reset-auth"))
        .header("content-type", "text/plain")
        .body("0")
        .send()
        .expect("reset-auth");
    assert!(response.status().is_success(), "reset-auth failed");
    Moto {
        url,
        admin,
        users,
        _lifeline: Mutex::new(lifeline),
        _child: Mutex::new(child),
    }
}

/// The shared server for this test process.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(start)
}
