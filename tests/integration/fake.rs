//! A scripted HTTP server for what moto cannot do: fault injection and exact
//! request sequences. It answers a queue of canned responses and records requests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Canned {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

pub fn canned(status: u16, body: &str) -> Canned {
    Canned {
        status,
        headers: Vec::new(),
        body: body.to_string(),
    }
}

pub struct FakeServer {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    _thread: JoinHandle<()>,
}

impl FakeServer {
    /// Serves `responses` in order, one per connection, then stops accepting.
    pub fn start(responses: Vec<Canned>) -> FakeServer {
        let queue = Mutex::new(responses.into_iter());
        let count = queue.lock().unwrap().len();
        FakeServer::with_handler(count, move |_| {
            queue.lock().unwrap().next().expect("a canned response")
        })
    }

    /// Answers up to `limit` requests with `handler`.
    pub fn with_handler(
        limit: usize,
        handler: impl Fn(&Recorded) -> Canned + Send + 'static,
    ) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            for _ in 0..limit {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let method = request.method.clone();
                let response = handler(&request);
                seen.lock().unwrap().push(request);
                let mut out = stream;
                // A canned Content-Length wins (a larger one simulates a cut connection).
                let declared = response
                    .headers
                    .iter()
                    .any(|(k, _)| k.eq_ignore_ascii_case("content-length"));
                let mut text = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", response.status);
                if !declared {
                    let len = if method == "HEAD" {
                        0
                    } else {
                        response.body.len()
                    };
                    text.push_str(&format!("Content-Length: {len}\r\n"));
                }
                for (k, v) in &response.headers {
                    text.push_str(&format!("{k}: {v}\r\n"));
                }
                text.push_str("\r\n");
                if method != "HEAD" {
                    text.push_str(&response.body);
                }
                let _ = out.write_all(text.as_bytes());
            }
        });
        FakeServer {
            url,
            requests,
            _thread: thread,
        }
    }

    /// Forwards up to `limit` requests to `target` unchanged, recording them.
    pub fn forwarding(limit: usize, target: &str) -> FakeServer {
        let target = target.to_string();
        FakeServer::with_handler(limit, move |request| forward(&target, request))
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

/// Reads one HTTP/1.1 request (Content-Length framed) from a connection.
pub fn read_request(stream: &std::net::TcpStream) -> Option<Recorded> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded {
        method,
        path,
        headers,
        body,
    })
}

/// Sends a recorded request on to `target` unchanged and returns its answer.
pub fn forward(target: &str, request: &Recorded) -> Canned {
    let client = reqwest::blocking::Client::new();
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).unwrap();
    let mut builder = client.request(method, format!("{target}{}", request.path));
    for (k, v) in &request.headers {
        if !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("connection") {
            builder = builder.header(k.as_str(), v.as_str());
        }
    }
    let response = builder.body(request.body.clone()).send().expect("forward");
    // Pass through the headers clients read (ETag, x-amz-*), not the framing ones.
    let headers = response
        .headers()
        .iter()
        .filter(|(k, _)| k.as_str() == "etag" || k.as_str().starts_with("x-amz-"))
        .map(|(k, v)| {
            let name: &'static str = Box::leak(k.as_str().to_string().into_boxed_str());
            (name, String::from_utf8_lossy(v.as_bytes()).into_owned())
        })
        .collect();
    Canned {
        status: response.status().as_u16(),
        headers,
        body: response.text().unwrap_or_default(),
    }
}
