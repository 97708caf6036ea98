//! The default credential chain, in botocore's order, evaluated lazily: the first
//! source that yields credentials wins and nothing after it is contacted.
//!
//! 1. `--access-key/--secret-key/--session-token`, then `-a/--auth`;
//! 2. environment keys (skipped when `--profile` is given);
//! 3. the profile (`--profile`, `AWS_PROFILE`, `default`);
//! 4. `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`;
//! 5. container credentials;
//! 6. EC2 instance metadata.

use super::credentials::{self, Credentials};
use super::profile::ProfileSet;
use super::profile_chain::{self, Base};
use super::providers::{self, Host};
use crate::cli::Connection;

/// The profile to read and whether the user chose it.
pub struct ProfileChoice<'a> {
    pub set: &'a ProfileSet,
    pub name: &'a str,
    /// `--profile` was given (environment keys are then skipped).
    pub from_option: bool,
    /// `--profile` or `AWS_PROFILE` named it (so it must exist).
    pub explicit: bool,
}

pub fn resolve(
    connection: &Connection,
    auth: Option<(&str, &str)>,
    host: &Host,
    profile: &ProfileChoice,
) -> Result<Credentials, String> {
    if let Some(c) = credentials::from_flags(
        connection.access_key.as_deref(),
        connection.secret_key.as_deref(),
        connection.session_token.as_deref(),
    )? {
        return Ok(c);
    }
    if let Some((text, name)) = auth
        && let Some(c) = credentials::from_auth_text(text, name)?
    {
        return Ok(c);
    }
    let mut tried = Vec::new();
    if connection.access_key.is_some() || connection.secret_key.is_some() {
        tried.push("--access-key/--secret-key");
    }
    if auth.is_some() {
        tried.push("the --auth file");
    }
    if !profile.from_option {
        tried.push("environment variables");
        if let Some(c) = credentials::from_env(host.env)? {
            return Ok(c);
        }
    }
    let profile_label = format!("profile {}", profile.name);
    if let Some(c) = from_profile(host, profile)? {
        return Ok(c);
    }
    tried.push(&profile_label);
    tried.push("web identity (AWS_WEB_IDENTITY_TOKEN_FILE)");
    if let (Some(file), Some(role)) = (
        host.env.non_empty("AWS_WEB_IDENTITY_TOKEN_FILE"),
        host.env.non_empty("AWS_ROLE_ARN"),
    ) {
        return providers::web_identity(
            host,
            role,
            file,
            host.env.non_empty("AWS_ROLE_SESSION_NAME"),
        );
    }
    tried.push("container credentials");
    if let Some(c) = providers::container(host)? {
        return Ok(c);
    }
    let disabled = host
        .env
        .get("AWS_EC2_METADATA_DISABLED")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if !disabled {
        tried.push("EC2 instance metadata");
        if let Some(c) = instance_metadata(host, profile)? {
            return Ok(c);
        }
    }
    Err(format!(
        "No AWS credentials found\nTried: {}",
        tried.join(", ")
    ))
}

/// Credentials from the selected profile; `Ok(None)` when it has none to give.
fn from_profile(host: &Host, profile: &ProfileChoice) -> Result<Option<Credentials>, String> {
    if profile.set.profile(profile.name).is_none() {
        if profile.explicit {
            return Err(format!(
                "The config profile ({}) could not be found",
                profile.name
            ));
        }
        return Ok(None);
    }
    let chain = match profile_chain::resolve(profile.set, profile.name) {
        Ok(chain) => chain,
        Err(e)
            if e == format!(
                "profile `{}` did not contain credential information",
                profile.name
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    let mut current = match chain.base {
        Base::AccessKey {
            access_key_id,
            secret_access_key,
            session_token,
            ..
        } => Credentials {
            access_key_id,
            secret_access_key,
            session_token,
            source: "profile",
        },
        Base::NamedSource(source) => named_source(host, profile, &source)?,
        Base::WebIdentityToken {
            role_arn,
            token_file,
            session_name,
        } => providers::web_identity(host, &role_arn, &token_file, session_name.as_deref())?,
        Base::Sso {
            account_id,
            role_name,
            region,
            start_url,
            session_name,
        } => {
            let (Some(account_id), Some(role_name)) = (account_id, role_name) else {
                return Err(format!(
                    "profile `{}` configures an SSO session but no sso_account_id and sso_role_name",
                    profile.name
                ));
            };
            providers::sso(
                host,
                &start_url,
                session_name.as_deref(),
                &region,
                &account_id,
                &role_name,
            )?
        }
        Base::CredentialProcess(command) => providers::credential_process(&command)?,
    };
    for role in &chain.roles {
        current = providers::assume_role(host, current, role)?;
    }
    Ok(Some(current))
}

fn named_source(host: &Host, profile: &ProfileChoice, source: &str) -> Result<Credentials, String> {
    let missing = |what: &str| format!("credential_source {source}: no credentials from {what}");
    match source {
        "Environment" => credentials::from_env(host.env)?.ok_or_else(|| missing("the environment")),
        "EcsContainer" => providers::container(host)?.ok_or_else(|| missing("the container")),
        "Ec2InstanceMetadata" => {
            instance_metadata(host, profile)?.ok_or_else(|| missing("instance metadata"))
        }
        other => Err(format!(
            "unknown credential_source {other:?}: use Environment, Ec2InstanceMetadata or EcsContainer"
        )),
    }
}

/// Instance metadata credentials, at the endpoint the environment or profile names.
fn instance_metadata(host: &Host, profile: &ProfileChoice) -> Result<Option<Credentials>, String> {
    let setting = |key: &str| profile.set.get(profile.name, key);
    let endpoint = providers::imds_endpoint(
        host.env,
        setting("ec2_metadata_service_endpoint"),
        setting("ec2_metadata_service_endpoint_mode"),
    )?;
    providers::imds(host, &endpoint)
}
