//! The only place that talks to AWS: resolve the endpoint, sign, send, retry, follow
//! S3 region redirects, correct clock skew, parse.
//!
//! Retries follow botocore's standard mode: up to `max_attempts` tries, jittered
//! exponential backoff (`rand * 2^(n-1)` seconds, at most 20), for throttling
//! errors, transient errors and 5xx answers. A non-idempotent call is retried only
//! when the request certainly did not reach the service.

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::config::{RetryMode, Settings};
use super::credentials::Credentials;
use super::endpoint::{self, Endpoint, Service};
use super::error::{AwsError, ServiceError};
use super::request::{Action, Request, Response, percent_encode};
use super::sign::{self, Payload, SignInput};
use super::timestamp;

const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];
const TRANSIENT: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
    "InternalError",
];
const TRANSIENT_STATUS: &[u16] = &[500, 502, 503, 504];
const CLOCK_SKEW: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestInTheFuture",
];
/// A server clock further off than this is corrected for.
const SKEW_LIMIT_SECS: i64 = 240;
const MAX_BACKOFF_SECS: f64 = 20.0;

pub struct Client {
    settings: Settings,
    credentials: Credentials,
    http: OnceCell<reqwest::blocking::Client>,
    /// Seconds to add to the local clock when signing.
    skew: Cell<i64>,
    /// Buckets found to live in another region than configured.
    bucket_regions: RefCell<HashMap<String, String>>,
    rng: Cell<u64>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("region", &self.settings.region)
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// What one attempt produced.
enum Attempt {
    Answer(Response),
    NoAnswer { message: String, sent: bool },
}

impl Client {
    pub fn new(settings: Settings, credentials: Credentials) -> Client {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            ^ (u64::from(std::process::id()) << 32);
        Client {
            settings,
            credentials,
            http: OnceCell::new(),
            skew: Cell::new(0),
            bucket_regions: RefCell::new(HashMap::new()),
            rng: Cell::new(seed | 1),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The region a bucket's requests go to (after any redirect seen this run).
    pub fn bucket_region(&self, bucket: &str) -> String {
        self.bucket_regions
            .borrow()
            .get(bucket)
            .cloned()
            .unwrap_or_else(|| self.settings.region.clone())
    }

    fn http(&self) -> Result<&reqwest::blocking::Client, AwsError> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = build_http(&self.settings)?;
        Ok(self.http.get_or_init(|| client))
    }

    /// Performs one API call.
    pub fn call<A: Action>(&self, action: &A) -> Result<A::Output, AwsError> {
        let request = action.request();
        let operation = request.operation;
        let mut attempt = 1;
        let mut skew_fixed = false;
        let mut redirected = false;
        loop {
            let (url, signing_region) = self.url(&request);
            let outcome = self.send(&request, &url, &signing_region)?;
            let response = match outcome {
                Attempt::Answer(r) => r,
                Attempt::NoAnswer { message, sent } => {
                    let retry = request.idempotent || !sent;
                    if retry && attempt < self.settings.max_attempts {
                        self.backoff(attempt);
                        attempt += 1;
                        continue;
                    }
                    let message = if attempt > 1 {
                        format!("{message} (after {attempt} attempts)")
                    } else {
                        message
                    };
                    return Err(AwsError::Transport { operation, message });
                }
            };
            if (200..300).contains(&response.status) {
                return action
                    .parse(response)
                    .map_err(|message| AwsError::Response { operation, message });
            }
            let mut error = ServiceError::from_response(
                operation,
                response.status,
                &response.body,
                response.header("x-amz-bucket-region"),
            );
            if !skew_fixed
                && CLOCK_SKEW.contains(&error.code.as_str())
                && let Some(server) = response.header("date").and_then(timestamp::parse_http_date)
            {
                let offset = server.secs - now_secs();
                if offset.abs() > SKEW_LIMIT_SECS {
                    self.skew.set(offset);
                    skew_fixed = true;
                    continue;
                }
            }
            if let (Some(bucket), Some(region)) = (&request.bucket, &error.region) {
                let wrong_region = matches!(response.status, 301 | 307 | 400)
                    && *region != signing_region
                    && endpoint::valid_region(region);
                if wrong_region && !redirected {
                    self.bucket_regions
                        .borrow_mut()
                        .insert(bucket.clone(), region.clone());
                    redirected = true;
                    continue;
                }
            }
            let throttled = THROTTLING.contains(&error.code.as_str());
            let transient = TRANSIENT.contains(&error.code.as_str())
                || TRANSIENT_STATUS.contains(&response.status);
            let retryable = throttled || (transient && request.idempotent);
            if retryable && attempt < self.settings.max_attempts {
                self.backoff(attempt);
                attempt += 1;
                continue;
            }
            if retryable {
                error.retries = attempt - 1;
            }
            return Err(AwsError::Service(error));
        }
    }

    /// The URL (percent-encoded) and signing region for a request.
    fn url(&self, request: &Request) -> (String, String) {
        let custom = self.settings.endpoint_url(request.service);
        let Endpoint {
            base,
            bucket_in_path,
            signing_region,
        } = match (&request.bucket, request.service) {
            (Some(bucket), Service::S3) => endpoint::s3_endpoint(
                &self.bucket_region(bucket),
                bucket,
                custom,
                self.settings.addressing,
            ),
            _ => endpoint::service_endpoint(request.service, &self.settings.region, custom),
        };
        let mut path = String::new();
        if bucket_in_path && let Some(bucket) = &request.bucket {
            path.push('/');
            path.push_str(&percent_encode(bucket, false));
        }
        if let Some(key) = &request.key {
            path.push('/');
            path.push_str(&percent_encode(key, true));
        }
        if path.is_empty() {
            path.push('/');
        }
        let mut url = format!("{base}{path}");
        for (n, (k, v)) in request.query.iter().enumerate() {
            url.push(if n == 0 { '?' } else { '&' });
            url.push_str(&percent_encode(k, false));
            if !v.is_empty() {
                url.push('=');
                url.push_str(&percent_encode(v, false));
            }
        }
        (url, signing_region)
    }

    fn send(&self, request: &Request, url: &str, region: &str) -> Result<Attempt, AwsError> {
        let time = signing_time(self.skew.get());
        let signed = sign::sign(
            &SignInput {
                method: request.method,
                url,
                headers: &request.headers,
                payload: Payload::Bytes(&request.body),
                service: request.service,
                region,
                time,
                presign: None,
            },
            &self.credentials,
        )
        .map_err(AwsError::Setup)?;
        let http = self.http()?;
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|e| AwsError::Setup(e.to_string()))?;
        let mut builder = http.request(method, url);
        let headers: Vec<&(String, String)> =
            request.headers.iter().chain(&signed.headers).collect();
        for (k, v) in &headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        if self.settings.debug {
            debug_request(request, url, &headers);
        }
        let response = match builder.send() {
            Ok(r) => r,
            Err(e) => {
                if self.settings.debug {
                    debug_line(&format!("< no response: {}", describe(&e)));
                }
                return Ok(Attempt::NoAnswer {
                    sent: !e.is_connect(),
                    message: describe(&e),
                });
            }
        };
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = match response.bytes() {
            Ok(b) => b.to_vec(),
            Err(e) => {
                return Ok(Attempt::NoAnswer {
                    sent: true,
                    message: format!("reading the response: {}", describe(&e)),
                });
            }
        };
        let response = Response {
            status,
            headers,
            body,
        };
        if self.settings.debug {
            debug_response(&response);
        }
        Ok(Attempt::Answer(response))
    }

    /// Sleeps `rand * 2^(attempt-1)` seconds, capped (botocore's standard backoff).
    fn backoff(&self, attempt: u32) {
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        let random = (x >> 11) as f64 / (1u64 << 53) as f64;
        let base = match self.settings.retry_mode {
            RetryMode::Legacy | RetryMode::Standard | RetryMode::Adaptive => 2f64,
        };
        let delay = (random * base.powi(attempt as i32 - 1)).min(MAX_BACKOFF_SECS);
        std::thread::sleep(Duration::from_secs_f64(delay));
    }
}

fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn signing_time(skew: i64) -> SystemTime {
    let now = SystemTime::now();
    if skew >= 0 {
        now + Duration::from_secs(skew as u64)
    } else {
        now - Duration::from_secs(skew.unsigned_abs())
    }
}

/// A transport error in words: what failed, the innermost cause, the URL.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let mut cause = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = Some(s.to_string());
        source = s.source();
    }
    let cause = cause
        .map(|c| match c.find(" (os error ") {
            Some(i) => c[..i].to_string(),
            None => c,
        })
        .map(|c| format!(": {c}"))
        .unwrap_or_default();
    match e.url() {
        Some(url) => format!("{what} to {}{cause}", url.as_str()),
        None => format!("{what}{cause}"),
    }
}

/// The HTTP client: rustls with ring and the bundled web PKI roots (plus
/// `AWS_CA_BUNDLE`), no automatic redirects, proxies from the environment.
fn build_http(settings: &Settings) -> Result<reqwest::blocking::Client, AwsError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = &settings.ca_bundle {
        let shown = path.display();
        let bytes = std::fs::read(path).map_err(|e| {
            AwsError::Setup(format!(
                "AWS_CA_BUNDLE {shown}: {}",
                crate::cli::os_message(&e)
            ))
        })?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&bytes) {
            let cert = cert.map_err(|e| AwsError::Setup(format!("AWS_CA_BUNDLE {shown}: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| AwsError::Setup(format!("AWS_CA_BUNDLE {shown}: {e}")))?;
            added += 1;
        }
        if added == 0 {
            return Err(AwsError::Setup(format!(
                "AWS_CA_BUNDLE {shown}: no PEM certificates in the file"
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| AwsError::Setup(format!("TLS setup: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.read_timeout)
        .user_agent(concat!("s3-credentials-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AwsError::Setup(format!("HTTP client setup: {e}")))
}

// ---------------------------------------------------------------------------
// --debug output: requests and responses, with every secret redacted.

const REDACTED: &str = "[redacted]";

fn debug_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn debug_request(request: &Request, url: &str, headers: &[&(String, String)]) {
    let mut out = format!("> {} {url}\n", request.method);
    for (k, v) in headers {
        let v = match k.to_ascii_lowercase().as_str() {
            "authorization" => redact_authorization(v),
            "x-amz-security-token" => REDACTED.to_string(),
            _ => v.to_string(),
        };
        out.push_str(&format!("> {k}: {v}\n"));
    }
    if !request.body.is_empty() {
        out.push_str(&format!(
            "> \n> {}\n",
            redact_body(&String::from_utf8_lossy(&request.body))
        ));
    }
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

fn debug_response(response: &Response) {
    let mut out = format!("< {}\n", response.status);
    for (k, v) in &response.headers {
        out.push_str(&format!("< {k}: {v}\n"));
    }
    if !response.body.is_empty() {
        out.push_str(&format!(
            "< \n< {}\n",
            redact_body(&String::from_utf8_lossy(&response.body))
        ));
    }
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
}

/// Keeps the credential scope and signed headers; hides the signature.
fn redact_authorization(value: &str) -> String {
    match value.find("Signature=") {
        Some(i) => format!("{}Signature={REDACTED}", &value[..i]),
        None => REDACTED.to_string(),
    }
}

/// Hides the values of secret XML elements and JSON members in a body.
pub fn redact_body(body: &str) -> String {
    let mut out = body.to_string();
    for name in ["SecretAccessKey", "SessionToken", "Token", "SecretKey"] {
        let open = format!("<{name}>");
        let close = format!("</{name}>");
        let mut from = 0;
        while let Some(start) = out[from..].find(&open).map(|i| from + i + open.len()) {
            let Some(end) = out[start..].find(&close).map(|i| start + i) else {
                break;
            };
            out.replace_range(start..end, REDACTED);
            from = start + REDACTED.len();
        }
        let key = format!("\"{name}\"");
        let mut from = 0;
        while let Some(k) = out[from..].find(&key).map(|i| from + i + key.len()) {
            let rest = &out[k..];
            let Some(colon) = rest.find(':') else { break };
            if !rest[..colon].trim().is_empty() {
                from = k;
                continue;
            }
            let after = k + colon + 1;
            let Some(q1) = out[after..].find('"').map(|i| after + i + 1) else {
                break;
            };
            let Some(q2) = out[q1..].find('"').map(|i| q1 + i) else {
                break;
            };
            out.replace_range(q1..q2, REDACTED);
            from = q1 + REDACTED.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_from_bodies_and_headers() {
        let xml = "<AccessKey><AccessKeyId>AKIA</AccessKeyId><SecretAccessKey>s3cr3t</SecretAccessKey></AccessKey><Credentials><SessionToken>tok</SessionToken></Credentials>";
        let red = redact_body(xml);
        assert!(!red.contains("s3cr3t") && !red.contains("tok<"), "{red}");
        assert!(red.contains("AKIA"));
        let json = r#"{"AccessKeyId": "AKIA", "SecretAccessKey" : "s3cr3t", "Token": "tok"}"#;
        let red = redact_body(json);
        assert!(!red.contains("s3cr3t") && !red.contains("\"tok\""), "{red}");
        let auth = "AWS4-HMAC-SHA256 Credential=AKIA/20261127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=abc123";
        assert_eq!(
            redact_authorization(auth),
            "AWS4-HMAC-SHA256 Credential=AKIA/20261127/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=[redacted]"
        );
    }
}
