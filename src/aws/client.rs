//! The only place that talks to AWS: resolve the endpoint, sign, send, retry, follow
//! S3 region redirects, correct clock skew, parse.
//!
//! Retries follow botocore's standard mode: up to `max_attempts` tries, jittered
//! exponential backoff (`rand * 2^(n-1)` seconds, at most 20), for throttling
//! errors, transient errors, 5xx answers and unparseable 2xx bodies. A
//! non-idempotent call is retried only when the request certainly did not reach the
//! service; `create` reconciles those itself.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::config::Settings;
use super::credentials::Credentials;
use super::endpoint::{self, Endpoint, Service};
use super::error::{AwsError, ServiceError};
use super::request::{Action, Request, Response, percent_encode};
use super::sign::{self, Payload, SignInput};
use super::timestamp;
use super::transport::{Failure, HttpRequest, HttpTransport, Transport};

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
    /// `None`: requests go unsigned (AssumeRoleWithWebIdentity).
    credentials: Option<Credentials>,
    transport: Rc<dyn Transport>,
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

/// A client's settings, credentials and learned state, to rebuild it on another thread.
#[derive(Debug, Clone)]
pub struct ClientSeed {
    settings: Settings,
    credentials: Option<Credentials>,
    skew: i64,
    bucket_regions: HashMap<String, String>,
}

impl ClientSeed {
    /// A client over its own HTTP transport.
    pub fn build(self) -> Client {
        let transport = Rc::new(HttpTransport::new(
            self.settings.ca_bundle.clone(),
            self.settings.connect_timeout,
            self.settings.read_timeout,
        ));
        let client = Client::with_transport(self.settings, self.credentials, transport);
        client.skew.set(self.skew);
        *client.bucket_regions.borrow_mut() = self.bucket_regions;
        client
    }
}

/// What one attempt produced.
enum Attempt {
    Answer(Response),
    NoAnswer { message: String, sent: bool },
}

impl Client {
    /// A client over the real HTTP transport.
    pub fn new(settings: Settings, credentials: Credentials) -> Client {
        let transport = Rc::new(HttpTransport::new(
            settings.ca_bundle.clone(),
            settings.connect_timeout,
            settings.read_timeout,
        ));
        Client::with_transport(settings, Some(credentials), transport)
    }

    /// A client over any transport; without credentials requests are not signed.
    pub fn with_transport(
        settings: Settings,
        credentials: Option<Credentials>,
        transport: Rc<dyn Transport>,
    ) -> Client {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            ^ (u64::from(std::process::id()) << 32);
        Client {
            settings,
            credentials,
            transport,
            skew: Cell::new(0),
            bucket_regions: RefCell::new(HashMap::new()),
            rng: Cell::new(seed | 1),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The credentials requests are signed with.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// Sends this bucket's requests to `region` from now on (a bucket being created there).
    pub fn set_bucket_region(&self, bucket: &str, region: &str) {
        self.bucket_regions
            .borrow_mut()
            .insert(bucket.to_string(), region.to_string());
    }

    /// The region a bucket's requests go to (after any redirect seen this run).
    pub fn bucket_region(&self, bucket: &str) -> String {
        self.bucket_regions
            .borrow()
            .get(bucket)
            .cloned()
            .unwrap_or_else(|| self.settings.region.clone())
    }

    /// What another thread needs to build an equivalent client (parallel transfers).
    pub fn seed(&self) -> ClientSeed {
        ClientSeed {
            settings: self.settings.clone(),
            credentials: self.credentials.clone(),
            skew: self.skew.get(),
            bucket_regions: self.bucket_regions.borrow().clone(),
        }
    }

    pub fn transport(&self) -> Rc<dyn Transport> {
        Rc::clone(&self.transport)
    }

    /// Performs one API call.
    pub fn call<A: Action>(&self, action: &A) -> Result<A::Output, AwsError> {
        let request = action.request();
        let operation = request.operation;
        if let Some(key) = &request.key
            && key
                .split('/')
                .any(|segment| segment == "." || segment == "..")
        {
            // URL parsers fold dot segments (even percent-encoded ones), so the
            // request would not be the one that was signed.
            return Err(AwsError::Setup(format!(
                "The key {key} has a '.' or '..' path segment, which HTTP clients rewrite; such keys are not supported"
            )));
        }
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
                match action.parse(response) {
                    Ok(output) => return Ok(output),
                    // A cut or garbled body: the call itself succeeded, so only a
                    // call that is safe to repeat is sent again.
                    Err(_) if request.idempotent && attempt < self.settings.max_attempts => {
                        self.backoff(attempt);
                        attempt += 1;
                        continue;
                    }
                    Err(message) => return Err(AwsError::Response { operation, message }),
                }
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

    /// A presigned URL for the request, valid `expires` from now: the signature and
    /// the session token travel in the query string. Nothing is sent.
    pub fn presign(&self, request: &Request, expires: Duration) -> Result<String, AwsError> {
        let credentials = self
            .credentials
            .as_ref()
            .ok_or_else(|| AwsError::Setup("presigning needs credentials".into()))?;
        let (url, region) = self.url(request);
        let signed = sign::sign(
            &SignInput {
                method: request.method,
                url: &url,
                headers: &[],
                payload: Payload::Unsigned,
                service: request.service,
                region: &region,
                time: signing_time(self.skew.get()),
                presign: Some(expires),
            },
            credentials,
        )
        .map_err(AwsError::Setup)?;
        let mut out = url;
        for (k, v) in &signed.query {
            out.push(if out.contains('?') { '&' } else { '?' });
            out.push_str(&percent_encode(k, false));
            out.push('=');
            out.push_str(&percent_encode(v, false));
        }
        Ok(out)
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
        let mut headers = request.headers.clone();
        if let Some(credentials) = &self.credentials {
            let signed = sign::sign(
                &SignInput {
                    method: request.method,
                    url,
                    headers: &request.headers,
                    payload: Payload::Bytes(&request.body),
                    service: request.service,
                    region,
                    time: signing_time(self.skew.get()),
                    presign: None,
                },
                credentials,
            )
            .map_err(AwsError::Setup)?;
            headers.extend(signed.headers);
        }
        let http = HttpRequest {
            method: request.method.to_string(),
            url: url.to_string(),
            headers,
            body: request.body.clone(),
            timeout: None,
        };
        if self.settings.debug {
            debug_request(&http);
        }
        match self.transport.send(&http) {
            Ok(response) => {
                if self.settings.debug {
                    debug_response(&response);
                }
                Ok(Attempt::Answer(response))
            }
            Err(e) if e.failure == Failure::Setup => Err(AwsError::Setup(e.message)),
            Err(e) => {
                if self.settings.debug {
                    debug_line(&format!("< no response: {}", e.message));
                }
                Ok(Attempt::NoAnswer {
                    sent: e.failure == Failure::Exchange,
                    message: e.message,
                })
            }
        }
    }

    /// Sleeps `rand * 2^(attempt-1)` seconds, capped (botocore's standard backoff).
    fn backoff(&self, attempt: u32) {
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng.set(x);
        let random = (x >> 11) as f64 / (1u64 << 53) as f64;
        // botocore's legacy and standard modes share this formula; adaptive mode's
        // client-side rate limiting has no effect on a single short-lived process.
        let delay = (random * 2f64.powi(attempt as i32 - 1)).min(MAX_BACKOFF_SECS);
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

// ---------------------------------------------------------------------------
// --debug output: requests and responses, with every secret redacted.

const REDACTED: &str = "[redacted]";

fn debug_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn debug_request(request: &HttpRequest) {
    let mut out = format!("> {} {}\n", request.method, request.url);
    for (k, v) in &request.headers {
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
    // Form bodies: the web identity token is a bearer secret.
    let mut from = 0;
    while let Some(start) = out[from..]
        .find("WebIdentityToken=")
        .map(|i| from + i + "WebIdentityToken=".len())
    {
        let end = out[start..].find('&').map_or(out.len(), |i| start + i);
        out.replace_range(start..end, REDACTED);
        from = start + REDACTED.len();
    }
    for name in [
        "SecretAccessKey",
        "SessionToken",
        "Token",
        "SecretKey",
        "secretAccessKey",
        "sessionToken",
        "accessToken",
    ] {
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
        let form =
            "Action=AssumeRoleWithWebIdentity&WebIdentityToken=eyJ.secret.jwt&Version=2011-06-15";
        assert_eq!(
            redact_body(form),
            "Action=AssumeRoleWithWebIdentity&WebIdentityToken=[redacted]&Version=2011-06-15"
        );
        let sso = r#"{"roleCredentials": {"accessKeyId": "AKIA", "secretAccessKey": "s3cr3t", "sessionToken": "tok"}}"#;
        let red = redact_body(sso);
        assert!(!red.contains("s3cr3t") && !red.contains("\"tok\""), "{red}");
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
