//! `create`: the plan of AWS steps for new credentials, and its `--dry-run` rendering.
//!
//! The plan is computed without any network access; `--dry-run` prints it, a real
//! run will execute it step by step.

use super::{Console, check_connection, check_read_write, not_implemented};
use crate::cli::{CreateArgs, permission};
use crate::error::{Error, Result};
use crate::json::{Object, Value, to_string_compact, to_string_indent};
use crate::policy::{self, buckets_policy, public_bucket_policy};

/// The role `--duration` assumes, shared with `localserver`.
pub const ROLE_NAME: &str = "s3-credentials.AmazonS3FullAccess";

/// What to do with one bucket if it turns out not to exist.
#[derive(Debug, PartialEq)]
pub struct BucketStep {
    pub bucket: String,
    pub region: Option<String>,
    pub public: bool,
    pub website: bool,
}

#[derive(Debug, PartialEq)]
pub enum CredentialSteps {
    /// A user with one inline policy per bucket, then an access key.
    Permanent {
        user: String,
        boundary: Option<String>,
        /// (policy name, document), one per bucket.
        policies: Vec<(String, Value)>,
    },
    /// Assume the helper role with a session policy.
    Temporary {
        session_name: String,
        policy: Value,
        seconds: u32,
    },
}

#[derive(Debug, PartialEq)]
pub struct Plan {
    pub buckets: Vec<BucketStep>,
    pub credentials: CredentialSteps,
}

/// Names, documents and boundary, as `spec/create.md` §2 derives them.
pub fn plan(args: &CreateArgs) -> Result<Plan> {
    let permission = permission(args.read_only, args.write_only);
    let custom = args.policy.is_some() || !args.statements.is_empty();
    let label = if custom { "custom" } else { permission.label() };
    let all_buckets = args.buckets.join(",");
    let buckets = args
        .buckets
        .iter()
        .map(|b| BucketStep {
            bucket: b.clone(),
            region: args.bucket_region.clone(),
            public: args.public || args.website,
            website: args.website,
        })
        .collect();
    let credentials = match args.duration {
        Some(seconds) => {
            let policy = match &args.policy {
                Some(template) => template
                    .render_merged(&args.buckets)
                    .map_err(Error::Runtime)?,
                None => buckets_policy(&args.buckets, permission, &args.prefix, &args.statements),
            };
            CredentialSteps::Temporary {
                session_name: format!("s3.{label}.{all_buckets}"),
                policy,
                seconds,
            }
        }
        None => {
            let user = args
                .username
                .clone()
                .unwrap_or_else(|| format!("s3.{label}.{all_buckets}"));
            let boundary = match args.user_permissions_boundary.as_deref() {
                None | Some("") if custom => None,
                Some("none") => None,
                None | Some("") if args.read_only => {
                    Some("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess".to_string())
                }
                None | Some("") => Some("arn:aws:iam::aws:policy/AmazonS3FullAccess".to_string()),
                Some(arn) => Some(arn.to_string()),
            };
            let policies = args
                .buckets
                .iter()
                .map(|bucket| {
                    let document = match &args.policy {
                        Some(template) => template.render(bucket).map_err(Error::Runtime)?,
                        None => buckets_policy(
                            std::slice::from_ref(bucket),
                            permission,
                            &args.prefix,
                            &args.statements,
                        ),
                    };
                    Ok((format!("s3.{label}.{bucket}"), document))
                })
                .collect::<Result<Vec<_>>>()?;
            CredentialSteps::Permanent {
                user,
                boundary,
                policies,
            }
        }
    };
    Ok(Plan {
        buckets,
        credentials,
    })
}

/// The `--dry-run` text, line by line as upstream prints it.
pub fn dry_run_lines(plan: &Plan) -> Vec<String> {
    let mut lines = Vec::new();
    for step in &plan.buckets {
        let mut line = format!("Would create bucket: '{}'", step.bucket);
        if let Some(region) = &step.region {
            let config = Object::new().with(
                "CreateBucketConfiguration",
                Object::new().with("LocationConstraint", region.as_str()),
            );
            line.push_str(" with args ");
            line.push_str(&to_string_indent(&config.into(), 4));
        }
        lines.push(line);
        if step.public {
            lines.push("... then add this public access block configuration:".into());
            lines.push(to_string_compact(&policy::public_access_block_all_off()));
            lines.push("... then attach the following bucket policy to it:".into());
            lines.push(to_string_indent(&public_bucket_policy(&step.bucket), 4));
        }
        if step.website {
            lines.push("... then configure index.html and error.html website settings".into());
        }
    }
    match &plan.credentials {
        CredentialSteps::Temporary {
            policy, seconds, ..
        } => {
            lines.push(format!("Would ensure role: '{ROLE_NAME}'"));
            lines.push(format!(
                "Would assume role using following policy for {seconds} seconds:"
            ));
            lines.push(to_string_indent(policy, 4));
        }
        CredentialSteps::Permanent {
            user,
            boundary,
            policies,
        } => {
            lines.push(match boundary {
                Some(arn) => {
                    format!("Would create user: '{user}' with permissions boundary: '{arn}'")
                }
                None => format!("Would create user: '{user}'"),
            });
            for (name, document) in policies {
                lines.push(format!(
                    "Would attach policy called '{name}' to user '{user}', details:"
                ));
                lines.push(to_string_indent(document, 4));
            }
            lines.push(format!("Would call create access key for user '{user}'"));
        }
    }
    lines
}

pub fn run(args: CreateArgs, console: &mut Console) -> Result<()> {
    check_read_write(args.read_only, args.write_only)?;
    let plan = plan(&args)?;
    if args.dry_run {
        for line in dry_run_lines(&plan) {
            console.line(&line)?;
        }
        return Ok(());
    }
    check_connection(&args.connection)?;
    not_implemented("create")
}
