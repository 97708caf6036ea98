//! The credential chain end to end: the real binary, moto with signature checking
//! on, one IAM user per source, and `whoami` naming the user that won. Metadata
//! and container endpoints are served by the test on 127.0.0.1.

use std::path::Path;
use std::process::Command;

use crate::common::{BIN, HERMETIC_ENV, TempDir};
use crate::fake::{Canned, FakeServer, Recorded, canned};
use crate::moto::{Keys, moto};

fn user(name: &str) -> Keys {
    moto().users[name].clone()
}

/// Runs `whoami` against moto; `Ok(arn)` or `Err(stderr)`.
fn whoami(args: &[&str], env: &[(&str, &str)]) -> Result<String, String> {
    let dir = TempDir::new("chain");
    let mut command = Command::new(BIN);
    command
        .arg("whoami")
        .args(args)
        .current_dir(&dir.0)
        .env_clear()
        .envs(HERMETIC_ENV.iter().copied())
        .env("AWS_ENDPOINT_URL", &moto().url)
        .envs(env.iter().copied());
    let out = command.output().expect("run");
    if out.status.code() != Some(0) {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let arn = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"Arn\": \""))
        .and_then(|a| a.strip_suffix('"'))
        .expect("an Arn line");
    Ok(arn.to_string())
}

fn arn_of(user: &str) -> Result<String, String> {
    Ok(format!("arn:aws:iam::123456789012:user/{user}"))
}

fn keys_ini(section: &str, k: &Keys) -> String {
    format!(
        "[{section}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        k.id, k.secret
    )
}

/// A home directory with `.aws/config` and `.aws/credentials`.
fn home(config: &str, credentials: &str) -> TempDir {
    let dir = TempDir::new("home");
    std::fs::create_dir_all(dir.0.join(".aws")).unwrap();
    std::fs::write(dir.0.join(".aws/config"), config).unwrap();
    std::fs::write(dir.0.join(".aws/credentials"), credentials).unwrap();
    dir
}

fn home_env(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("HOME", dir.display().to_string()),
        ("AWS_CONFIG_FILE", String::new()),
        ("AWS_SHARED_CREDENTIALS_FILE", String::new()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn environment_keys() {
    let k = user("env-user");
    let env = [
        ("AWS_ACCESS_KEY_ID", k.id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", k.secret.as_str()),
    ];
    assert_eq!(whoami(&[], &env), arn_of("env-user"));
}

#[test]
fn the_default_profile_from_the_credentials_file() {
    let h = home("", &keys_ini("default", &user("default-user")));
    assert_eq!(whoami(&[], &refs(&home_env(&h.0))), arn_of("default-user"));
}

#[test]
fn aws_profile_selects_a_profile() {
    let creds =
        keys_ini("default", &user("default-user")) + &keys_ini("named", &user("named-user"));
    let h = home("", &creds);
    let mut env = home_env(&h.0);
    env.push(("AWS_PROFILE", "named".into()));
    assert_eq!(whoami(&[], &refs(&env)), arn_of("named-user"));
}

#[test]
fn an_explicit_profile_beats_environment_keys() {
    let h = home("", &keys_ini("named", &user("named-user")));
    let k = user("env-user");
    let mut env = home_env(&h.0);
    env.push(("AWS_ACCESS_KEY_ID", k.id.clone()));
    env.push(("AWS_SECRET_ACCESS_KEY", k.secret.clone()));
    assert_eq!(
        whoami(&["--profile", "named"], &refs(&env)),
        arn_of("named-user")
    );
    // Without --profile the environment keys come first.
    env.push(("AWS_PROFILE", "named".into()));
    assert_eq!(whoami(&[], &refs(&env)), arn_of("env-user"));
}

#[test]
fn a_profile_in_the_config_file() {
    let k = user("config-user");
    let config = format!(
        "[profile cfg]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        k.id, k.secret
    );
    let h = home(&config, "");
    assert_eq!(
        whoami(&["--profile", "cfg"], &refs(&home_env(&h.0))),
        arn_of("config-user")
    );
}

#[test]
fn a_missing_explicit_profile_is_an_error() {
    let h = home("", "");
    let err = whoami(&["--profile", "nope"], &refs(&home_env(&h.0))).unwrap_err();
    assert_eq!(err, "Error: The config profile (nope) could not be found\n");
}

#[test]
fn credential_process() {
    let k = user("process-user");
    let h = home("", "");
    let json_path = h.0.join("creds.json");
    std::fs::write(
        &json_path,
        format!(
            r#"{{"Version": 1, "AccessKeyId": "{}", "SecretAccessKey": "{}"}}"#,
            k.id, k.secret
        ),
    )
    .unwrap();
    let config = format!(
        "[profile proc]\ncredential_process = cat '{}'\n",
        json_path.display()
    );
    std::fs::write(h.0.join(".aws/config"), config).unwrap();
    assert_eq!(
        whoami(&["--profile", "proc"], &refs(&home_env(&h.0))),
        arn_of("process-user")
    );
    let failing = "[profile bad]\ncredential_process = sh -c 'echo token expired >&2; exit 3'\n";
    std::fs::write(h.0.join(".aws/config"), failing).unwrap();
    let err = whoami(&["--profile", "bad"], &refs(&home_env(&h.0))).unwrap_err();
    assert!(
        err.starts_with("Error: credential_process") && err.contains("token expired"),
        "{err}"
    );
}

#[test]
fn an_assume_role_profile_with_a_source_profile() {
    let config = "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/chain-role\nsource_profile = base\nrole_session_name = e2e-session\n";
    let h = home(config, &keys_ini("base", &user("source-user")));
    assert_eq!(
        whoami(&["--profile", "role"], &refs(&home_env(&h.0))),
        Ok("arn:aws:sts::123456789012:assumed-role/chain-role/e2e-session".into())
    );
}

fn credentials_xml(action: &str, k: &Keys) -> String {
    format!(
        "<{action}Response><{action}Result><Credentials><AccessKeyId>{}</AccessKeyId><SecretAccessKey>{}</SecretAccessKey><SessionToken></SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials></{action}Result></{action}Response>",
        k.id, k.secret
    )
}

fn forward(request: &Recorded) -> Canned {
    crate::fake::forward(&moto().url, request)
}

#[test]
fn web_identity_from_the_environment() {
    // moto cannot answer an unsigned AssumeRoleWithWebIdentity with auth on, so the
    // test answers that call and forwards everything else (whoami) to moto.
    let k = user("webid-user");
    let sts = FakeServer::with_handler(2, move |request| {
        let body = String::from_utf8_lossy(&request.body);
        if body.contains("Action=AssumeRoleWithWebIdentity") {
            assert!(
                request.header("authorization").is_none(),
                "web identity calls are unsigned"
            );
            assert!(body.contains("WebIdentityToken=token-from-file"), "{body}");
            assert!(body.contains("RoleSessionName=ci-session"), "{body}");
            canned(200, &credentials_xml("AssumeRoleWithWebIdentity", &k))
        } else {
            forward(request)
        }
    });
    let dir = TempDir::new("webid");
    let token = dir.0.join("token");
    std::fs::write(&token, "token-from-file\n").unwrap();
    let env = [
        ("AWS_ENDPOINT_URL", sts.url.as_str()),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.to_str().unwrap()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/chain-role"),
        ("AWS_ROLE_SESSION_NAME", "ci-session"),
    ];
    assert_eq!(whoami(&[], &env), arn_of("webid-user"));
    assert_eq!(sts.recorded().len(), 2);
}

fn creds_json(k: &Keys) -> String {
    format!(
        r#"{{"AccessKeyId": "{}", "SecretAccessKey": "{}", "Token": "", "Expiration": "2099-01-01T00:00:00Z", "Code": "Success"}}"#,
        k.id, k.secret
    )
}

#[test]
fn container_credentials() {
    let k = user("container-user");
    let server = FakeServer::with_handler(1, move |request| {
        assert_eq!(request.path, "/v1/credentials");
        assert_eq!(request.header("authorization"), Some("secret-token"));
        canned(200, &creds_json(&k))
    });
    let dir = TempDir::new("container");
    let token = dir.0.join("token");
    std::fs::write(&token, "secret-token\n").unwrap();
    let uri = format!("{}/v1/credentials", server.url);
    let env = [
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
        (
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            token.to_str().unwrap(),
        ),
    ];
    assert_eq!(whoami(&[], &env), arn_of("container-user"));
}

fn imds_server(k: Keys, limit: usize) -> FakeServer {
    FakeServer::with_handler(limit, move |request| {
        match (request.method.as_str(), request.path.as_str()) {
            ("PUT", "/latest/api/token") => {
                assert_eq!(
                    request.header("x-aws-ec2-metadata-token-ttl-seconds"),
                    Some("21600")
                );
                canned(200, "imds-token")
            }
            ("GET", path) => {
                assert_eq!(
                    request.header("x-aws-ec2-metadata-token"),
                    Some("imds-token"),
                    "IMDSv2 token sent"
                );
                match path {
                    "/latest/meta-data/iam/security-credentials/" => canned(200, "instance-role"),
                    "/latest/meta-data/iam/security-credentials/instance-role" => {
                        canned(200, &creds_json(&k))
                    }
                    _ => canned(404, ""),
                }
            }
            _ => canned(405, ""),
        }
    })
}

#[test]
fn instance_metadata_v2() {
    let server = imds_server(user("imds-user"), 3);
    let env = [
        ("AWS_EC2_METADATA_DISABLED", ""),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str()),
    ];
    assert_eq!(whoami(&[], &env), arn_of("imds-user"));
    let paths: Vec<String> = server
        .recorded()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        paths,
        [
            "PUT /latest/api/token",
            "GET /latest/meta-data/iam/security-credentials/",
            "GET /latest/meta-data/iam/security-credentials/instance-role"
        ]
    );
}

#[test]
fn environment_keys_mean_metadata_is_never_contacted() {
    let server = imds_server(user("imds-user"), 3);
    let k = user("env-user");
    let env = [
        ("AWS_EC2_METADATA_DISABLED", ""),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url.as_str()),
        ("AWS_ACCESS_KEY_ID", k.id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", k.secret.as_str()),
    ];
    assert_eq!(whoami(&[], &env), arn_of("env-user"));
    assert!(server.recorded().is_empty(), "IMDS was contacted");
}
