//! Credential providers beyond static keys: roles (STS AssumeRole), web identity,
//! `credential_process`, SSO, container credentials (ECS, EKS Pod Identity) and
//! EC2 instance metadata (IMDSv2 with the v1 fallback).
//!
//! Each takes the environment, the filesystem view and a transport explicitly,
//! so the scenario vectors can replay recorded traffic.

use std::rc::Rc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::client::Client;
use super::config::Settings;
use super::credentials::Credentials;
use super::profile_chain::Role;
use super::sts;
use super::timestamp;
use super::transport::{HttpRequest, Transport};
use crate::env::{Env, Fs};
use crate::json::{self, Value};

/// What the providers read and talk to.
pub struct Host<'a> {
    pub env: &'a Env,
    pub fs: &'a Fs,
    pub transport: Rc<dyn Transport>,
    pub settings: &'a Settings,
}

impl Host<'_> {
    /// An STS client for `region` with `credentials` (or unsigned).
    fn sts(&self, credentials: Option<Credentials>) -> Client {
        Client::with_transport(
            self.settings.clone(),
            credentials,
            Rc::clone(&self.transport),
        )
    }
}

fn session_name_default() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!("s3-credentials-{secs}")
}

/// `role_arn` with a source: STS AssumeRole signed with `base`.
pub fn assume_role(host: &Host, base: Credentials, role: &Role) -> Result<Credentials, String> {
    let duration_seconds = match &role.duration_seconds {
        Some(d) => Some(d.trim().parse::<u32>().map_err(|_| {
            format!(
                "duration_seconds {d:?} for role {} is not a number",
                role.role_arn
            )
        })?),
        None => None,
    };
    let action = sts::AssumeRole {
        role_arn: role.role_arn.clone(),
        session_name: role
            .session_name
            .clone()
            .unwrap_or_else(session_name_default),
        policy: None,
        duration_seconds,
        external_id: role.external_id.clone(),
    };
    host.sts(Some(base))
        .call(&action)
        .map(|t| t.credentials)
        .map_err(|e| format!("assuming role {}: {e}", role.role_arn))
}

/// A web identity token file and a role: STS AssumeRoleWithWebIdentity (unsigned).
/// The token is read again on every call.
pub fn web_identity(
    host: &Host,
    role_arn: &str,
    token_file: &str,
    session_name: Option<&str>,
) -> Result<Credentials, String> {
    let token = host.fs.read_to_string(token_file).map_err(|e| {
        format!(
            "web identity token file {token_file}: {}",
            crate::cli::os_message(&e)
        )
    })?;
    let action = sts::AssumeRoleWithWebIdentity {
        role_arn: role_arn.to_string(),
        session_name: session_name
            .map(str::to_string)
            .unwrap_or_else(session_name_default),
        token: token.trim().to_string(),
    };
    host.sts(None)
        .call(&action)
        .map(|t| t.credentials)
        .map_err(|e| format!("web identity for role {role_arn}: {e}"))
}

fn field(value: &Value, key: &str) -> Option<String> {
    match value.as_object()?.get(key)? {
        Value::Str(s) => Some(s.to_string_lossy()),
        Value::Int(n) => Some(n.clone()),
        _ => None,
    }
}

/// Runs `credential_process` through the shell with no stdin; its stdout must be
/// the documented JSON (`Version` 1, `AccessKeyId`, `SecretAccessKey`, optional
/// `SessionToken` and `Expiration`).
pub fn credential_process(command: &str) -> Result<Credentials, String> {
    let output = std::process::Command::new("sh")
        .args(["-c", command])
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("credential_process {command:?} could not run: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!(
            "credential_process {command:?} failed ({}){}",
            output.status,
            if detail.is_empty() {
                String::new()
            } else {
                format!(": {detail}")
            }
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let value = json::parse(text.trim())
        .map_err(|e| format!("credential_process {command:?} did not print JSON: {e}"))?;
    match value.as_object().and_then(|o| o.get("Version")) {
        Some(Value::Int(v)) if v == "1" => {}
        _ => {
            return Err(format!(
                "credential_process {command:?}: its JSON must have \"Version\": 1"
            ));
        }
    }
    let required = |key: &str| {
        field(&value, key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("credential_process {command:?}: its JSON lacks {key}"))
    };
    Ok(Credentials {
        access_key_id: required("AccessKeyId")?,
        secret_access_key: required("SecretAccessKey")?,
        session_token: field(&value, "SessionToken").filter(|t| !t.is_empty()),
        source: "credential_process",
    })
}

// ---------------------------------------------------------------------------
// Container credentials (ECS task roles, EKS Pod Identity)

const ECS_HOST: &str = "http://169.254.170.2";

/// The container credentials URL from the environment; `Ok(None)` when neither
/// variable is set. A full URI must be https, or http to a loopback address or
/// the ECS/EKS link-local addresses.
pub fn container_uri(env: &Env) -> Result<Option<String>, String> {
    if let Some(relative) = env.non_empty("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
        return Ok(Some(format!("{ECS_HOST}{relative}")));
    }
    let Some(full) = env.non_empty("AWS_CONTAINER_CREDENTIALS_FULL_URI") else {
        return Ok(None);
    };
    let (scheme, rest) = full.split_once("://").ok_or_else(|| {
        format!("AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?}: URI did not specify a host")
    })?;
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        authority.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?}: URI did not specify a host"
        ));
    }
    let allowed_http = host == "localhost"
        || host.starts_with("127.")
        || host == "::1"
        || host == "169.254.170.2"
        || host == "169.254.170.23"
        || host.eq_ignore_ascii_case("fd00:ec2::23");
    match scheme {
        "https" => Ok(Some(full.to_string())),
        "http" if allowed_http => Ok(Some(full.to_string())),
        _ => Err(format!(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?} must be https, or http to a loopback or the ECS/EKS container address"
        )),
    }
}

/// Fetches container credentials, or `Ok(None)` when not configured.
pub fn container(host: &Host) -> Result<Option<Credentials>, String> {
    let Some(url) = container_uri(host.env)? else {
        return Ok(None);
    };
    let mut request = HttpRequest::get(&url);
    request.timeout = Some(Duration::from_secs(5));
    let token = match host.env.non_empty("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
        Some(file) => Some(
            host.fs
                .read_to_string(file)
                .map_err(|e| {
                    format!(
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {file}: {}",
                        crate::cli::os_message(&e)
                    )
                })?
                .trim()
                .to_string(),
        ),
        None => host
            .env
            .non_empty("AWS_CONTAINER_AUTHORIZATION_TOKEN")
            .map(str::to_string),
    };
    if let Some(token) = token {
        request.headers.push(("authorization".into(), token));
    }
    let response = host
        .transport
        .send(&request)
        .map_err(|e| format!("container credentials from {url}: {}", e.message))?;
    let value = json::parse(&String::from_utf8_lossy(&response.body))
        .map_err(|e| format!("container credentials from {url}: not JSON: {e}"))?;
    if !(200..300).contains(&response.status) {
        let message =
            field(&value, "Message").unwrap_or_else(|| format!("HTTP {}", response.status));
        return Err(format!("container credentials from {url}: {message}"));
    }
    keys_from_json(&value, "Token", "container").map(Some)
}

fn keys_from_json(
    value: &Value,
    token_key: &str,
    source: &'static str,
) -> Result<Credentials, String> {
    let required =
        |key: &str| field(value, key).ok_or_else(|| format!("{source} credentials lack {key}"));
    Ok(Credentials {
        access_key_id: required("AccessKeyId")?,
        secret_access_key: required("SecretAccessKey")?,
        session_token: field(value, token_key).filter(|t| !t.is_empty()),
        source,
    })
}

// ---------------------------------------------------------------------------
// EC2 instance metadata

/// The IMDS base URL: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, the profile's
/// `ec2_metadata_service_endpoint`, else by endpoint mode (IPv4 default, IPv6).
pub fn imds_endpoint(
    env: &Env,
    profile_endpoint: Option<&str>,
    profile_mode: Option<&str>,
) -> Result<String, String> {
    if let Some(endpoint) = env
        .non_empty("AWS_EC2_METADATA_SERVICE_ENDPOINT")
        .or(profile_endpoint)
    {
        let valid = (endpoint.starts_with("http://") || endpoint.starts_with("https://"))
            && !endpoint.contains(char::is_whitespace);
        if !valid {
            return Err(format!(
                "IMDS endpoint {endpoint:?}: invalid uri character or scheme"
            ));
        }
        return Ok(endpoint.trim_end_matches('/').to_string());
    }
    let mode = env
        .non_empty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
        .or(profile_mode)
        .unwrap_or("IPv4");
    match mode.to_ascii_lowercase().as_str() {
        "ipv4" => Ok("http://169.254.169.254".into()),
        "ipv6" => Ok("http://[fd00:ec2::254]".into()),
        _ => Err(format!("`{mode}` is not a valid endpoint mode")),
    }
}

/// Role credentials from instance metadata, or `Ok(None)` when there is no
/// instance role (or no metadata service answers).
pub fn imds(host: &Host, base: &str) -> Result<Option<Credentials>, String> {
    let timeout = host
        .env
        .non_empty("AWS_METADATA_SERVICE_TIMEOUT")
        .and_then(|t| t.parse::<f64>().ok())
        .filter(|t| *t > 0.0)
        .map(Duration::from_secs_f64)
        .unwrap_or(Duration::from_secs(1));
    let attempts = host
        .env
        .non_empty("AWS_METADATA_SERVICE_NUM_ATTEMPTS")
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(2);
    let send = |mut request: HttpRequest| {
        request.timeout = Some(timeout);
        let mut last = None;
        for _ in 0..attempts {
            match host.transport.send(&request) {
                Ok(r) if r.status >= 500 => last = Some(Ok(r)),
                Ok(r) => return Ok(r),
                Err(e) => last = Some(Err(e.message)),
            }
        }
        last.unwrap_or_else(|| Err("no attempt made".into()))
    };
    // IMDSv2: a session token first; fall back to v1 where the service refuses it.
    let token_request = HttpRequest {
        method: "PUT".into(),
        url: format!("{base}/latest/api/token"),
        headers: vec![(
            "x-aws-ec2-metadata-token-ttl-seconds".into(),
            "21600".into(),
        )],
        body: bytes::Bytes::new(),
        timeout: None,
    };
    let token = match send(token_request) {
        Ok(r) if r.status == 200 => Some(String::from_utf8_lossy(&r.body).trim().to_string()),
        Ok(r) if (403..=405).contains(&r.status) => None,
        Ok(r) => {
            return Err(format!(
                "instance metadata token request: HTTP {}",
                r.status
            ));
        }
        Err(_) => return Ok(None),
    };
    let get = |path: &str| {
        let mut request = HttpRequest::get(&format!("{base}{path}"));
        if let Some(t) = &token {
            request
                .headers
                .push(("x-aws-ec2-metadata-token".into(), t.clone()));
        }
        send(request)
    };
    let roles = get("/latest/meta-data/iam/security-credentials/")
        .map_err(|e| format!("instance metadata: {e}"))?;
    if roles.status == 404 {
        return Ok(None);
    }
    if roles.status != 200 {
        return Err(format!(
            "instance metadata role list: HTTP {}",
            roles.status
        ));
    }
    let body = String::from_utf8_lossy(&roles.body).into_owned();
    let Some(role) = body.lines().map(str::trim).find(|l| !l.is_empty()) else {
        return Ok(None);
    };
    let response = get(&format!(
        "/latest/meta-data/iam/security-credentials/{role}"
    ))
    .map_err(|e| format!("instance metadata: {e}"))?;
    if response.status != 200 {
        return Err(format!(
            "instance metadata credentials for {role}: HTTP {}",
            response.status
        ));
    }
    let value = json::parse(&String::from_utf8_lossy(&response.body))
        .map_err(|e| format!("instance metadata credentials for {role}: not JSON: {e}"))?;
    if let Some(code) = field(&value, "Code").filter(|c| c != "Success") {
        return Err(format!("instance metadata credentials for {role}: {code}"));
    }
    keys_from_json(&value, "Token", "instance metadata").map(Some)
}

// ---------------------------------------------------------------------------
// IAM Identity Center (SSO), from the token `aws sso login` cached

/// Role credentials through the SSO portal, using the cached login token.
pub fn sso(
    host: &Host,
    start_url: &str,
    session_name: Option<&str>,
    region: &str,
    account_id: &str,
    role_name: &str,
) -> Result<Credentials, String> {
    use sha1::Digest as _;
    let login = match session_name {
        Some(s) => format!("aws sso login --sso-session {s}"),
        None => "aws sso login".to_string(),
    };
    let key = session_name.unwrap_or(start_url);
    let digest = sha1::Sha1::digest(key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    let home = host
        .env
        .non_empty("HOME")
        .ok_or("SSO: HOME is not set, so the SSO token cache cannot be found")?;
    let path = format!("{}/.aws/sso/cache/{hex}.json", home.trim_end_matches('/'));
    let text = host
        .fs
        .read_optional(&path)?
        .ok_or_else(|| format!("SSO: no cached token ({path}); run `{login}`"))?;
    let cached = json::parse(&text).map_err(|e| format!("SSO token cache {path}: {e}"))?;
    let token = field(&cached, "accessToken")
        .ok_or_else(|| format!("SSO token cache {path} has no accessToken; run `{login}`"))?;
    if let Some(expires) = field(&cached, "expiresAt").and_then(|e| timestamp::parse_iso(&e)) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        if expires.secs <= now {
            return Err(format!("SSO: the cached token has expired; run `{login}`"));
        }
    }
    let base = super::endpoint::configured_url("sso", None, host.env, &Default::default())
        .unwrap_or_else(|| format!("https://portal.sso.{region}.amazonaws.com"));
    // Parameters in the SSO model's member order, as the SDKs send them.
    let url = format!(
        "{}/federation/credentials?role_name={}&account_id={}",
        base.trim_end_matches('/'),
        super::request::percent_encode(role_name, false),
        super::request::percent_encode(account_id, false)
    );
    let mut request = HttpRequest::get(&url);
    request
        .headers
        .push(("x-amz-sso_bearer_token".into(), token));
    let response = host
        .transport
        .send(&request)
        .map_err(|e| format!("SSO GetRoleCredentials: {}", e.message))?;
    let value = json::parse(&String::from_utf8_lossy(&response.body)).unwrap_or(Value::Null);
    if !(200..300).contains(&response.status) {
        let message = field(&value, "message")
            .or_else(|| field(&value, "Message"))
            .unwrap_or_default();
        return Err(format!(
            "SSO GetRoleCredentials: HTTP {} {message}; if the login expired, run `{login}`",
            response.status
        ));
    }
    let credentials = value
        .as_object()
        .and_then(|o| o.get("roleCredentials"))
        .cloned()
        .ok_or("SSO GetRoleCredentials: no roleCredentials in the response")?;
    let required = |key: &str| {
        field(&credentials, key).ok_or_else(|| format!("SSO role credentials lack {key}"))
    };
    Ok(Credentials {
        access_key_id: required("accessKeyId")?,
        secret_access_key: required("secretAccessKey")?,
        session_token: field(&credentials, "sessionToken").filter(|t| !t.is_empty()),
        source: "sso",
    })
}
