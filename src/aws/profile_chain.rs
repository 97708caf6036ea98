//! How a profile turns into credentials, as a plan: a base provider followed by
//! roles to assume in order. Pure; the rules are smithy-rs's (its assume-role
//! test suite is the specification): after the first hop static keys win, a
//! profile may name itself as its source, `credential_source` names a built-in
//! provider, web identity profiles are base providers, loops are errors.

use super::profile::{ProfileSet, Properties};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    AccessKey {
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        account_id: Option<String>,
    },
    /// `credential_source`: Environment, Ec2InstanceMetadata or EcsContainer.
    NamedSource(String),
    WebIdentityToken {
        role_arn: String,
        token_file: String,
        session_name: Option<String>,
    },
    Sso {
        account_id: Option<String>,
        role_name: Option<String>,
        region: String,
        start_url: String,
        session_name: Option<String>,
    },
    CredentialProcess(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub role_arn: String,
    pub external_id: Option<String>,
    pub session_name: Option<String>,
    pub duration_seconds: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain {
    pub base: Base,
    /// Roles to assume, first one first.
    pub roles: Vec<Role>,
}

fn get<'a>(p: &'a Properties, key: &str) -> Option<&'a str> {
    p.get(key).map(String::as_str)
}

fn role(p: &Properties) -> Option<Role> {
    if p.contains_key("web_identity_token_file") {
        return None;
    }
    Some(Role {
        role_arn: get(p, "role_arn")?.to_string(),
        external_id: get(p, "external_id").map(str::to_string),
        session_name: get(p, "role_session_name").map(str::to_string),
        duration_seconds: get(p, "duration_seconds").map(str::to_string),
    })
}

/// Static keys, or why there are none (`Ok(None)`: the profile has no key at all).
fn static_keys(name: &str, p: &Properties) -> Result<Option<Base>, String> {
    let (id, secret, token) = (
        get(p, "aws_access_key_id"),
        get(p, "aws_secret_access_key"),
        get(p, "aws_session_token"),
    );
    if id.is_none() && secret.is_none() && token.is_none() {
        return Ok(None);
    }
    let id = id.ok_or_else(|| format!("profile `{name}`: profile missing aws_access_key_id"))?;
    let secret =
        secret.ok_or_else(|| format!("profile `{name}`: profile missing aws_secret_access_key"))?;
    Ok(Some(Base::AccessKey {
        access_key_id: id.to_string(),
        secret_access_key: secret.to_string(),
        session_token: token.map(str::to_string),
        account_id: get(p, "aws_account_id").map(str::to_string),
    }))
}

fn sso(set: &ProfileSet, name: &str, p: &Properties) -> Result<Option<Base>, String> {
    let account_id = get(p, "sso_account_id");
    let mut region = get(p, "sso_region");
    let role_name = get(p, "sso_role_name");
    let mut start_url = get(p, "sso_start_url");
    let session_name = get(p, "sso_session");
    if [account_id, region, role_name, start_url, session_name]
        .iter()
        .all(Option::is_none)
    {
        return Ok(None);
    }
    if let Some(session) = session_name {
        for (key, value) in [("sso_start_url", start_url), ("sso_region", region)] {
            if value.is_some() {
                return Err(format!(
                    "profile `{name}`: `{key}` can only be specified in the [sso-session] config when a session name is given"
                ));
            }
        }
        let section = set.sso_sessions.get(session).ok_or_else(|| {
            format!("sso-session named `{session}` (referenced by profile `{name}`) was not found")
        })?;
        start_url = get(section, "sso_start_url");
        region = get(section, "sso_region");
    }
    match (account_id, role_name) {
        (Some(_), None) => {
            return Err(format!(
                "profile `{name}`: if `sso_account_id` is set, then `sso_role_name` must also be set"
            ));
        }
        (None, Some(_)) => {
            return Err(format!(
                "profile `{name}`: if `sso_role_name` is set, then `sso_account_id` must also be set"
            ));
        }
        _ => {}
    }
    Ok(Some(Base::Sso {
        account_id: account_id.map(str::to_string),
        role_name: role_name.map(str::to_string),
        region: region
            .ok_or_else(|| format!("profile `{name}`: `sso_region` is missing"))?
            .to_string(),
        start_url: start_url
            .ok_or_else(|| format!("profile `{name}`: `sso_start_url` is missing"))?
            .to_string(),
        session_name: session_name.map(str::to_string),
    }))
}

/// A profile that ends the chain.
fn base(set: &ProfileSet, name: &str, p: &Properties) -> Result<Base, String> {
    if let Some(source) = get(p, "credential_source") {
        return Ok(Base::NamedSource(source.to_string()));
    }
    match (get(p, "role_arn"), get(p, "web_identity_token_file")) {
        (Some(role_arn), Some(token_file)) => {
            return Ok(Base::WebIdentityToken {
                role_arn: role_arn.to_string(),
                token_file: token_file.to_string(),
                session_name: get(p, "role_session_name").map(str::to_string),
            });
        }
        (None, Some(_)) => return Err(format!("profile `{name}`: `role_arn` was missing")),
        _ => {}
    }
    if let Some(sso) = sso(set, name, p)? {
        return Ok(sso);
    }
    if let Some(command) = get(p, "credential_process") {
        return Ok(Base::CredentialProcess(command.to_string()));
    }
    static_keys(name, p)?
        .ok_or_else(|| format!("profile `{name}` did not contain credential information"))
}

/// The plan for profile `selected`.
pub fn resolve(set: &ProfileSet, selected: &str) -> Result<Chain, String> {
    if set.profiles.is_empty() {
        return Err("No profiles were defined".into());
    }
    let mut name = selected.to_string();
    let mut visited: Vec<String> = Vec::new();
    let mut roles = Vec::new();
    let base = loop {
        let p = set
            .profiles
            .get(&name)
            .ok_or_else(|| match visited.last() {
                Some(from) => {
                    format!("could not find source profile {name} referenced from {from}")
                }
                None => format!("The config profile ({name}) could not be found"),
            })?;
        if visited.contains(&name) {
            return Err(format!(
                "profile formed an infinite loop: {} -> {name}",
                visited.join(" -> ")
            ));
        }
        visited.push(name.clone());
        if visited.len() > 1
            && let Ok(Some(keys)) = static_keys(&name, p)
        {
            break keys;
        }
        let Some(role) = role(p) else {
            break base(set, &name, p).map_err(|e| {
                if visited.len() == 1 {
                    e
                } else {
                    format!("profile `{name}`: could not load source profile: {e}")
                }
            })?;
        };
        roles.push(role);
        match (get(p, "source_profile"), get(p, "credential_source")) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "profile `{name}`: profile contained both source_profile and credential_source. Only one or the other can be defined"
                ));
            }
            (None, None) => {
                return Err(format!(
                    "profile `{name}`: profile must contain `source_profile` or `credential_source` but neither were defined"
                ));
            }
            (Some(source), None) if source == name => break base(set, &name, p)?,
            (Some(source), None) => name = source.to_string(),
            (None, Some(source)) => break Base::NamedSource(source.to_string()),
        }
    };
    roles.reverse();
    Ok(Chain { base, roles })
}
