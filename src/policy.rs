//! The IAM and bucket policy documents the tool generates. Pure: no I/O.
//!
//! Statement shapes, prefix normalisation and the public bucket policy follow
//! upstream exactly (`spec/policies.md`); key order is part of the output.

use crate::json::{self, Object, Value};

/// What a set of credentials may do with a bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    ReadWrite,
    ReadOnly,
    WriteOnly,
}

impl Permission {
    /// The name used in user, policy and session names: `read-write`, ...
    pub fn label(self) -> &'static str {
        match self {
            Permission::ReadWrite => "read-write",
            Permission::ReadOnly => "read-only",
            Permission::WriteOnly => "write-only",
        }
    }
}

/// `foo/` becomes `foo/*`; a prefix that already ends in `*` is kept.
pub fn normalize_prefix(prefix: &str) -> String {
    if prefix.ends_with('*') {
        prefix.to_string()
    } else {
        format!("{prefix}*")
    }
}

fn statement(actions: &[&str], resource: String) -> Object {
    Object::new()
        .with("Effect", "Allow")
        .with("Action", json::strings(actions))
        .with("Resource", json::strings(&[resource]))
}

/// The statements one bucket contributes for a permission and (raw) prefixes. Each
/// prefix adds its object resources and its `s3:prefix` condition value; a prefix
/// covering the whole bucket (`""` or `*`) makes the others redundant. One prefix
/// gives upstream's statements exactly.
pub fn bucket_statements(bucket: &str, permission: Permission, prefixes: &[String]) -> Vec<Value> {
    let mut normalized: Vec<String> = Vec::new();
    for p in prefixes.iter().map(|p| normalize_prefix(p)) {
        if !normalized.contains(&p) {
            normalized.push(p);
        }
    }
    if normalized.is_empty() || normalized.iter().any(|p| p == "*") {
        normalized = vec!["*".into()];
    }
    let bucket_arn = format!("arn:aws:s3:::{bucket}");
    let objects: Vec<String> = normalized
        .iter()
        .map(|p| format!("arn:aws:s3:::{bucket}/{p}"))
        .collect();
    let objects_statement = |actions: &[&str]| {
        Object::new()
            .with("Effect", "Allow")
            .with("Action", json::strings(actions))
            .with("Resource", json::strings(&objects))
    };
    let mut out = Vec::new();
    if permission != Permission::WriteOnly {
        if normalized == ["*"] {
            out.push(statement(
                &["s3:ListBucket", "s3:GetBucketLocation"],
                bucket_arn,
            ));
        } else {
            out.push(statement(&["s3:GetBucketLocation"], bucket_arn.clone()));
            let condition = Object::new().with(
                "StringLike",
                Object::new().with("s3:prefix", json::strings(&normalized)),
            );
            out.push(statement(&["s3:ListBucket"], bucket_arn).with("Condition", condition));
        }
        out.push(objects_statement(&[
            "s3:GetObject",
            "s3:GetObjectAcl",
            "s3:GetObjectLegalHold",
            "s3:GetObjectRetention",
            "s3:GetObjectTagging",
        ]));
    }
    match permission {
        Permission::ReadWrite => out.push(objects_statement(&["s3:PutObject", "s3:DeleteObject"])),
        Permission::WriteOnly => out.push(objects_statement(&["s3:PutObject"])),
        Permission::ReadOnly => {}
    }
    out.into_iter().map(Value::Object).collect()
}

/// `{"Version": "2012-10-17", "Statement": [...]}`.
pub fn document(statements: Vec<Value>) -> Value {
    Object::new()
        .with("Version", "2012-10-17")
        .with("Statement", statements)
        .into()
}

/// One document for several buckets: each bucket's statements in order, then the extras.
pub fn buckets_policy(
    buckets: &[String],
    permission: Permission,
    prefixes: &[String],
    extra: &[Value],
) -> Value {
    let mut statements: Vec<Value> = buckets
        .iter()
        .flat_map(|b| bucket_statements(b, permission, prefixes))
        .collect();
    statements.extend(extra.iter().cloned());
    document(statements)
}

/// The bucket policy that lets anyone GET any object.
pub fn public_bucket_policy(bucket: &str) -> Value {
    let statement = Object::new()
        .with("Sid", "AllowAllGetObject")
        .with("Effect", "Allow")
        .with("Principal", "*")
        .with("Action", json::strings(&["s3:GetObject"]))
        .with(
            "Resource",
            json::strings(&[format!("arn:aws:s3:::{bucket}/*")]),
        );
    document(vec![statement.into()])
}

/// The public-access-block configuration that allows everything.
pub fn public_access_block_all_off() -> Value {
    Object::new()
        .with("BlockPublicAcls", false)
        .with("IgnorePublicAcls", false)
        .with("BlockPublicPolicy", false)
        .with("RestrictPublicBuckets", false)
        .into()
}

/// Why an extra `--statement` was rejected; the texts are upstream's.
#[derive(Debug, PartialEq, Eq)]
pub enum StatementError {
    InvalidJson,
    NotAnObject,
    MissingKeys(Vec<&'static str>),
}

impl std::fmt::Display for StatementError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatementError::InvalidJson => f.write_str("Invalid JSON string"),
            StatementError::NotAnObject => f.write_str("JSON must be an object"),
            StatementError::MissingKeys(keys) => {
                write!(
                    f,
                    "Statement JSON missing required keys: {}",
                    keys.join(", ")
                )
            }
        }
    }
}

/// Validate one `--statement` value: a JSON object with Effect, Action and Resource.
pub fn parse_statement(text: &str) -> Result<Value, StatementError> {
    let value = json::parse(text).map_err(|_| StatementError::InvalidJson)?;
    let obj = value.as_object().ok_or(StatementError::NotAnObject)?;
    let missing: Vec<&'static str> = ["Action", "Effect", "Resource"]
        .into_iter()
        .filter(|k| !obj.contains_key(k))
        .collect();
    if !missing.is_empty() {
        return Err(StatementError::MissingKeys(missing));
    }
    Ok(value)
}

/// The placeholder a `--policy` template uses for the bucket name.
pub const BUCKET_PLACEHOLDER: &str = "$!BUCKET_NAME!$";

/// A `--policy` document, kept as the text the user gave (already known to parse).
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyTemplate(pub String);

impl PolicyTemplate {
    /// The document for one bucket: the name substituted raw, then parsed again.
    pub fn render(&self, bucket: &str) -> Result<Value, String> {
        let text = self.0.replace(BUCKET_PLACEHOLDER, bucket);
        json::parse(&text).map_err(|e| {
            format!("--policy is not valid JSON once {BUCKET_PLACEHOLDER} is replaced by '{bucket}': {e}")
        })
    }

    /// One document for several buckets: each bucket substituted in turn, their
    /// statements merged in bucket order (repeats dropped) under the first
    /// document's other keys. One bucket gives exactly `render`.
    pub fn render_merged(&self, buckets: &[String]) -> Result<Value, String> {
        let docs = buckets
            .iter()
            .map(|b| self.render(b))
            .collect::<Result<Vec<_>, _>>()?;
        if docs.len() == 1 || docs.windows(2).all(|w| w[0] == w[1]) {
            return Ok(docs.into_iter().next().unwrap_or(Value::Null));
        }
        let mut merged: Vec<Value> = Vec::new();
        for doc in &docs {
            let statements = match doc.as_object().and_then(|o| o.get("Statement")) {
                Some(Value::Array(items)) => items.clone(),
                Some(single @ Value::Object(_)) => vec![single.clone()],
                _ => {
                    return Err(
                        "--policy with --duration and several buckets needs a policy document with a \"Statement\" to merge".into(),
                    )
                }
            };
            for s in statements {
                if !merged.contains(&s) {
                    merged.push(s);
                }
            }
        }
        let mut first = docs[0].as_object().cloned().unwrap_or_default();
        first.insert("Statement", Value::Array(merged));
        Ok(first.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{to_string_compact, to_string_indent};

    #[test]
    fn prefixes_gain_a_trailing_star() {
        for (input, want) in [
            ("*", "*"),
            ("", "*"),
            ("foo/", "foo/*"),
            ("foo", "foo*"),
            ("foo*", "foo*"),
            ("a/b/", "a/b/*"),
            ("dir with space/ü/", "dir with space/ü/*"),
        ] {
            assert_eq!(normalize_prefix(input), want);
        }
    }

    fn actions(statements: &[Value]) -> Vec<String> {
        statements
            .iter()
            .map(|s| to_string_compact(s.as_object().unwrap().get("Action").unwrap()))
            .collect()
    }

    #[test]
    fn read_write_without_prefix_is_three_statements() {
        let s = bucket_statements("b1", Permission::ReadWrite, &["*".into()]);
        assert_eq!(
            actions(&s),
            [
                r#"["s3:ListBucket", "s3:GetBucketLocation"]"#,
                r#"["s3:GetObject", "s3:GetObjectAcl", "s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectTagging"]"#,
                r#"["s3:PutObject", "s3:DeleteObject"]"#,
            ]
        );
    }

    #[test]
    fn a_prefix_splits_the_bucket_statement_and_adds_a_condition() {
        let s = bucket_statements("b1", Permission::ReadOnly, &["foo/".into()]);
        assert_eq!(s.len(), 3);
        assert_eq!(
            to_string_compact(&s[1]),
            r#"{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::b1"], "Condition": {"StringLike": {"s3:prefix": ["foo/*"]}}}"#
        );
        assert_eq!(
            to_string_compact(&s[2].as_object().unwrap().get("Resource").unwrap().clone()),
            r#"["arn:aws:s3:::b1/foo/*"]"#
        );
    }

    #[test]
    fn each_prefix_adds_its_resources_and_condition_value() {
        let two = bucket_statements("b1", Permission::ReadWrite, &["a/".into(), "b".into()]);
        assert_eq!(
            to_string_compact(&two[1]),
            r#"{"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::b1"], "Condition": {"StringLike": {"s3:prefix": ["a/*", "b*"]}}}"#
        );
        for statement in &two[2..] {
            assert_eq!(
                to_string_compact(statement.as_object().unwrap().get("Resource").unwrap()),
                r#"["arn:aws:s3:::b1/a/*", "arn:aws:s3:::b1/b*"]"#
            );
        }
        // Repeats collapse; the whole bucket makes the others redundant.
        assert_eq!(
            bucket_statements("b1", Permission::ReadOnly, &["a/".into(), "a/*".into()]),
            bucket_statements("b1", Permission::ReadOnly, &["a/".into()])
        );
        assert_eq!(
            bucket_statements("b1", Permission::ReadOnly, &["a/".into(), "".into()]),
            bucket_statements("b1", Permission::ReadOnly, &["*".into()])
        );
    }

    #[test]
    fn write_only_has_no_bucket_statement_whatever_the_prefix() {
        for prefix in ["*", "up/"] {
            let s = bucket_statements("b1", Permission::WriteOnly, &[prefix.into()]);
            assert_eq!(actions(&s), [r#"["s3:PutObject"]"#]);
        }
    }

    #[test]
    fn several_buckets_then_extras_once() {
        let extra =
            parse_statement(r#"{"Effect": "Allow", "Action": "textract:*", "Resource": "*"}"#)
                .unwrap();
        let doc = buckets_policy(
            &["b1".into(), "b2".into()],
            Permission::WriteOnly,
            &["*".into()],
            &[extra],
        );
        assert_eq!(
            to_string_compact(&doc),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::b1/*"]}, {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::b2/*"]}, {"Effect": "Allow", "Action": "textract:*", "Resource": "*"}]}"#
        );
    }

    #[test]
    fn public_bucket_policy_matches_upstream_bytes() {
        assert_eq!(
            to_string_compact(&public_bucket_policy("B")),
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "AllowAllGetObject", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::B/*"]}]}"#
        );
    }

    #[test]
    fn statement_validation_uses_upstream_messages() {
        let err = |t: &str| parse_statement(t).unwrap_err().to_string();
        assert_eq!(err("{not json"), "Invalid JSON string");
        assert_eq!(err(""), "Invalid JSON string");
        assert_eq!(err("[]"), "JSON must be an object");
        assert_eq!(err("null"), "JSON must be an object");
        assert_eq!(err("\"s\""), "JSON must be an object");
        assert_eq!(
            err("{}"),
            "Statement JSON missing required keys: Action, Effect, Resource"
        );
        assert_eq!(
            err(r#"{"Resource": "*"}"#),
            "Statement JSON missing required keys: Action, Effect"
        );
        assert_eq!(
            err(r#"{"effect": "Allow", "action": "s3:*", "resource": "*"}"#),
            "Statement JSON missing required keys: Action, Effect, Resource"
        );
        assert!(
            parse_statement(r#"{"Effect": 1, "Action": null, "Resource": [], "X": 2}"#).is_ok()
        );
    }

    #[test]
    fn extra_statements_are_rerendered_like_python() {
        let s = parse_statement(
            r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "N": [1.50, 1e3, -0.0, 123456789012345678901], "Effect": "Deny", "U": "\u00fc\/"}"#,
        )
        .unwrap();
        assert_eq!(
            to_string_compact(&s),
            r#"{"Effect": "Deny", "Action": "s3:*", "Resource": "*", "N": [1.5, 1000.0, -0.0, 123456789012345678901], "U": "\u00fc/"}"#
        );
    }

    #[test]
    fn templates_substitute_the_raw_bucket_name() {
        let t = PolicyTemplate(r#"{"Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"}"#.into());
        assert_eq!(
            to_string_compact(&t.render("bücket").unwrap()),
            r#"{"Resource": "arn:aws:s3:::b\u00fccket/*"}"#
        );
        assert!(t.render("b\"q").is_err());
    }

    #[test]
    fn merged_templates_cover_every_bucket() {
        let t = PolicyTemplate(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$!BUCKET_NAME!$/*"}, {"Effect": "Allow", "Action": "textract:*", "Resource": "*"}]}"#.into(),
        );
        let merged = t.render_merged(&["b1".into(), "b2".into()]).unwrap();
        assert_eq!(
            to_string_indent(&merged, 0)
                .matches("arn:aws:s3:::")
                .count(),
            2,
            "both buckets appear once"
        );
        assert_eq!(
            to_string_compact(&merged),
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b1/*"}, {"Effect": "Allow", "Action": "textract:*", "Resource": "*"}, {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b2/*"}]}"#
        );
        // One bucket: exactly the substituted document.
        assert_eq!(
            t.render_merged(&["b1".into()]).unwrap(),
            t.render("b1").unwrap()
        );
        // Nothing to merge into: a clear error, not a silent drop.
        let bare = PolicyTemplate(r#"{"Resource": "$!BUCKET_NAME!$"}"#.into());
        assert!(bare.render_merged(&["b1".into(), "b2".into()]).is_err());
    }
}
