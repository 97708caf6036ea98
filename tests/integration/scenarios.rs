//! smithy-rs credential scenarios (fixtures/vectors/chain): each folder's
//! environment and filesystem, with its recorded HTTP traffic replayed through an
//! injected transport. An `Ok` case must give the same keys; an `ErrorContains`
//! case must fail (the wording is the Rust SDK's, so matches are only counted).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::Path;
use std::rc::Rc;

use s3_credentials::aws::request::Response;
use s3_credentials::aws::transport::{Failure, HttpRequest, Transport, TransportError};
use s3_credentials::aws::{self};
use s3_credentials::cli::Connection;
use s3_credentials::env::{Env, Fs};
use s3_credentials::json::{self, Object, Value};

use crate::common::fixtures;

struct Exchange {
    method: String,
    uri: String,
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

/// Answers requests with the recorded exchanges, in order.
struct Replay {
    exchanges: RefCell<VecDeque<Exchange>>,
    mismatches: RefCell<Vec<String>>,
}

impl Transport for Replay {
    fn send(&self, request: &HttpRequest) -> Result<Response, TransportError> {
        let Some(next) = self.exchanges.borrow_mut().pop_front() else {
            return Err(TransportError {
                message: format!(
                    "no recorded response for {} {}",
                    request.method, request.url
                ),
                failure: Failure::Connect,
            });
        };
        if next.method != request.method || normalise(&next.uri) != normalise(&request.url) {
            self.mismatches.borrow_mut().push(format!(
                "sent {} {}, recorded {} {}",
                request.method, request.url, next.method, next.uri
            ));
        }
        Ok(Response {
            status: next.status,
            headers: next.headers,
            body: next.body.into_bytes().into(),
        })
    }
}

/// `scheme://host` and `scheme://host/` are the same request, and query parameter
/// order carries no meaning (the recordings themselves differ on it).
fn normalise(uri: &str) -> String {
    let (base, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut base = base.to_string();
    if let Some((_, rest)) = base.split_once("://")
        && !rest.contains('/')
    {
        base.push('/');
    }
    let mut params: Vec<&str> = query.split('&').filter(|p| !p.is_empty()).collect();
    params.sort_unstable();
    format!("{base}?{}", params.join("&"))
}

fn obj(v: &Value) -> &Object {
    v.as_object().expect("object")
}

fn text(o: &Object, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str_lossy)
}

fn load_traffic(path: &Path) -> VecDeque<Exchange> {
    let doc = json::parse(&std::fs::read_to_string(path).unwrap()).unwrap();
    let Some(Value::Array(events)) = obj(&doc).get("events") else {
        panic!()
    };
    let mut order: Vec<String> = Vec::new();
    let mut by_id: std::collections::HashMap<String, Exchange> = Default::default();
    for event in events {
        let e = obj(event);
        let id = json::to_string_compact(e.get("connection_id").unwrap());
        let action = obj(e.get("action").unwrap());
        let entry = by_id.entry(id.clone()).or_insert_with(|| {
            order.push(id.clone());
            Exchange {
                method: String::new(),
                uri: String::new(),
                status: 0,
                headers: Vec::new(),
                body: String::new(),
            }
        });
        if let Some(req) = action.get("Request") {
            let r = obj(obj(req).get("request").unwrap());
            entry.uri = text(r, "uri").unwrap();
            entry.method = text(r, "method").unwrap_or_else(|| "GET".into());
        } else if let Some(resp) = action.get("Response") {
            let r = obj(obj(obj(resp).get("response").unwrap()).get("Ok").unwrap());
            entry.status = match r.get("status") {
                Some(Value::Int(n)) => n.parse().unwrap(),
                _ => 200,
            };
            if let Some(Value::Object(h)) = r.get("headers") {
                for (k, v) in h.iter() {
                    if let Value::Array(vals) = v {
                        for val in vals {
                            entry
                                .headers
                                .push((k.to_string_lossy(), val.as_str_lossy().unwrap()));
                        }
                    }
                }
            }
        } else if let Some(data) = action.get("Data") {
            let d = obj(data);
            if text(d, "direction").as_deref() == Some("Response") {
                entry
                    .body
                    .push_str(&text(obj(d.get("data").unwrap()), "Utf8").unwrap_or_default());
            }
        }
    }
    order
        .into_iter()
        .map(|id| by_id.remove(&id).unwrap())
        .collect()
}

struct Tally {
    ok: usize,
    errors: usize,
    same_wording: usize,
    skipped: Vec<String>,
}

fn run_folder(folder: &str) -> (Tally, usize) {
    let root = fixtures().join("vectors/chain").join(folder);
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut tally = Tally {
        ok: 0,
        errors: 0,
        same_wording: 0,
        skipped: Vec::new(),
    };
    for name in &names {
        let dir = root.join(name);
        let env_doc =
            std::fs::read_to_string(dir.join("env.json")).map(|t| json::parse(&t).unwrap());
        let env = match &env_doc {
            Ok(v) => Env::from_pairs(
                obj(v)
                    .iter()
                    .map(|(k, v)| (k.to_string_lossy(), v.as_str_lossy().unwrap())),
            ),
            Err(_) => Env::default(),
        };
        if env.get("AWS_USE_FIPS_ENDPOINT").is_some() || name.contains("fips") {
            tally.skipped.push(format!(
                "{name} (FIPS/dual-stack endpoints are not supported)"
            ));
            continue;
        }
        let case =
            json::parse(&std::fs::read_to_string(dir.join("test-case.json")).unwrap()).unwrap();
        let result = obj(obj(&case).get("result").unwrap());
        let replay = Rc::new(Replay {
            exchanges: RefCell::new(load_traffic(&dir.join("http-traffic.json"))),
            mismatches: RefCell::new(Vec::new()),
        });
        let fs = Fs::rooted(dir.join("fs"));
        // The profile-provider folder tests that provider alone: as with --profile,
        // environment keys are then skipped.
        let connection = Connection {
            profile: (folder == "profile-provider")
                .then(|| aws::profile::selected_name(None, &env)),
            ..Connection::default()
        };
        let got = aws::connect_with(connection, &env, &fs, Some(replay.clone()));
        let got = got.map(|c| c.credentials().cloned().unwrap());
        match (got, result.get("Ok"), text(result, "ErrorContains")) {
            (Ok(creds), Some(want), None) => {
                let want = obj(want);
                assert_eq!(
                    Some(creds.access_key_id.clone()),
                    text(want, "access_key_id"),
                    "{folder}/{name}"
                );
                assert_eq!(
                    Some(creds.secret_access_key.clone()),
                    text(want, "secret_access_key"),
                    "{folder}/{name}"
                );
                assert_eq!(
                    creds.session_token,
                    text(want, "session_token"),
                    "{folder}/{name}"
                );
                let mismatches = replay.mismatches.borrow();
                assert!(mismatches.is_empty(), "{folder}/{name}: {mismatches:?}");
                tally.ok += 1;
            }
            (Err(e), None, Some(want)) => {
                if std::env::var_os("SHOW_SCENARIO_ERRORS").is_some() {
                    eprintln!("{folder}/{name}: want {want:?}\n    ours {e:?}");
                }
                tally.errors += 1;
                if format!("{e:?}").contains(&want) {
                    tally.same_wording += 1;
                }
            }
            (got, want, want_err) => {
                panic!("{folder}/{name}: got {got:?}, want {want:?} / {want_err:?}")
            }
        }
    }
    (tally, names.len())
}

fn report(folder: &str) {
    let (t, total) = run_folder(folder);
    eprintln!(
        "{folder}: {} passed ({} with credentials, {} failing as expected, {} of those with the same wording), {} skipped: {:?}, of {total}",
        t.ok + t.errors,
        t.ok,
        t.errors,
        t.same_wording,
        t.skipped.len(),
        t.skipped
    );
    assert_eq!(t.ok + t.errors + t.skipped.len(), total);
}

#[test]
fn default_credential_provider_chain() {
    report("default-credential-provider-chain");
}

#[test]
fn profile_provider() {
    report("profile-provider");
}
