//! Client settings resolved once per run from the command line and the
//! environment: region, endpoints, retries, trust anchors, debug output.

use std::path::PathBuf;
use std::time::Duration;

use super::endpoint::{self, Addressing, ProfileEndpoints, Service};
use super::profile::ProfileSet;
use crate::cli::Connection;
use crate::env::Env;

/// botocore's connect and read timeouts.
pub const DEFAULT_TIMEOUT_SECS: f64 = 60.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    Legacy,
    Standard,
    Adaptive,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub region: String,
    pub iam_url: Option<String>,
    pub sts_url: Option<String>,
    pub s3_url: Option<String>,
    pub addressing: Addressing,
    pub retry_mode: RetryMode,
    /// Total attempts per call, first one included.
    pub max_attempts: u32,
    pub ca_bundle: Option<PathBuf>,
    pub debug: bool,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
}

impl Settings {
    pub fn endpoint_url(&self, service: Service) -> Option<&str> {
        match service {
            Service::Iam => self.iam_url.as_deref(),
            Service::Sts => self.sts_url.as_deref(),
            Service::S3 => self.s3_url.as_deref(),
        }
    }

    /// Settings from the options, the environment and the selected profile, in that
    /// order of precedence; errors are one-line messages.
    pub fn resolve(
        connection: &Connection,
        env: &Env,
        profiles: &ProfileSet,
        profile: &str,
    ) -> Result<Settings, String> {
        let from_profile = |key: &str| profiles.get(profile, key).filter(|v| !v.is_empty());
        let region = connection
            .region
            .as_deref()
            .filter(|r| !r.is_empty())
            .or_else(|| env.non_empty("AWS_REGION"))
            .or_else(|| env.non_empty("AWS_DEFAULT_REGION"))
            .or_else(|| from_profile("region"))
            .unwrap_or("us-east-1")
            .to_string();
        if !endpoint::valid_region(&region) {
            return Err(format!(
                "Invalid region {region:?}: a region is letters, digits and hyphens, e.g. us-east-1"
            ));
        }
        let endpoints = ProfileEndpoints {
            endpoint_url: from_profile("endpoint_url").map(str::to_string),
            services: profiles.service_endpoints(profile),
            ignore_configured_endpoint_urls: from_profile("ignore_configured_endpoint_urls")
                .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        };
        let url = |service: Service| -> Result<Option<String>, String> {
            let url = endpoint::configured_url(
                service.id(),
                connection.endpoint_url.as_deref(),
                env,
                &endpoints,
            );
            match url {
                Some(u) => check_url(&u).map(Some),
                None => Ok(None),
            }
        };
        let retry_mode = match env
            .non_empty("AWS_RETRY_MODE")
            .or_else(|| from_profile("retry_mode"))
        {
            None | Some("standard") => RetryMode::Standard,
            Some("legacy") => RetryMode::Legacy,
            Some("adaptive") => RetryMode::Adaptive,
            Some(other) => {
                return Err(format!(
                    "Invalid retry mode {other:?}: use legacy, standard or adaptive"
                ));
            }
        };
        let max_attempts = match env
            .non_empty("AWS_MAX_ATTEMPTS")
            .or_else(|| from_profile("max_attempts"))
        {
            None => match retry_mode {
                RetryMode::Legacy => 5,
                _ => 3,
            },
            Some(v) => match v.trim().parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(format!(
                        "Invalid max attempts {v:?}: it must be a whole number of at least 1"
                    ));
                }
            },
        };
        Ok(Settings {
            iam_url: url(Service::Iam)?,
            sts_url: url(Service::Sts)?,
            s3_url: url(Service::S3)?,
            region,
            addressing: match profiles
                .sub_property(profile, "s3", "addressing_style")
                .as_deref()
            {
                Some("path") => Addressing::Path,
                Some("virtual") => Addressing::Virtual,
                _ => Addressing::Auto,
            },
            retry_mode,
            max_attempts,
            ca_bundle: env
                .non_empty("AWS_CA_BUNDLE")
                .or_else(|| from_profile("ca_bundle"))
                .map(PathBuf::from),
            debug: connection.debug,
            connect_timeout: Duration::from_secs_f64(
                connection.connect_timeout.unwrap_or(DEFAULT_TIMEOUT_SECS),
            ),
            read_timeout: Duration::from_secs_f64(
                connection.read_timeout.unwrap_or(DEFAULT_TIMEOUT_SECS),
            ),
        })
    }
}

/// An endpoint URL must be http(s) with a host, and parse as a URL.
fn check_url(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace) => {
            match reqwest::Url::parse(url) {
                Ok(parsed) if parsed.host().is_some() => Ok(url.to_string()),
                Ok(_) => Err(format!("Invalid endpoint URL {url:?}: it names no host")),
                Err(e) => Err(format!("Invalid endpoint URL {url:?}: {e}")),
            }
        }
        _ => Err(format!(
            "Invalid endpoint URL {url:?}: it must start with http:// or https:// and name a host"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::profile::ProfileSet;

    fn conn() -> Connection {
        Connection::default()
    }

    #[test]
    fn region_precedence() {
        let env = Env::from_pairs([
            ("AWS_REGION", "eu-west-1"),
            ("AWS_DEFAULT_REGION", "eu-west-2"),
        ]);
        assert_eq!(
            Settings::resolve(&conn(), &env, &ProfileSet::default(), "default")
                .unwrap()
                .region,
            "eu-west-1"
        );
        let env = Env::from_pairs([("AWS_DEFAULT_REGION", "eu-west-2")]);
        assert_eq!(
            Settings::resolve(&conn(), &env, &ProfileSet::default(), "default")
                .unwrap()
                .region,
            "eu-west-2"
        );
        assert_eq!(
            Settings::resolve(&conn(), &Env::default(), &ProfileSet::default(), "default")
                .unwrap()
                .region,
            "us-east-1"
        );
        let mut c = conn();
        c.region = Some("ap-south-1".into());
        assert_eq!(
            Settings::resolve(&c, &env, &ProfileSet::default(), "default")
                .unwrap()
                .region,
            "ap-south-1"
        );
        c.region = Some("not a region".into());
        assert!(Settings::resolve(&c, &env, &ProfileSet::default(), "default").is_err());
    }

    #[test]
    fn the_profile_comes_after_options_and_environment() {
        let set = super::super::profile::load(
            Some(("config", "[profile p]\nregion = eu-north-1\nmax_attempts = 7\nendpoint_url = http://profile:1\ns3 =\n  addressing_style = path\n")),
            None,
        )
        .unwrap();
        let s = Settings::resolve(&conn(), &Env::default(), &set, "p").unwrap();
        assert_eq!(
            (s.region.as_str(), s.max_attempts, s.addressing),
            ("eu-north-1", 7, Addressing::Path)
        );
        assert_eq!(s.endpoint_url(Service::Iam), Some("http://profile:1"));
        let env = Env::from_pairs([("AWS_REGION", "ap-east-1"), ("AWS_MAX_ATTEMPTS", "2")]);
        let s = Settings::resolve(&conn(), &env, &set, "p").unwrap();
        assert_eq!((s.region.as_str(), s.max_attempts), ("ap-east-1", 2));
    }

    #[test]
    fn endpoint_urls_and_retries() {
        let env = Env::from_pairs([
            ("AWS_ENDPOINT_URL", "http://global:1"),
            ("AWS_ENDPOINT_URL_STS", "http://sts:2"),
            ("AWS_MAX_ATTEMPTS", "5"),
        ]);
        let s = Settings::resolve(&conn(), &env, &ProfileSet::default(), "default").unwrap();
        assert_eq!(s.endpoint_url(Service::Sts), Some("http://sts:2"));
        assert_eq!(s.endpoint_url(Service::Iam), Some("http://global:1"));
        assert_eq!(s.max_attempts, 5);
        let mut c = conn();
        for bad in ["http://[::1", "http://host:99999", "https://a b"] {
            c.endpoint_url = Some(bad.into());
            assert!(
                Settings::resolve(&c, &Env::default(), &ProfileSet::default(), "default")
                    .unwrap_err()
                    .contains("Invalid endpoint URL"),
                "{bad}"
            );
        }
        c.endpoint_url = Some("ftp://x".into());
        assert!(
            Settings::resolve(&c, &Env::default(), &ProfileSet::default(), "default")
                .unwrap_err()
                .contains("Invalid endpoint URL")
        );
        let bad = Env::from_pairs([("AWS_MAX_ATTEMPTS", "0")]);
        assert!(Settings::resolve(&conn(), &bad, &ProfileSet::default(), "default").is_err());
        let legacy = Env::from_pairs([("AWS_RETRY_MODE", "legacy")]);
        assert_eq!(
            Settings::resolve(&conn(), &legacy, &ProfileSet::default(), "default")
                .unwrap()
                .max_attempts,
            5
        );
    }
}
