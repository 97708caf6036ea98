//! S3's bucket naming rules, checked before any request so a bad name gets a clear
//! error naming the rule it breaks instead of a confusing answer from S3.

/// How strictly to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// A bucket about to be created: every rule for general purpose buckets.
    New,
    /// A bucket that may already exist: also allows what older buckets and access
    /// point aliases may have (us-east-1 names from before 2018 were up to 255
    /// characters with uppercase letters and underscores; aliases end in
    /// `-s3alias`). Anything that cannot be a bucket in a URL is still refused.
    Existing,
}

const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES: &[(&str, &str)] = &[
    ("-s3alias", "access point aliases"),
    ("--ol-s3", "Object Lambda access point aliases"),
    (".mrap", "Multi-Region Access Points"),
    ("--x-s3", "directory buckets"),
    ("--table-s3", "table buckets"),
];

/// `Ok` or the broken rule, as a phrase.
pub fn check(name: &str, rules: Rules) -> Result<(), String> {
    let chars = name.chars().count();
    let longest = match rules {
        Rules::New => 63,
        Rules::Existing => 255,
    };
    if !(3..=longest).contains(&chars) {
        return Err(format!(
            "bucket names are 3 to {longest} characters long, this one has {chars}"
        ));
    }
    let allowed = |c: char| match rules {
        Rules::New => c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-',
        Rules::Existing => c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'),
    };
    if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        let allowed = match rules {
            Rules::New => "lowercase letters, digits, dots and hyphens",
            Rules::Existing => "letters, digits, dots, hyphens and underscores",
        };
        return Err(format!(
            "bucket names have only {allowed}, not {}",
            crate::pyrepr::repr(&bad.to_string())
        ));
    }
    if looks_like_ipv4(name) {
        return Err("bucket names must not look like an IP address".into());
    }
    if rules == Rules::Existing {
        return Ok(());
    }
    let edge_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !edge_ok(name.chars().next()) || !edge_ok(name.chars().last()) {
        return Err("bucket names begin and end with a letter or digit".into());
    }
    if name.contains("..") {
        return Err("bucket names must not have two dots in a row".into());
    }
    if let Some(prefix) = RESERVED_PREFIXES.iter().find(|p| name.starts_with(*p)) {
        return Err(format!("the prefix {prefix} is reserved"));
    }
    if let Some((suffix, what)) = RESERVED_SUFFIXES.iter().find(|(s, _)| name.ends_with(s)) {
        return Err(format!("the suffix {suffix} is reserved for {what}"));
    }
    Ok(())
}

/// Four dot-separated decimal numbers, as S3 reads them (`192.168.5.4`).
fn looks_like_ipv4(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str) -> Result<(), String> {
        check(name, Rules::New)
    }

    #[test]
    fn every_rule_is_named() {
        for good in ["abc", "my-bucket.example", "a1b", &"a".repeat(63)] {
            assert_eq!(new(good), Ok(()), "{good}");
        }
        let cases = [
            ("ab", "3 to 63 characters long, this one has 2"),
            (&"a".repeat(64), "this one has 64"),
            (
                "My_Bucket",
                "only lowercase letters, digits, dots and hyphens, not 'M'",
            ),
            ("b\u{fc}cket", "not '\u{fc}'"),
            ("a/b", "not '/'"),
            ("-abc", "begin and end with a letter or digit"),
            ("abc.", "begin and end"),
            ("a..b", "two dots in a row"),
            ("192.168.5.4", "IP address"),
            ("xn--abc", "prefix xn-- is reserved"),
            ("sthree-x", "prefix sthree- is reserved"),
            (
                "data-s3alias",
                "suffix -s3alias is reserved for access point aliases",
            ),
            ("data--ol-s3", "Object Lambda"),
            ("data--x-s3", "directory buckets"),
        ];
        for (name, rule) in cases {
            let e = new(name).unwrap_err();
            assert!(e.contains(rule), "{name}: {e}");
        }
    }

    #[test]
    fn existing_buckets_may_have_legacy_names_and_aliases() {
        for name in [
            "My_Legacy_Bucket",
            "data-s3alias",
            "xn--abc",
            &"a".repeat(200),
        ] {
            assert_eq!(check(name, Rules::Existing), Ok(()), "{name}");
        }
        for name in ["a/b", "a b", "b\u{fc}cket", "ab", "10.0.0.1", "a?b", "a#b"] {
            assert!(check(name, Rules::Existing).is_err(), "{name}");
        }
    }
}
