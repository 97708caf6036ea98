//! Provider vectors (smithy-rs): container credential URIs and IMDS endpoints.

use s3_credentials::aws::profile;
use s3_credentials::aws::providers;
use s3_credentials::env::Env;
use s3_credentials::json::{self, Object, Value};

use crate::common::fixtures;

fn load(path: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("vectors").join(path)).unwrap();
    match json::parse(&text).unwrap() {
        Value::Object(o) => match o.get("tests") {
            Some(Value::Array(tests)) => tests.clone(),
            _ => panic!("no tests"),
        },
        _ => panic!("not an object"),
    }
}

fn env_of(o: &Object) -> Env {
    let map = o
        .get("env")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    Env::from_pairs(
        map.iter()
            .map(|(k, v)| (k.to_string_lossy(), v.as_str_lossy().unwrap())),
    )
}

fn expected(o: &Object) -> Result<String, String> {
    let result = o.get("result").unwrap().as_object().unwrap();
    match (
        result.get("Ok"),
        result.get("ErrorContains").or(result.get("Err")),
    ) {
        (Some(ok), _) => Ok(ok.as_str_lossy().unwrap()),
        (_, Some(err)) => Err(err.as_str_lossy().unwrap()),
        _ => panic!("no result"),
    }
}

#[test]
fn container_credential_uris() {
    let tests = load("profiles/ecs-tests.json");
    for test in &tests {
        let t = test.as_object().unwrap();
        let docs = t.get("docs").and_then(Value::as_str_lossy).unwrap();
        let got = providers::container_uri(&env_of(t));
        match (got, expected(t)) {
            (Ok(Some(url)), Ok(want)) => assert_eq!(url, want, "{docs}"),
            // Not configured: the chain moves on (upstream's message for it).
            (Ok(None), Err(want)) => assert!(want.contains("No environment variables"), "{docs}"),
            (Err(e), Err(want)) => assert!(e.contains(&want), "{docs}: {e:?} lacks {want:?}"),
            (got, want) => panic!("{docs}: got {got:?}, want {want:?}"),
        }
    }
    eprintln!("container URIs: {} of {} passed", tests.len(), tests.len());
}

#[test]
fn imds_endpoints() {
    let tests = load("imds/imds-endpoint-tests.json");
    let (mut passed, mut skipped) = (0, 0);
    for test in &tests {
        let t = test.as_object().unwrap();
        let docs = t.get("docs").and_then(Value::as_str_lossy).unwrap();
        if t.get("endpoint_override").is_some() || t.get("mode_override").is_some() {
            // Programmatic client overrides of the Rust SDK; there is no such option here.
            skipped += 1;
            continue;
        }
        let env = env_of(t);
        let files = t
            .get("fs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let config = env
            .get("AWS_CONFIG_FILE")
            .and_then(|name| files.get(name))
            .and_then(Value::as_str_lossy);
        let set = profile::load(config.as_deref().map(|c| ("config", c)), None).unwrap();
        let got = providers::imds_endpoint(
            &env,
            set.get("default", "ec2_metadata_service_endpoint"),
            set.get("default", "ec2_metadata_service_endpoint_mode"),
        )
        .map(|base| format!("{base}/latest/api/token"));
        match (got, expected(t)) {
            (Ok(url), Ok(want)) => assert_eq!(url, want, "{docs}"),
            (Err(e), Err(want)) => assert!(e.contains(&want), "{docs}: {e:?} lacks {want:?}"),
            (got, want) => panic!("{docs}: got {got:?}, want {want:?}"),
        }
        passed += 1;
    }
    eprintln!(
        "IMDS endpoints: {passed} passed, {skipped} skipped (client overrides), of {}",
        tests.len()
    );
}
