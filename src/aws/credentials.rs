//! Credentials: where they come from and how they are kept.
//!
//! Sources, in order: `--access-key/--secret-key/--session-token`, the `-a/--auth`
//! file (JSON as `create` prints it, or INI), then the environment variables. The
//! parsers are pure over the text and the [`Env`] they are given.

use std::fmt;

use crate::env::Env;
use crate::json::{self, Value};

/// A key pair and optional session token. `Debug` never shows the secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    /// Where they came from, for messages: "flags", "--auth file", "environment".
    pub source: &'static str,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("source", &self.source)
            .finish()
    }
}

/// The values a source gave, before they are checked for completeness. `Debug`
/// never shows the secrets.
#[derive(Default, PartialEq, Eq)]
pub struct Partial {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub session_token: Option<String>,
}

impl fmt::Debug for Partial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |v: &Option<String>| v.as_ref().map(|_| "** redacted **");
        f.debug_struct("Partial")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &hidden(&self.secret_access_key))
            .field("session_token", &hidden(&self.session_token))
            .finish()
    }
}

impl Partial {
    fn is_empty(&self) -> bool {
        self.access_key_id.is_none() && self.secret_access_key.is_none()
    }

    /// Complete credentials, nothing, or an error naming what is missing.
    fn complete(
        self,
        source: &'static str,
        names: [&str; 2],
    ) -> Result<Option<Credentials>, String> {
        match (self.access_key_id, self.secret_access_key) {
            (Some(id), Some(secret)) => Ok(Some(Credentials {
                access_key_id: id,
                secret_access_key: secret,
                session_token: self.session_token,
                source,
            })),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!(
                "Partial credentials found in {source}: {} is set but {} is missing",
                names[0], names[1]
            )),
            (None, Some(_)) => Err(format!(
                "Partial credentials found in {source}: {} is set but {} is missing",
                names[1], names[0]
            )),
        }
    }
}

/// A value that is set and not blank.
fn non_empty(v: Option<&str>) -> Option<String> {
    v.filter(|s| !s.trim().is_empty()).map(str::to_string)
}

/// `--access-key`/`--secret-key`/`--session-token` (a lone token is ignored).
pub fn from_flags(
    access_key: Option<&str>,
    secret_key: Option<&str>,
    session_token: Option<&str>,
) -> Result<Option<Credentials>, String> {
    Partial {
        access_key_id: non_empty(access_key),
        secret_access_key: non_empty(secret_key),
        session_token: non_empty(session_token),
    }
    .complete("explicit options", ["--access-key", "--secret-key"])
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN` (or the legacy
/// `AWS_SECURITY_TOKEN`). Empty or blank values count as unset.
pub fn from_env(env: &Env) -> Result<Option<Credentials>, String> {
    Partial {
        access_key_id: non_empty(env.get("AWS_ACCESS_KEY_ID")),
        secret_access_key: non_empty(env.get("AWS_SECRET_ACCESS_KEY")),
        session_token: non_empty(env.get("AWS_SESSION_TOKEN"))
            .or_else(|| non_empty(env.get("AWS_SECURITY_TOKEN"))),
    }
    .complete(
        "environment variables",
        ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"],
    )
}

/// The contents of an `--auth` file: JSON when it starts with `{`, else INI using the
/// first section that has `aws_access_key_id`. `Ok(None)`: the file names no keys.
pub fn from_auth_text(text: &str, name: &str) -> Result<Option<Credentials>, String> {
    let text = text.trim();
    let partial = if text.starts_with('{') {
        let value =
            json::parse(text).map_err(|e| format!("--auth file {name} is not valid JSON: {e}"))?;
        let field = |key: &str| match value.as_object().and_then(|o| o.get(key)) {
            Some(Value::Str(s)) => non_empty(Some(&s.to_string_lossy())),
            _ => None,
        };
        Partial {
            access_key_id: field("AccessKeyId"),
            secret_access_key: field("SecretAccessKey"),
            session_token: field("SessionToken"),
        }
    } else {
        let sections = parse_ini(text).map_err(|e| format!("--auth file {name}: {e}"))?;
        let defaults = sections
            .iter()
            .find(|(n, _)| n == "DEFAULT")
            .map(|(_, kv)| kv.clone())
            .unwrap_or_default();
        let lookup = |kv: &[(String, String)], key: &str| {
            kv.iter()
                .chain(defaults.iter())
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        sections
            .iter()
            .filter(|(n, _)| n != "DEFAULT")
            .find(|(_, kv)| lookup(kv, "aws_access_key_id").is_some())
            .map(|(_, kv)| Partial {
                access_key_id: non_empty(lookup(kv, "aws_access_key_id").as_deref()),
                secret_access_key: non_empty(lookup(kv, "aws_secret_access_key").as_deref()),
                session_token: non_empty(lookup(kv, "aws_session_token").as_deref()),
            })
            .unwrap_or_default()
    };
    if partial.is_empty() {
        return Ok(None);
    }
    partial.complete(
        "the --auth file",
        ["the access key id", "the secret access key"],
    )
}

type Section = (String, Vec<(String, String)>);

/// Python `configparser` as upstream reads `--auth`: `[section]` headers, `key = value`
/// or `key: value`, keys lower-cased, `#`/`;` comment lines, indented continuation
/// lines, no duplicate sections or keys.
pub fn parse_ini(text: &str) -> Result<Vec<Section>, String> {
    let mut sections: Vec<Section> = Vec::new();
    let mut last_key: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() {
            last_key = None;
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if indented && let (Some(i), Some((_, kv))) = (last_key, sections.last_mut()) {
            let value = &mut kv[i].1;
            value.push('\n');
            value.push_str(trimmed);
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            if sections.iter().any(|(s, _)| s == name) {
                return Err(format!("line {lineno}: section [{name}] appears twice"));
            }
            sections.push((name.to_string(), Vec::new()));
            last_key = None;
            continue;
        }
        let Some((_, kv)) = sections.last_mut() else {
            return Err(format!(
                "line {lineno}: text before the first [section] header"
            ));
        };
        let split = trimmed.find(['=', ':']);
        let (key, value) = match split {
            Some(i) => (trimmed[..i].trim(), trimmed[i + 1..].trim()),
            None => (trimmed, ""),
        };
        let key = key.to_lowercase();
        if kv.iter().any(|(k, _)| *k == key) {
            return Err(format!(
                "line {lineno}: option {key} appears twice in a section"
            ));
        }
        kv.push((key, value.to_string()));
        last_key = Some(kv.len() - 1);
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let c = Credentials {
            access_key_id: "AKIDVISIBLE".into(),
            secret_access_key: "SECRET-VALUE-1".into(),
            session_token: Some("TOKEN-VALUE-2".into()),
            source: "flags",
        };
        let p = Partial {
            access_key_id: Some("AKIDVISIBLE".into()),
            secret_access_key: Some("SECRET-VALUE-1".into()),
            session_token: Some("TOKEN-VALUE-2".into()),
        };
        let t = crate::aws::sts::Temporary {
            object: crate::json::Object::new().with("SecretAccessKey", "SECRET-VALUE-1"),
            credentials: c.clone(),
            expiration: None,
        };
        for shown in [
            format!("{c:?}"),
            format!("{c:#?}"),
            format!("{p:?}"),
            format!("{t:?}"),
            format!("{:?}", Some(&c)),
        ] {
            assert!(shown.contains("AKIDVISIBLE"), "{shown}");
            assert!(
                !shown.contains("SECRET-VALUE") && !shown.contains("TOKEN-VALUE"),
                "{shown}"
            );
        }
    }

    fn creds(id: &str, secret: &str, token: Option<&str>) -> Credentials {
        Credentials {
            access_key_id: id.into(),
            secret_access_key: secret.into(),
            session_token: token.map(Into::into),
            source: "",
        }
    }

    fn same(got: Option<Credentials>, want: Credentials) {
        let got = got.expect("credentials");
        assert_eq!(
            (got.access_key_id, got.secret_access_key, got.session_token),
            (
                want.access_key_id,
                want.secret_access_key,
                want.session_token
            )
        );
    }

    #[test]
    fn debug_hides_secrets() {
        let c = creds("AKID", "very-secret", Some("token-value"));
        let shown = format!("{c:?}");
        assert!(shown.contains("AKID"));
        assert!(
            !shown.contains("very-secret") && !shown.contains("token-value"),
            "{shown}"
        );
    }

    #[test]
    fn auth_json_is_what_create_prints() {
        let text = r#"{
    "UserName": "u", "AccessKeyId": "AKIA1", "Status": "Active",
    "SecretAccessKey": "s1", "CreateDate": "2026-11-27 23:00:34+00:00"
}"#;
        same(
            from_auth_text(text, "f").unwrap(),
            creds("AKIA1", "s1", None),
        );
        let sts = r#"{"AccessKeyId": "ASIA", "SecretAccessKey": "s", "SessionToken": "t", "Expiration": "x"}"#;
        same(
            from_auth_text(sts, "f").unwrap(),
            creds("ASIA", "s", Some("t")),
        );
        assert!(
            from_auth_text("{nope", "f")
                .unwrap_err()
                .contains("not valid JSON")
        );
        assert_eq!(from_auth_text("{}", "f").unwrap(), None);
    }

    #[test]
    fn auth_ini_uses_the_first_section_with_a_key() {
        let text = "[other]\nregion = x\n\n[default]\nAWS_ACCESS_KEY_ID = AKIA2\naws_secret_access_key: s2\n# comment\n; c\n[later]\naws_access_key_id=no\n";
        same(
            from_auth_text(text, "f").unwrap(),
            creds("AKIA2", "s2", None),
        );
        let inherited = "[DEFAULT]\naws_secret_access_key = from-default\n[p]\naws_access_key_id = A\naws_session_token = T\n";
        same(
            from_auth_text(inherited, "f").unwrap(),
            creds("A", "from-default", Some("T")),
        );
        assert_eq!(from_auth_text("[x]\nfoo=bar\n", "f").unwrap(), None);
        assert_eq!(from_auth_text("", "f").unwrap(), None);
        assert!(
            from_auth_text("aws_access_key_id = A\n", "f")
                .unwrap_err()
                .contains("before the first")
        );
        assert!(from_auth_text("[a]\nk=1\n[a]\n", "f").is_err());
        assert!(
            from_auth_text("[a]\naws_access_key_id = A\n", "f")
                .unwrap_err()
                .contains("Partial")
        );
    }

    #[test]
    fn flags_and_env() {
        same(
            from_flags(Some("A"), Some("S"), Some("T")).unwrap(),
            creds("A", "S", Some("T")),
        );
        assert_eq!(from_flags(None, None, Some("T")).unwrap(), None);
        assert!(
            from_flags(Some("A"), None, None)
                .unwrap_err()
                .contains("--secret-key is missing")
        );
        let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "E"), ("AWS_SECRET_ACCESS_KEY", "ES")]);
        same(from_env(&env).unwrap(), creds("E", "ES", None));
        let blank = Env::from_pairs([("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")]);
        assert_eq!(from_env(&blank).unwrap(), None);
        let partial = Env::from_pairs([("AWS_ACCESS_KEY_ID", "E")]);
        assert!(from_env(&partial).is_err());
    }
}
