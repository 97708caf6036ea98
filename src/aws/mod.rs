//! The hand-written AWS client.
//!
//! `credentials` finds keys, `config` resolves settings, `endpoint` maps a service
//! to a URL, `sign` applies SigV4, `request` and the `iam`/`sts`/`s3` modules
//! describe each API call as data, `xml` and `error` read responses, and
//! `client` is the one place that sends anything.

pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod iam;
pub mod profile;
pub mod profile_chain;
pub mod request;
pub mod s3;
pub mod sign;
pub mod sts;
pub mod timestamp;
pub mod transport;
pub mod xml;

pub use client::Client;
pub use error::AwsError;

use crate::cli::Connection;
use crate::env::Env;
use crate::error::Error;

/// The credentials a command's options and environment give, in order: the key
/// options, the `--auth` file, the environment variables.
pub fn resolve_credentials(
    connection: &Connection,
    auth_text: Option<(&str, &str)>,
    env: &Env,
) -> Result<credentials::Credentials, String> {
    if let Some(c) = credentials::from_flags(
        connection.access_key.as_deref(),
        connection.secret_key.as_deref(),
        connection.session_token.as_deref(),
    )? {
        return Ok(c);
    }
    if let Some((text, name)) = auth_text
        && let Some(c) = credentials::from_auth_text(text, name)?
    {
        return Ok(c);
    }
    if let Some(c) = credentials::from_env(env)? {
        return Ok(c);
    }
    Err(
        "No AWS credentials found. Tried: --access-key/--secret-key, the --auth file, \
         AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"
            .into(),
    )
}

/// Builds the client a command uses: checks `--auth` against the key options,
/// reads the `--auth` file once (every client of the command shares it), resolves
/// settings and credentials. No network access happens here.
pub fn connect(connection: Connection, env: &Env) -> Result<Client, Error> {
    crate::cmd::check_connection(&connection)?;
    let settings = config::Settings::resolve(&connection, env).map_err(Error::Runtime)?;
    let mut connection = connection;
    let auth = match connection.auth.take() {
        Some(file) => {
            let name = file.display_name();
            let text = file.read_text().map_err(|e| {
                Error::Runtime(format!("--auth {name}: {}", crate::cli::os_message(&e)))
            })?;
            Some((text, name))
        }
        None => None,
    };
    let credentials = resolve_credentials(
        &connection,
        auth.as_ref().map(|(t, n)| (t.as_str(), n.as_str())),
        env,
    )
    .map_err(Error::Runtime)?;
    Ok(Client::new(settings, credentials))
}
