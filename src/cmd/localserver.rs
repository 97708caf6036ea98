//! `localserver`: serve temporary bucket credentials over HTTP on localhost, in
//! the `credential_process` JSON shape, refreshing them before they expire.
//!
//! One accept loop serves each request to completion, so at most one set of
//! credentials is ever being made (concurrent clients wait briefly and get the
//! same credentials). Ctrl-C or SIGTERM stop it cleanly.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::create::{
    ROLE_NAME, assume_role_after_creation, check_role_chaining, create_helper_role,
};
use super::{Console, check_read_write};
use crate::aws::error::AwsError;
use crate::aws::s3::HeadBucket;
use crate::aws::{Client, iam, sts, timestamp};
use crate::cli::{LocalserverArgs, permission};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::json::{Object, Value, to_string_compact, to_string_indent};
use crate::policy::buckets_policy;

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_signal: i32) {
    STOP.store(true, Ordering::SeqCst);
}

unsafe extern "C" {
    /// C's `signal(2)`; the handler above only stores an atomic flag.
    fn signal(signum: i32, handler: extern "C" fn(i32)) -> usize;
}

const SIGINT: i32 = 2;
const SIGTERM: i32 = 15;

/// The credentials being served and when to replace them.
struct Served {
    body: String,
    refresh_at: i64,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// How long before expiry credentials are replaced: a fifth of their lifetime,
/// at least a minute (`S3_CREDENTIALS_REFRESH_MARGIN` seconds overrides it).
fn refresh_margin(env: &Env, duration: u32) -> i64 {
    env.non_empty("S3_CREDENTIALS_REFRESH_MARGIN")
        .and_then(|m| m.parse::<i64>().ok())
        .unwrap_or_else(|| (i64::from(duration) / 5).max(60))
}

struct Generator<'a> {
    client: &'a Client,
    session_name: String,
    policy: String,
    duration: u32,
    margin: i64,
}

impl Generator<'_> {
    /// The role steps of `create --duration`, then AssumeRole.
    fn generate(&self) -> Result<Served> {
        let identity = self.client.call(&sts::GetCallerIdentity)?;
        check_role_chaining(&identity.text("Arn"), self.duration)?;
        let (role_arn, created) = match self.client.call(&iam::get_role(ROLE_NAME)) {
            Ok(result) => (
                iam::one(&result, "Role", iam::ROLE)
                    .map(|r| r.text("Arn"))
                    .unwrap_or_default(),
                false,
            ),
            Err(AwsError::Service(e)) if e.code == "NoSuchEntity" => (
                create_helper_role(self.client, &identity.text("Account"))?,
                true,
            ),
            Err(e) => return Err(e.into()),
        };
        let action = sts::AssumeRole {
            role_arn,
            session_name: self.session_name.clone(),
            policy: Some(self.policy.clone()),
            duration_seconds: Some(self.duration),
            external_id: None,
        };
        let temporary = assume_role_after_creation(self.client, &action, created)?;
        let expiration = temporary
            .object
            .get("Expiration")
            .and_then(Value::as_str_lossy)
            .and_then(|e| timestamp::parse_iso(&e.replacen(' ', "T", 1)));
        let expires_at = expiration
            .map(|e| e.secs)
            .unwrap_or(now() + i64::from(self.duration));
        let c = &temporary.credentials;
        let body = Object::new()
            .with("Version", 1i64)
            .with("AccessKeyId", c.access_key_id.as_str())
            .with("SecretAccessKey", c.secret_access_key.as_str())
            .with("SessionToken", c.session_token.clone().unwrap_or_default())
            .with(
                "Expiration",
                expiration.map(timestamp::format_iso).unwrap_or_default(),
            );
        Ok(Served {
            body: to_string_indent(&body.into(), 2),
            refresh_at: expires_at - self.margin,
        })
    }
}

pub fn run(args: LocalserverArgs, env: &Env, console: &mut Console) -> Result<()> {
    check_read_write(args.read_only, args.write_only)?;
    let permission = permission(args.read_only, args.write_only);
    let bucket = args.bucket.clone();
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    match client.call(&HeadBucket {
        bucket: bucket.clone(),
    }) {
        Ok(()) => {}
        Err(AwsError::Service(e)) if e.status == 404 => {
            return Err(Error::runtime(format!("Bucket does not exist: {bucket}")));
        }
        Err(e) => return Err(Error::runtime(format!("Checking bucket {bucket}: {e}"))),
    }
    let generator = Generator {
        client: &client,
        session_name: format!("s3.{}.{bucket}", permission.label()),
        policy: to_string_compact(&buckets_policy(
            std::slice::from_ref(&bucket),
            permission,
            &args.prefixes,
            &args.statements,
        )),
        duration: args.duration,
        margin: refresh_margin(env, args.duration),
    };
    console.note("Generating initial credentials...")?;
    let failed = |e: String| Error::runtime(format!("Failed to start server: {e}"));
    let mut served = generator.generate().map_err(|e| failed(message(e)))?;
    let port = u16::try_from(args.port)
        .map_err(|_| failed(format!("port {} is not between 0 and 65535", args.port)))?;
    let listener =
        TcpListener::bind((args.host.as_str(), port)).map_err(|e| failed(e.to_string()))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| failed(e.to_string()))?;
    let shown_port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    console.note(&format!(
        "Serving {} credentials for bucket '{bucket}' at http://{}:{shown_port}/",
        permission.label(),
        args.host
    ))?;
    console.note(&format!("Duration: {} seconds", args.duration))?;
    console.note("Press Ctrl+C to stop")?;
    // SAFETY: the handler only stores to an atomic.
    unsafe {
        signal(SIGINT, request_stop);
        signal(SIGTERM, request_stop);
    }
    while !STOP.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let line = serve(stream, &generator, &mut served);
                console.note(&line)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::runtime(format!("localserver: {e}"))),
        }
    }
    console.note("\nShutting down server...")
}

fn message(e: Error) -> String {
    match e {
        Error::Runtime(m) | Error::BareUsage(m) => m,
        Error::Usage { message, .. } => message,
        other => format!("{other:?}"),
    }
}

/// Answers one request; returns its log line.
fn serve(stream: TcpStream, generator: &Generator, served: &mut Served) -> String {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    let _ = reader.read_line(&mut request_line);
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header.trim().is_empty() => break,
            Ok(_) => {}
        }
    }
    let request_line = request_line.trim_end().to_string();
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (status, body) = match (method, path) {
        ("GET", "/") => {
            if now() >= served.refresh_at {
                match generator.generate() {
                    Ok(fresh) => *served = fresh,
                    Err(e) => {
                        let body = Object::new().with("error", message(e));
                        respond(&stream, 500, &to_string_compact(&body.into()));
                        return log_line(&request_line, 500);
                    }
                }
            }
            (200, served.body.clone())
        }
        ("GET", _) => (404, r#"{"error": "Not found"}"#.to_string()),
        _ => (501, r#"{"error": "Unsupported method"}"#.to_string()),
    };
    respond(&stream, status, &body);
    log_line(&request_line, status)
}

fn respond(mut stream: &TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        500 => "Internal Server Error",
        _ => "Not Implemented",
    };
    let _ = write!(
        stream,
        "HTTP/1.0 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.flush();
}

/// `2026-11-27 23:09:04 - "GET / HTTP/1.1" 200 -` (UTC).
fn log_line(request_line: &str, status: u16) -> String {
    let stamp = timestamp::format_python(timestamp::Instant {
        secs: now(),
        micros: 0,
    });
    let stamp = stamp.trim_end_matches("+00:00");
    format!("{stamp} - \"{request_line}\" {status} -")
}
