//! The shared config file vectors (smithy-rs): parser cases and file locations.

use s3_credentials::aws::profile::{self, Properties};
use s3_credentials::env::Env;
use s3_credentials::json::{self, Object, Value};
use std::collections::HashMap;

use crate::common::fixtures;

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join("vectors/profiles").join(name)).unwrap();
    json::parse(&text).unwrap()
}

fn to_map(o: Option<&Value>) -> HashMap<String, Properties> {
    let mut out = HashMap::new();
    if let Some(Value::Object(sections)) = o {
        for (name, props) in sections.iter() {
            let props = props
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.to_string_lossy(), v.as_str_lossy().unwrap()))
                .collect();
            out.insert(name.to_string_lossy(), props);
        }
    }
    out
}

fn text(o: &Object, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str_lossy)
}

#[test]
fn profile_parser_suite() {
    let doc = load("profile-parser-tests.json");
    let Some(Value::Array(tests)) = doc.as_object().unwrap().get("tests") else {
        panic!()
    };
    let mut passed = 0;
    for test in tests {
        let t = test.as_object().unwrap();
        let name = text(t, "name").unwrap();
        let input = t.get("input").unwrap().as_object().unwrap();
        let config = text(input, "configFile");
        let credentials = text(input, "credentialsFile");
        let got = profile::load(
            config.as_deref().map(|c| ("config", c)),
            credentials.as_deref().map(|c| ("credentials", c)),
        );
        let output = t.get("output").unwrap().as_object().unwrap();
        match (got, text(output, "errorContaining")) {
            (Err(e), Some(want)) => assert!(e.contains(&want), "{name}: {e:?} lacks {want:?}"),
            (Ok(set), None) => {
                let expected = output.get("config").unwrap().as_object().unwrap();
                assert_eq!(set.profiles, to_map(expected.get("profiles")), "{name}");
                if expected.get("sso_sessions").is_some() {
                    assert_eq!(
                        set.sso_sessions,
                        to_map(expected.get("sso_sessions")),
                        "{name}"
                    );
                }
            }
            (got, want) => panic!("{name}: got {got:?}, wanted error {want:?}"),
        }
        passed += 1;
    }
    eprintln!("profile parser: {passed} of {} passed", tests.len());
    assert_eq!(passed, tests.len());
}

#[test]
fn file_location_suite() {
    let doc = load("file-location-tests.json");
    let Some(Value::Array(tests)) = doc.as_object().unwrap().get("tests") else {
        panic!()
    };
    let (mut passed, mut skipped) = (0, 0);
    for test in tests {
        let t = test.as_object().unwrap();
        let name = text(t, "name").unwrap();
        if text(t, "platform").as_deref() == Some("windows") {
            skipped += 1;
            continue;
        }
        let env_obj = t.get("environment").unwrap().as_object().unwrap();
        let env = Env::from_pairs(
            env_obj
                .iter()
                .map(|(k, v)| (k.to_string_lossy(), v.as_str_lossy().unwrap())),
        );
        let (config, credentials) = profile::locations(&env);
        assert_eq!(config, text(t, "configLocation"), "{name}");
        assert_eq!(credentials, text(t, "credentialsLocation"), "{name}");
        if let Some(want) = text(t, "profile") {
            assert_eq!(profile::selected_name(None, &env), want, "{name}");
        }
        passed += 1;
    }
    eprintln!(
        "file locations: {passed} passed, {skipped} skipped (Windows), of {}",
        tests.len()
    );
    assert_eq!(passed + skipped, tests.len());
}
