//! The shared config files, `~/.aws/config` and `~/.aws/credentials`: where they
//! are, how they parse, and how their sections merge. Pure over the given text.
//!
//! The grammar is the one the AWS SDKs share (smithy-rs's profile-parser test suite
//! is the specification): `[profile x]` in config and `[x]` in credentials,
//! `[default]`, `[sso-session x]` and other prefixed sections (`[services x]`),
//! comments, continuation lines and sub-properties, case-insensitive keys, invalid
//! names dropped, credentials winning over config.

use std::collections::HashMap;

use crate::env::Env;

const WHITESPACE: &[char] = &[' ', '\t'];
const COMMENT: &[char] = &['#', ';'];

/// Properties of one section; keys are lower-case.
pub type Properties = HashMap<String, String>;

/// The merged sections of both files.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ProfileSet {
    pub profiles: HashMap<String, Properties>,
    pub sso_sessions: HashMap<String, Properties>,
    /// Other prefixed sections, such as `[services name]`, keyed by (prefix, name).
    pub other: HashMap<(String, String), Properties>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Config,
    Credentials,
}

/// Where the two files are: `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else
/// under the home directory. `~/` in the variables is expanded. No home: `None`.
pub fn locations(env: &Env) -> (Option<String>, Option<String>) {
    let home = env.non_empty("HOME").map(str::to_string);
    let expand = |path: &str| -> Option<String> {
        match path
            .strip_prefix("~/")
            .or_else(|| (path == "~").then_some(""))
        {
            Some(rest) => home.as_ref().map(|h| {
                format!("{}/{rest}", h.trim_end_matches('/'))
                    .trim_end_matches('/')
                    .to_string()
            }),
            None => Some(path.to_string()),
        }
    };
    let config = match env.non_empty("AWS_CONFIG_FILE") {
        Some(p) => expand(p),
        None => expand("~/.aws/config"),
    };
    let credentials = match env.non_empty("AWS_SHARED_CREDENTIALS_FILE") {
        Some(p) => expand(p),
        None => expand("~/.aws/credentials"),
    };
    (config, credentials)
}

/// Parses and merges both files (either may be absent). The error names the file
/// and line.
pub fn load(
    config: Option<(&str, &str)>,
    credentials: Option<(&str, &str)>,
) -> Result<ProfileSet, String> {
    let mut set = ProfileSet::default();
    for (file, kind) in [
        (config, FileKind::Config),
        (credentials, FileKind::Credentials),
    ] {
        if let Some((path, text)) = file {
            let raw = parse_file(text).map_err(|(line, message)| {
                format!("error parsing {path} on line {line}: {message}")
            })?;
            merge(&mut set, raw, kind);
        }
    }
    Ok(set)
}

/// Raw sections of one file, in order of first appearance (duplicates merged).
type RawSections = Vec<(String, Vec<(String, String)>)>;

/// Removes a trailing comment and surrounding blanks.
fn prepare_line(line: &str, comments_need_whitespace: bool) -> &str {
    let line = line.trim_matches(WHITESPACE);
    let mut previous_whitespace = false;
    let mut cut = None;
    for (i, c) in line.char_indices() {
        if COMMENT.contains(&c) && (previous_whitespace || !comments_need_whitespace) {
            cut = Some(i);
            break;
        }
        previous_whitespace = c.is_whitespace();
    }
    cut.map(|i| &line[..i])
        .unwrap_or(line)
        .trim_matches(WHITESPACE)
}

/// `key = value` → (lower-cased key, value).
fn property(line: &str, what: &str) -> Result<(String, String), String> {
    let Some((k, v)) = line.split_once('=') else {
        return Err(format!("Expected an '=' sign defining a {what}"));
    };
    let k = k.trim_matches(WHITESPACE);
    if k.is_empty() {
        let mut name = what.to_string();
        name[..1].make_ascii_uppercase();
        return Err(format!("{name} did not have a name"));
    }
    Ok((
        k.to_ascii_lowercase(),
        v.trim_matches(WHITESPACE).to_string(),
    ))
}

fn parse_file(text: &str) -> Result<RawSections, (usize, String)> {
    let mut sections: RawSections = Vec::new();
    // (section index, property index, is a sub-property block)
    let mut current: Option<(usize, Option<(usize, bool)>)> = None;
    for (n, line) in text.lines().enumerate() {
        let lineno = n + 1;
        if line.trim().is_empty() || line.starts_with(COMMENT) {
            continue;
        }
        if line.starts_with('[') {
            let prepared = prepare_line(line, false);
            let name = prepared
                .strip_prefix('[')
                .ok_or((lineno, "Profile definition must start with '['".to_string()))?
                .strip_suffix(']')
                .ok_or((lineno, "Profile definition must end with ']'".to_string()))?;
            let index = match sections.iter().position(|(s, _)| s == name) {
                Some(i) => i,
                None => {
                    sections.push((name.to_string(), Vec::new()));
                    sections.len() - 1
                }
            };
            current = Some((index, None));
        } else if line.starts_with(WHITESPACE) {
            let Some((section, prop)) = current else {
                return Err((lineno, "Expected a profile definition".into()));
            };
            let Some((prop, sub)) = prop else {
                return Err((
                    lineno,
                    "Expected a property definition, found continuation".into(),
                ));
            };
            let line = line.trim_matches(WHITESPACE);
            if sub {
                property(line, "sub-property").map_err(|e| (lineno, e))?;
            }
            let value = &mut sections[section].1[prop].1;
            value.push('\n');
            value.push_str(line);
        } else {
            let Some((section, _)) = current else {
                return Err((lineno, "Expected a profile definition".into()));
            };
            let (k, v) = property(prepare_line(line, true), "property").map_err(|e| (lineno, e))?;
            let sub = v.is_empty();
            let props = &mut sections[section].1;
            let index = match props.iter().position(|(key, _)| *key == k) {
                Some(i) => {
                    props[i].1 = v;
                    i
                }
                None => {
                    props.push((k, v));
                    props.len() - 1
                }
            };
            current = Some((section, Some((index, sub))));
        }
    }
    Ok(sections)
}

fn valid_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

/// `profile foo` → (Some("profile"), "foo"); `default` → (None, "default").
fn section_key(raw: &str) -> (Option<&str>, &str) {
    let raw = raw.trim_matches(WHITESPACE);
    match raw.split_once(WHITESPACE) {
        Some((prefix, name)) => (Some(prefix.trim()), name.trim()),
        None => (None, raw.trim()),
    }
}

/// A section's (prefix, name) and its properties.
type KeyedSection<'a> = ((Option<&'a str>, &'a str), &'a Vec<(String, String)>);

fn merge(set: &mut ProfileSet, raw: RawSections, kind: FileKind) {
    let valid: Vec<KeyedSection> = raw
        .iter()
        .map(|(name, props)| (section_key(name), props))
        .filter(|((prefix, name), _)| match (kind, prefix) {
            (FileKind::Config, Some(_)) => valid_identifier(name),
            (FileKind::Config, None) => *name == "default",
            (FileKind::Credentials, Some(_)) => false,
            (FileKind::Credentials, None) => valid_identifier(name),
        })
        .collect();
    // `[profile default]` replaces `[default]` in the same file.
    let prefixed_default = valid
        .iter()
        .any(|((p, n), _)| *p == Some("profile") && *n == "default");
    for ((prefix, name), props) in valid {
        if prefixed_default && prefix.is_none() && name == "default" {
            continue;
        }
        let target = match prefix {
            None | Some("profile") => set.profiles.entry(name.to_string()).or_default(),
            Some("sso-session") => set.sso_sessions.entry(name.to_string()).or_default(),
            Some(other) => set
                .other
                .entry((other.to_string(), name.to_string()))
                .or_default(),
        };
        for (k, v) in props {
            if valid_identifier(k) {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}

/// The profile to use: `--profile`, then `AWS_PROFILE`, then `default`.
pub fn selected_name(option: Option<&str>, env: &Env) -> String {
    option
        .filter(|p| !p.is_empty())
        .or_else(|| env.non_empty("AWS_PROFILE"))
        .unwrap_or("default")
        .to_string()
}

impl ProfileSet {
    pub fn profile(&self, name: &str) -> Option<&Properties> {
        self.profiles.get(name)
    }

    /// A property of a profile.
    pub fn get(&self, profile: &str, key: &str) -> Option<&str> {
        self.profiles
            .get(profile)
            .and_then(|p| p.get(key))
            .map(String::as_str)
    }

    /// Sub-properties of a property (`s3 =\n  addressing_style = path`).
    pub fn sub_property(&self, profile: &str, key: &str, sub: &str) -> Option<String> {
        let block = self.get(profile, key)?;
        block.lines().find_map(|line| {
            let (k, v) = line.split_once('=')?;
            (k.trim().eq_ignore_ascii_case(sub)).then(|| v.trim().to_string())
        })
    }

    /// The `endpoint_url` of each service in the profile's `services` section.
    pub fn service_endpoints(&self, profile: &str) -> Vec<(String, String)> {
        let Some(section) = self.get(profile, "services") else {
            return Vec::new();
        };
        let Some(props) = self
            .other
            .get(&("services".to_string(), section.to_string()))
        else {
            return Vec::new();
        };
        props
            .iter()
            .filter_map(|(service, block)| {
                block.lines().find_map(|line| {
                    let (k, v) = line.split_once('=')?;
                    (k.trim() == "endpoint_url").then(|| (service.clone(), v.trim().to_string()))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_selects() {
        let set = load(
            Some(("config", "[default]\nregion = eu-west-1\n[profile dev]\nregion=us-west-2\ns3 =\n  addressing_style = path\nservices = local\n[services local]\ns3 =\n  endpoint_url = http://localhost:9000\n")),
            Some(("credentials", "[dev]\naws_access_key_id = A\naws_secret_access_key = S\n")),
        )
        .unwrap();
        assert_eq!(set.get("default", "region"), Some("eu-west-1"));
        assert_eq!(set.get("dev", "aws_access_key_id"), Some("A"));
        assert_eq!(
            set.sub_property("dev", "s3", "addressing_style").as_deref(),
            Some("path")
        );
        assert_eq!(
            set.service_endpoints("dev"),
            [("s3".to_string(), "http://localhost:9000".to_string())]
        );
        let env = Env::from_pairs([("AWS_PROFILE", "dev")]);
        assert_eq!(selected_name(None, &env), "dev");
        assert_eq!(selected_name(Some("x"), &env), "x");
        assert_eq!(selected_name(None, &Env::default()), "default");
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let err = load(Some(("/h/.aws/config", "[profile a]\nbad line\n")), None).unwrap_err();
        assert_eq!(
            err,
            "error parsing /h/.aws/config on line 2: Expected an '=' sign defining a property"
        );
    }

    #[test]
    fn locations_follow_the_environment() {
        let env = Env::from_pairs([("HOME", "/home/u")]);
        assert_eq!(
            locations(&env),
            (
                Some("/home/u/.aws/config".into()),
                Some("/home/u/.aws/credentials".into())
            )
        );
        let env = Env::from_pairs([
            ("HOME", "/home/u"),
            ("AWS_CONFIG_FILE", "~/c"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/x/creds"),
        ]);
        assert_eq!(
            locations(&env),
            (Some("/home/u/c".into()), Some("/x/creds".into()))
        );
        assert_eq!(locations(&Env::default()), (None, None));
    }
}
