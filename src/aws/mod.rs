//! The hand-written AWS client.
//!
//! `credentials` finds keys, `config` resolves settings, `endpoint` maps a service
//! to a URL, `sign` applies SigV4, `request` and the `iam`/`sts`/`s3` modules
//! describe each API call as data, `xml` and `error` read responses, and
//! `client` is the one place that sends anything.

pub mod chain;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod iam;
pub mod profile;
pub mod profile_chain;
pub mod providers;
pub mod request;
pub mod s3;
pub mod sign;
pub mod sts;
pub mod timestamp;
pub mod transport;
pub mod xml;

pub use client::{Client, ClientSeed};
pub use error::AwsError;

use std::rc::Rc;

use crate::cli::Connection;
use crate::env::{Env, Fs};
use crate::error::Error;
use transport::Transport;

/// Builds the client a command uses: checks `--auth` against the key options,
/// reads the shared config files and the `--auth` file once (every client of the
/// command shares them), resolves settings, then credentials through the chain.
/// Nothing is sent unless a credential source needs it (roles, SSO, metadata).
pub fn connect(connection: Connection, env: &Env) -> Result<Client, Error> {
    connect_with(connection, env, &Fs::real(), None)
}

/// `connect` with an explicit filesystem view and transport (tests replay traffic).
pub fn connect_with(
    mut connection: Connection,
    env: &Env,
    fs: &Fs,
    transport: Option<Rc<dyn Transport>>,
) -> Result<Client, Error> {
    crate::cmd::check_connection(&connection)?;
    let (config_path, credentials_path) = profile::locations(env);
    let read = |path: &Option<String>| -> Result<Option<(String, String)>, Error> {
        match path {
            Some(p) => Ok(fs
                .read_optional(p)
                .map_err(Error::Runtime)?
                .map(|t| (p.clone(), t))),
            None => Ok(None),
        }
    };
    let config = read(&config_path)?;
    let shared = read(&credentials_path)?;
    let profiles = profile::load(
        config.as_ref().map(|(p, t)| (p.as_str(), t.as_str())),
        shared.as_ref().map(|(p, t)| (p.as_str(), t.as_str())),
    )
    .map_err(Error::Runtime)?;
    let name = profile::selected_name(connection.profile.as_deref(), env);
    let settings =
        config::Settings::resolve(&connection, env, &profiles, &name).map_err(Error::Runtime)?;
    let auth = match connection.auth.take() {
        Some(file) => {
            let shown = file.display_name();
            let text = file.read_text().map_err(|e| {
                Error::Runtime(format!("--auth {shown}: {}", crate::cli::os_message(&e)))
            })?;
            Some((text, shown))
        }
        None => None,
    };
    let transport: Rc<dyn Transport> = transport.unwrap_or_else(|| {
        Rc::new(transport::HttpTransport::new(
            settings.ca_bundle.clone(),
            settings.connect_timeout,
            settings.read_timeout,
        ))
    });
    let host = providers::Host {
        env,
        fs,
        transport: Rc::clone(&transport),
        settings: &settings,
    };
    let choice = chain::ProfileChoice {
        set: &profiles,
        name: &name,
        from_option: connection.profile.as_deref().is_some_and(|p| !p.is_empty()),
        explicit: connection.profile.as_deref().is_some_and(|p| !p.is_empty())
            || env.non_empty("AWS_PROFILE").is_some(),
    };
    let credentials = chain::resolve(
        &connection,
        auth.as_ref().map(|(t, n)| (t.as_str(), n.as_str())),
        &host,
        &choice,
    )
    .map_err(Error::Runtime)?;
    Ok(Client::with_transport(
        settings,
        Some(credentials),
        transport,
    ))
}
