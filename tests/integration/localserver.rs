//! `localserver` end to end: the real binary against moto, fetched over HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use s3_credentials::aws::{self, sts};
use s3_credentials::cli::Connection;
use s3_credentials::env::Env;
use s3_credentials::json::{self, Value};

use crate::common::{BIN, HERMETIC_ENV, as_admin};
use crate::moto::moto;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A raw HTTP GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn key_id(body: &str) -> String {
    let v = json::parse(body).expect("JSON body");
    v.as_object()
        .unwrap()
        .get("AccessKeyId")
        .and_then(Value::as_str_lossy)
        .unwrap()
}

#[test]
fn serves_shared_credentials_refreshes_them_and_stops_on_interrupt() {
    let m = moto();
    let setup = as_admin(&["create", "ls-e2e", "-c", "--username", "ls-seed"]);
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    let port = free_port();
    let mut child = Command::new(BIN)
        .args([
            "localserver",
            "ls-e2e",
            "--read-only",
            "-d",
            "15m",
            "--host",
            "127.0.0.1",
        ])
        .args(["--port", &port.to_string(), "--endpoint-url", &m.url])
        .env_clear()
        .envs(HERMETIC_ENV.iter().copied())
        .env("AWS_ACCESS_KEY_ID", &m.admin.id)
        .env("AWS_SECRET_ACCESS_KEY", &m.admin.secret)
        // Credentials count as due for renewal 2 s after they are made.
        .env("S3_CREDENTIALS_REFRESH_MARGIN", "898")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut startup = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !startup.contains("Press Ctrl+C to stop") {
        assert!(
            Instant::now() < deadline,
            "localserver did not start: {startup}"
        );
        if stderr.read_line(&mut startup).unwrap() == 0 {
            panic!("localserver exited: {startup}");
        }
    }
    assert_eq!(
        startup,
        format!(
            "Generating initial credentials...\nServing read-only credentials for bucket 'ls-e2e' at http://127.0.0.1:{port}/\nDuration: 900 seconds\nPress Ctrl+C to stop\n"
        )
    );

    // Concurrent requests share one set of credentials.
    let handles: Vec<_> = (0..6)
        .map(|_| std::thread::spawn(move || get(port, "/")))
        .collect();
    let bodies: Vec<(u16, String)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(bodies.iter().all(|(s, _)| *s == 200));
    assert!(
        bodies.windows(2).all(|w| w[0].1 == w[1].1),
        "all requests got the same credentials"
    );
    let body = &bodies[0].1;
    let v = json::parse(body).unwrap();
    let o = v.as_object().unwrap();
    let keys: Vec<String> = o.iter().map(|(k, _)| k.to_string_lossy()).collect();
    assert_eq!(
        keys,
        [
            "Version",
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration"
        ]
    );
    assert!(
        body.starts_with("{\n  \"Version\": 1,\n  \"AccessKeyId\": \"ASIA"),
        "{body}"
    );
    let expiration = o.get("Expiration").and_then(Value::as_str_lossy).unwrap();
    assert!(
        expiration.contains('T') && expiration.ends_with("+00:00"),
        "{expiration}"
    );

    // They are working credentials: moto sees the role session.
    let text = |k: &str| o.get(k).and_then(Value::as_str_lossy).unwrap();
    let client = aws::connect(
        Connection {
            access_key: Some(text("AccessKeyId")),
            secret_key: Some(text("SecretAccessKey")),
            session_token: Some(text("SessionToken")),
            endpoint_url: Some(m.url.clone()),
            ..Connection::default()
        },
        &Env::default(),
    )
    .unwrap();
    let me = client.call(&sts::GetCallerIdentity).unwrap();
    assert_eq!(
        me.get("Arn").and_then(Value::as_str_lossy).unwrap(),
        "arn:aws:sts::123456789012:assumed-role/s3-credentials.AmazonS3FullAccess/s3.read-only.ls-e2e"
    );

    assert_eq!(
        get(port, "/nope"),
        (404, r#"{"error": "Not found"}"#.to_string())
    );

    // Past the refresh point a request gets new credentials.
    std::thread::sleep(Duration::from_millis(2500));
    let (status, fresh) = get(port, "/");
    assert_eq!(status, 200);
    assert_ne!(key_id(&fresh), key_id(body), "credentials were refreshed");

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.ends_with("\n\nShutting down server...\n"), "{rest}");
    let logged: Vec<&str> = rest.lines().filter(|l| l.contains(" - \"GET ")).collect();
    assert_eq!(logged.len(), 8, "{rest}");
    assert!(
        logged[0].ends_with(" - \"GET / HTTP/1.1\" 200 -"),
        "{}",
        logged[0]
    );
    assert!(
        logged
            .iter()
            .any(|l| l.ends_with("\"GET /nope HTTP/1.1\" 404 -"))
    );
}

#[test]
fn a_missing_bucket_is_reported_before_serving() {
    let out = as_admin(&["localserver", "no-such-ls-bucket", "-d", "15m"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: Bucket does not exist: no-such-ls-bucket\n"
    );
}
