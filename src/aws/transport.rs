//! The HTTP seam: one request in, one response out. The real transport is reqwest
//! (rustls with ring and the bundled roots, plus `AWS_CA_BUNDLE`, no redirects,
//! proxies from the environment); tests substitute recorded traffic.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::request::Response;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
    /// A shorter limit for this request (metadata services).
    pub timeout: Option<Duration>,
}

impl HttpRequest {
    pub fn get(url: &str) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            url: url.into(),
            headers: Vec::new(),
            body: bytes::Bytes::new(),
            timeout: None,
        }
    }
}

/// Why there was no response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The transport could not be set up (bad CA bundle): nothing to retry.
    Setup,
    /// The connection failed: the request never reached the server.
    Connect,
    /// The request may have reached the server (timeout, reset, truncated reply).
    Exchange,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub message: String,
    pub failure: Failure,
}

pub trait Transport {
    fn send(&self, request: &HttpRequest) -> Result<Response, TransportError>;
}

/// reqwest, built on first use.
pub struct HttpTransport {
    ca_bundle: Option<PathBuf>,
    connect_timeout: Duration,
    read_timeout: Duration,
    client: OnceCell<reqwest::blocking::Client>,
}

impl HttpTransport {
    pub fn new(
        ca_bundle: Option<PathBuf>,
        connect_timeout: Duration,
        read_timeout: Duration,
    ) -> Self {
        HttpTransport {
            ca_bundle,
            connect_timeout,
            read_timeout,
            client: OnceCell::new(),
        }
    }

    fn client(&self) -> Result<&reqwest::blocking::Client, TransportError> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let built = build(self).map_err(|message| TransportError {
            message,
            failure: Failure::Setup,
        })?;
        Ok(self.client.get_or_init(|| built))
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: &HttpRequest) -> Result<Response, TransportError> {
        let client = self.client()?;
        let method =
            reqwest::Method::from_bytes(request.method.as_bytes()).map_err(|e| TransportError {
                message: e.to_string(),
                failure: Failure::Setup,
            })?;
        let mut builder = client.request(method, &request.url);
        for (k, v) in &request.headers {
            builder = builder.header(k.as_str(), v.as_str());
        }
        if !request.body.is_empty() {
            builder = builder.body(request.body.clone());
        }
        if let Some(t) = request.timeout {
            builder = builder.timeout(t);
        }
        let mut response = builder.send().map_err(|e| {
            let message = describe(&e);
            if message.contains("invalid peer certificate") {
                // Retrying cannot help; say what can.
                return TransportError {
                    message: format!(
                        "{message} (the server's certificate is not trusted: set AWS_CA_BUNDLE to a PEM file with the CA that signed it)"
                    ),
                    failure: Failure::Setup,
                };
            }
            TransportError {
                failure: if e.is_connect() {
                    Failure::Connect
                } else {
                    Failure::Exchange
                },
                message,
            }
        })?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        // Read into a buffer sized from Content-Length: no growth by doubling, so a
        // part in flight costs its own size and no more.
        let expected = response.content_length().unwrap_or(0).min(1 << 30) as usize;
        let mut body = Vec::with_capacity(expected);
        std::io::Read::read_to_end(&mut response, &mut body).map_err(|e| TransportError {
            failure: Failure::Exchange,
            message: format!("reading the response from {}: {e}", request.url),
        })?;
        let body = bytes::Bytes::from(body);
        Ok(Response {
            status,
            headers,
            body,
        })
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

fn build(t: &HttpTransport) -> Result<reqwest::blocking::Client, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = &t.ca_bundle {
        let shown = path.display();
        let bytes = std::fs::read(path)
            .map_err(|e| format!("AWS_CA_BUNDLE {shown}: {}", crate::cli::os_message(&e)))?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&bytes) {
            let cert = cert.map_err(|e| format!("AWS_CA_BUNDLE {shown}: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("AWS_CA_BUNDLE {shown}: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err(format!(
                "AWS_CA_BUNDLE {shown}: no PEM certificates in the file"
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(t.connect_timeout)
        .timeout(t.read_timeout)
        .user_agent(concat!("s3-credentials-rs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("HTTP client setup: {e}"))
}
