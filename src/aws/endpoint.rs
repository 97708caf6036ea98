//! Where a request goes and how it is signed: service → base URL and signing region,
//! partitions, S3 addressing style, and configured endpoint URLs. Pure.

use crate::env::Env;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    Iam,
    Sts,
    S3,
}

impl Service {
    /// The SigV4 signing name, which is also how moto routes a request.
    pub fn signing_name(self) -> &'static str {
        match self {
            Service::Iam => "iam",
            Service::Sts => "sts",
            Service::S3 => "s3",
        }
    }

    /// The service id as in `AWS_ENDPOINT_URL_<ID>` and profile `services` sections.
    pub fn id(self) -> &'static str {
        self.signing_name()
    }
}

/// The partition a region belongs to: its DNS suffix and global-service home.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub name: &'static str,
    pub dns_suffix: &'static str,
    /// Where IAM lives and which region signs for it.
    pub iam_host: &'static str,
    pub iam_region: &'static str,
}

const PARTITIONS: &[(&str, Partition)] = &[
    (
        "cn-",
        Partition {
            name: "aws-cn",
            dns_suffix: "amazonaws.com.cn",
            iam_host: "iam.cn-north-1.amazonaws.com.cn",
            iam_region: "cn-north-1",
        },
    ),
    (
        "us-gov-",
        Partition {
            name: "aws-us-gov",
            dns_suffix: "amazonaws.com",
            iam_host: "iam.us-gov.amazonaws.com",
            iam_region: "us-gov-west-1",
        },
    ),
    (
        "us-isob-",
        Partition {
            name: "aws-iso-b",
            dns_suffix: "sc2s.sgov.gov",
            iam_host: "iam.us-isob-east-1.sc2s.sgov.gov",
            iam_region: "us-isob-east-1",
        },
    ),
    (
        "us-iso-",
        Partition {
            name: "aws-iso",
            dns_suffix: "c2s.ic.gov",
            iam_host: "iam.us-iso-east-1.c2s.ic.gov",
            iam_region: "us-iso-east-1",
        },
    ),
];

const AWS: Partition = Partition {
    name: "aws",
    dns_suffix: "amazonaws.com",
    iam_host: "iam.amazonaws.com",
    iam_region: "us-east-1",
};

pub fn partition(region: &str) -> Partition {
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map(|(_, p)| *p)
        .unwrap_or(AWS)
}

/// A resolved endpoint for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Scheme, host and optional port and base path, without a trailing slash.
    pub base: String,
    /// For S3: the bucket goes in the path (`base/bucket/key`), not the host.
    pub bucket_in_path: bool,
    pub signing_region: String,
}

/// The region that signs for `region` (`aws-global` is us-east-1).
fn signing_region(region: &str) -> String {
    if region == "aws-global" {
        "us-east-1".into()
    } else {
        region.to_string()
    }
}

/// Is `--region` (or the env) a usable region name? (letters, digits, hyphens)
pub fn valid_region(region: &str) -> bool {
    !region.is_empty()
        && region.len() <= 63
        && region
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The endpoint for IAM or STS (no bucket).
pub fn service_endpoint(service: Service, region: &str, custom: Option<&str>) -> Endpoint {
    if let Some(url) = custom {
        return Endpoint {
            base: url.trim_end_matches('/').to_string(),
            bucket_in_path: false,
            signing_region: match service {
                Service::Iam => partition(region).iam_region.to_string(),
                _ => signing_region(region),
            },
        };
    }
    let p = partition(region);
    match service {
        Service::Iam => Endpoint {
            base: format!("https://{}", p.iam_host),
            bucket_in_path: false,
            signing_region: p.iam_region.to_string(),
        },
        Service::Sts if region == "aws-global" => Endpoint {
            base: "https://sts.amazonaws.com".into(),
            bucket_in_path: false,
            signing_region: "us-east-1".into(),
        },
        Service::Sts | Service::S3 => Endpoint {
            base: format!(
                "https://{}.{region}.{}",
                service.signing_name(),
                p.dns_suffix
            ),
            bucket_in_path: false,
            signing_region: region.to_string(),
        },
    }
}

/// How S3 buckets are addressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Addressing {
    /// Virtual-hosted where the bucket name allows it, else path style.
    #[default]
    Auto,
    Path,
    Virtual,
}

/// Can this bucket be a DNS label in `bucket.s3.region.amazonaws.com`?
/// (3–63 of `a-z0-9-`, starting and ending with a letter or digit, not an IP.)
pub fn virtual_hostable(bucket: &str) -> bool {
    let b = bucket.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
}

/// The endpoint for an S3 request on `bucket`. Custom endpoints always use path
/// style (S3-compatible servers and local test servers expect it).
pub fn s3_endpoint(
    region: &str,
    bucket: &str,
    custom: Option<&str>,
    addressing: Addressing,
) -> Endpoint {
    if let Some(url) = custom {
        return Endpoint {
            base: url.trim_end_matches('/').to_string(),
            bucket_in_path: true,
            signing_region: signing_region(region),
        };
    }
    let (host, signing_region) = if region == "aws-global" {
        ("s3.amazonaws.com".to_string(), "us-east-1".to_string())
    } else {
        (
            format!("s3.{region}.{}", partition(region).dns_suffix),
            region.to_string(),
        )
    };
    let path_style = match addressing {
        Addressing::Path => true,
        Addressing::Virtual => false,
        Addressing::Auto => !virtual_hostable(bucket),
    };
    Endpoint {
        base: if path_style {
            format!("https://{host}")
        } else {
            format!("https://{bucket}.{host}")
        },
        bucket_in_path: path_style,
        signing_region,
    }
}

/// Endpoint settings from the shared config profile (issue 4 fills these in).
#[derive(Debug, Clone, Default)]
pub struct ProfileEndpoints {
    pub endpoint_url: Option<String>,
    /// (service id, endpoint_url) from the profile's `services` section.
    pub services: Vec<(String, String)>,
    pub ignore_configured_endpoint_urls: bool,
}

/// The configured endpoint URL for a service, in the SDKs' order: the
/// `--endpoint-url` option, `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the
/// profile's `services` section, the profile's `endpoint_url`. The environment and
/// the profile are skipped when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` (or the
/// profile's `ignore_configured_endpoint_urls`) is true.
pub fn configured_url(
    service_id: &str,
    option: Option<&str>,
    env: &Env,
    profile: &ProfileEndpoints,
) -> Option<String> {
    if let Some(url) = option.filter(|u| !u.is_empty()) {
        return Some(url.to_string());
    }
    let ignore = env
        .get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .map(|v| v.eq_ignore_ascii_case("true"))
        .unwrap_or(profile.ignore_configured_endpoint_urls);
    if ignore {
        return None;
    }
    let env_name = format!(
        "AWS_ENDPOINT_URL_{}",
        service_id.to_ascii_uppercase().replace([' ', '-'], "_")
    );
    env.non_empty(&env_name)
        .or_else(|| env.non_empty("AWS_ENDPOINT_URL"))
        .map(str::to_string)
        .or_else(|| {
            let key = service_id.to_ascii_lowercase().replace([' ', '-'], "_");
            profile
                .services
                .iter()
                .find(|(s, _)| *s == key)
                .map(|(_, u)| u.clone())
        })
        .or_else(|| profile.endpoint_url.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_is_global_per_partition() {
        let e = service_endpoint(Service::Iam, "eu-west-3", None);
        assert_eq!(
            (e.base.as_str(), e.signing_region.as_str()),
            ("https://iam.amazonaws.com", "us-east-1")
        );
        let e = service_endpoint(Service::Iam, "cn-northwest-1", None);
        assert_eq!(
            (e.base.as_str(), e.signing_region.as_str()),
            ("https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1")
        );
        let e = service_endpoint(Service::Iam, "us-gov-east-1", None);
        assert_eq!(
            (e.base.as_str(), e.signing_region.as_str()),
            ("https://iam.us-gov.amazonaws.com", "us-gov-west-1")
        );
        let e = service_endpoint(Service::Iam, "us-east-1", Some("http://127.0.0.1:5000/"));
        assert_eq!(
            (e.base.as_str(), e.signing_region.as_str()),
            ("http://127.0.0.1:5000", "us-east-1")
        );
    }

    #[test]
    fn sts_is_regional() {
        assert_eq!(
            service_endpoint(Service::Sts, "eu-west-1", None).base,
            "https://sts.eu-west-1.amazonaws.com"
        );
        assert_eq!(
            service_endpoint(Service::Sts, "cn-north-1", None).base,
            "https://sts.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            service_endpoint(Service::Sts, "us-east-1", None).base,
            "https://sts.us-east-1.amazonaws.com"
        );
    }

    #[test]
    fn s3_addressing() {
        let e = s3_endpoint("us-east-1", "aaa", None, Addressing::Auto);
        assert_eq!(
            (e.base.as_str(), e.bucket_in_path),
            ("https://aaa.s3.us-east-1.amazonaws.com", false)
        );
        for path_style in ["bucket.name", "aa", "BucketName", "99a_b", "-ab", "ab-"] {
            assert!(
                s3_endpoint("us-west-2", path_style, None, Addressing::Auto).bucket_in_path,
                "{path_style}"
            );
        }
        let e = s3_endpoint(
            "us-east-1",
            "my-bucket",
            Some("http://localhost:9000"),
            Addressing::Auto,
        );
        assert_eq!(
            (e.base.as_str(), e.bucket_in_path),
            ("http://localhost:9000", true)
        );
    }
}
