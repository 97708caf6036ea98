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

/// A value with object keys sorted, as comparable text.
fn canonical(v: &Value) -> String {
    match v {
        Value::Object(o) => {
            let mut members: Vec<(String, String)> = o
                .iter()
                .map(|(k, v)| (k.to_string_lossy(), canonical(v)))
                .collect();
            members.sort();
            let inner: Vec<String> = members.iter().map(|(k, v)| format!("{k:?}: {v}")).collect();
            format!("{{{}}}", inner.join(", "))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(", ")
        ),
        other => json::to_string_compact(other),
    }
}

fn chain_as_json(chain: &profile_chain::Chain) -> Value {
    use profile_chain::Base;
    let opt = |o: Object, k: &str, v: &Option<String>| match v {
        Some(v) => o.with(k, v.as_str()),
        None => o,
    };
    let base = match &chain.base {
        Base::AccessKey {
            access_key_id,
            secret_access_key,
            account_id,
            ..
        } => Object::new().with(
            "AccessKey",
            opt(
                Object::new()
                    .with("access_key_id", access_key_id.as_str())
                    .with("secret_access_key", secret_access_key.as_str()),
                "account_id",
                account_id,
            ),
        ),
        Base::NamedSource(s) => Object::new().with("NamedSource", s.as_str()),
        Base::WebIdentityToken {
            role_arn,
            token_file,
            session_name,
        } => Object::new().with(
            "WebIdentityToken",
            opt(
                Object::new()
                    .with("role_arn", role_arn.as_str())
                    .with("web_identity_token_file", token_file.as_str()),
                "role_session_name",
                session_name,
            ),
        ),
        Base::Sso {
            account_id,
            role_name,
            region,
            start_url,
            session_name,
        } => {
            let o = Object::new()
                .with("sso_region", region.as_str())
                .with("sso_start_url", start_url.as_str());
            let o = opt(o, "sso_account_id", account_id);
            let o = opt(o, "sso_role_name", role_name);
            Object::new().with("Sso", opt(o, "sso_session", session_name))
        }
        Base::CredentialProcess(c) => Object::new().with("CredentialProcess", c.as_str()),
    };
    let mut steps = vec![Value::Object(base)];
    for r in &chain.roles {
        let o = Object::new().with("role_arn", r.role_arn.as_str());
        let o = opt(o, "external_id", &r.external_id);
        let o = opt(o, "role_session_name", &r.session_name);
        steps.push(Object::new().with("AssumeRole", o).into());
    }
    Value::Array(steps)
}

use s3_credentials::aws::profile::ProfileSet;
use s3_credentials::aws::profile_chain;

#[test]
fn assume_role_chain_suite() {
    let doc = load("assume-role-tests.json");
    let Value::Array(tests) = doc else { panic!() };
    let mut passed = 0;
    for test in &tests {
        let t = test.as_object().unwrap();
        let docs = text(t, "docs").unwrap();
        let input = t.get("input").unwrap().as_object().unwrap();
        let set = ProfileSet {
            profiles: to_map(input.get("profiles")),
            sso_sessions: to_map(input.get("sso_sessions")),
            other: HashMap::new(),
        };
        let selected = text(input, "selected_profile").unwrap();
        let output = t.get("output").unwrap().as_object().unwrap();
        match (
            profile_chain::resolve(&set, &selected),
            output.get("ProfileChain"),
            text(output, "Error"),
        ) {
            (Ok(chain), Some(want), None) => {
                assert_eq!(canonical(&chain_as_json(&chain)), canonical(want), "{docs}")
            }
            (Err(e), None, Some(want)) => {
                assert!(e.contains(&want), "{docs}: {e:?} lacks {want:?}")
            }
            (got, want, want_err) => panic!("{docs}: got {got:?}, want {want:?} / {want_err:?}"),
        }
        passed += 1;
    }
    eprintln!("assume-role chains: {passed} of {} passed", tests.len());
    assert_eq!(passed, tests.len());
}
