//! `create`: the plan of AWS steps for new credentials, and its `--dry-run` rendering.
//!
//! The plan is computed without any network access; `--dry-run` prints it. A real
//! run checks everything it can first (limits, bucket existence, the user's key
//! slots, the caller and the role), then makes its changes; if a change fails it
//! lists what this run created and how to remove it.

use super::{Console, check_read_write};
use crate::aws::credentials::Credentials;
use crate::aws::error::{AwsError, ServiceError};
use crate::aws::request::Action;
use crate::aws::s3::{
    CreateBucket, HeadBucket, PutBucketPolicy, PutBucketWebsite, PutPublicAccessBlock,
};
use crate::aws::{Client, iam, sts};
use crate::cli::{CreateArgs, CredentialFormat, permission};
use crate::env::Env;
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
                None => buckets_policy(&args.buckets, permission, &args.prefixes, &args.statements),
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
                            &args.prefixes,
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

pub fn run(args: CreateArgs, env: &Env, console: &mut Console) -> Result<()> {
    check_read_write(args.read_only, args.write_only)?;
    let plan = plan(&args)?;
    if args.dry_run {
        for line in dry_run_lines(&plan) {
            console.line(&line)?;
        }
        return Ok(());
    }
    check_limits(&plan)?;
    if args.rotate && args.duration.is_some() {
        return Err(Error::runtime(
            "--rotate replaces access keys; --duration credentials have none to rotate",
        ));
    }
    let format = args.format;
    let silent = args.silent;
    let create_bucket = args.create_bucket;
    let bucket_region = args.bucket_region.clone();
    let rules = if create_bucket {
        crate::bucket_name::Rules::New
    } else {
        crate::bucket_name::Rules::Existing
    };
    // The file is made (empty, private) before anything changes in AWS.
    let destination = match &args.output {
        Some(path) => Some(SecretFile::prepare(path, args.force)?),
        None => None,
    };
    let client = super::connect_to_buckets(args.connection, env, &args.buckets, rules)?;
    let mut run = Run {
        client: &client,
        console,
        silent,
        created: Vec::new(),
    };
    let wait = args.wait.then(|| {
        std::time::Duration::from_secs_f64(args.wait_timeout.unwrap_or(DEFAULT_WAIT_SECS))
    });
    let result = run
        .execute(&plan, create_bucket, bucket_region.as_deref(), args.rotate)
        .and_then(|issued| run.deliver(&issued, format, wait, destination));
    if result.is_err() && !run.created.is_empty() {
        let mut lines = vec!["This run created these before it failed; to undo them:".to_string()];
        for (what, undo) in &run.created {
            lines.push(format!("  {what}: {undo}"));
        }
        for line in lines {
            run.console.note(&line)?;
        }
    }
    result
}

/// How long `--wait` keeps trying by default, in seconds.
const DEFAULT_WAIT_SECS: f64 = 60.0;

/// Credentials this run issued, before they are rendered.
pub struct Issued {
    /// What `--format json` prints: the API's own object, as upstream prints it.
    pub object: Object,
    pub credentials: Credentials,
    /// From `--duration` (AssumeRole), not an access key.
    pub temporary: bool,
    /// ISO 8601, as STS sent it.
    pub expiration: Option<String>,
}

/// The credentials in the chosen format (no trailing newline).
pub fn render(issued: &Issued, format: CredentialFormat) -> String {
    let c = &issued.credentials;
    match format {
        CredentialFormat::Json => to_string_indent(&Value::Object(issued.object.clone()), 4),
        CredentialFormat::Ini if issued.temporary => format!(
            "[default]\naws_access_key_id={}\naws_secret_access_key={}\naws_session_token={}",
            c.access_key_id,
            c.secret_access_key,
            c.session_token.as_deref().unwrap_or("")
        ),
        CredentialFormat::Ini => format!(
            "[default]\naws_access_key_id={}\naws_secret_access_key={}",
            c.access_key_id, c.secret_access_key
        ),
        CredentialFormat::Env => {
            let mut lines = vec![
                format!("export AWS_ACCESS_KEY_ID={}", shell_quote(&c.access_key_id)),
                format!(
                    "export AWS_SECRET_ACCESS_KEY={}",
                    shell_quote(&c.secret_access_key)
                ),
            ];
            if let Some(token) = &c.session_token {
                lines.push(format!("export AWS_SESSION_TOKEN={}", shell_quote(token)));
            }
            lines.join("\n")
        }
        CredentialFormat::CredentialProcess => {
            let mut object = Object::new()
                .with("Version", Value::Int("1".into()))
                .with("AccessKeyId", c.access_key_id.as_str())
                .with("SecretAccessKey", c.secret_access_key.as_str());
            if let Some(token) = &c.session_token {
                object = object.with("SessionToken", token.as_str());
            }
            if let Some(expiration) = &issued.expiration {
                object = object.with("Expiration", expiration.as_str());
            }
            to_string_indent(&Value::Object(object), 4)
        }
    }
}

/// Python's `shlex.quote`: bare when only safe characters, else single quotes.
pub fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\"'\"'"))
    }
}

/// An access key's CreateDate, sortable as text.
fn created_at(key: &Object) -> String {
    match key.get("CreateDate") {
        Some(Value::Str(s)) => s.to_string_lossy(),
        Some(other) => crate::json::to_string_compact(other),
        None => String::new(),
    }
}

/// Polls sts:GetCallerIdentity with the new credentials, backing off from 0.5 s to
/// 5 s, until they work or `limit` passes. The error is one line.
fn wait_until_active(
    client: &Client,
    credentials: &Credentials,
    limit: std::time::Duration,
) -> std::result::Result<std::time::Duration, String> {
    use std::time::{Duration, Instant};
    let probe = Client::with_transport(
        client.settings().clone(),
        Some(credentials.clone()),
        client.transport(),
    );
    let started = Instant::now();
    let mut delay = Duration::from_millis(500);
    loop {
        match probe.call(&sts::GetCallerIdentity) {
            Ok(_) => return Ok(started.elapsed()),
            // IAM has not propagated the key yet.
            Err(AwsError::Service(e)) if e.status == 403 => {
                if started.elapsed() + delay > limit {
                    return Err(format!(
                        "The new credentials still fail after {:.0}s ({}: {}); they were printed anyway. Try them again shortly, or raise --wait-timeout",
                        started.elapsed().as_secs_f64(),
                        e.code,
                        e.message
                    ));
                }
                std::thread::sleep(delay);
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => {
                return Err(format!(
                    "Checking the new credentials: {e}; they were printed anyway"
                ));
            }
        }
    }
}

/// `--output FILE`: a private temporary file beside the target, made before any
/// change so an unwritable destination costs nothing, then renamed into place.
/// Dropped without `commit` (a failed run), it is removed.
struct SecretFile {
    target: std::path::PathBuf,
    temporary: std::path::PathBuf,
    file: Option<std::fs::File>,
    force: bool,
}

impl SecretFile {
    fn prepare(target: &std::path::Path, force: bool) -> Result<SecretFile> {
        use std::os::unix::fs::OpenOptionsExt;
        let shown = target.display();
        if !force && std::fs::symlink_metadata(target).is_ok() {
            return Err(Error::runtime(format!(
                "--output {shown} already exists; add --force to replace it"
            )));
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary =
            target.with_file_name(format!(".{name}.s3-credentials-{}.tmp", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temporary)
            .map_err(|e| {
                Error::runtime(format!("--output {shown}: {}", crate::cli::os_message(&e)))
            })?;
        Ok(SecretFile {
            target: target.to_path_buf(),
            temporary,
            file: Some(file),
            force,
        })
    }

    /// Writes the text and moves the file into place; the error is one line.
    fn commit(mut self, text: &str) -> std::result::Result<std::path::PathBuf, String> {
        use std::io::Write as _;
        let shown = self.target.display().to_string();
        let fail = |e: std::io::Error| format!("--output {shown}: {}", crate::cli::os_message(&e));
        let mut file = self.file.take().expect("prepared");
        file.write_all(text.as_bytes()).map_err(fail)?;
        file.write_all(b"\n").map_err(fail)?;
        file.sync_all().map_err(fail)?;
        drop(file);
        if self.force {
            std::fs::rename(&self.temporary, &self.target).map_err(fail)?;
        } else {
            // A hard link never replaces a file that appeared meanwhile.
            std::fs::hard_link(&self.temporary, &self.target).map_err(fail)?;
            let _ = std::fs::remove_file(&self.temporary);
        }
        Ok(self.target.clone())
    }
}

impl Drop for SecretFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.temporary);
    }
}

/// The longest IAM user name and STS role session name.
const NAME_LIMIT: usize = 64;
/// IAM's limit on a user's inline policies, and STS's on a session policy,
/// counted without whitespace.
const POLICY_LIMIT: usize = 2048;

fn without_whitespace(doc: &Value) -> usize {
    to_string_compact(doc)
        .chars()
        .filter(|c| !c.is_whitespace())
        .count()
}

/// Limits AWS would enforce halfway through; checked before anything changes.
pub fn check_limits(plan: &Plan) -> Result<()> {
    match &plan.credentials {
        CredentialSteps::Permanent { user, policies, .. } => {
            if user.chars().count() > NAME_LIMIT {
                return Err(Error::runtime(format!(
                    "The user name '{user}' is {} characters; IAM allows {NAME_LIMIT}. Choose a shorter one with --username",
                    user.chars().count()
                )));
            }
            let size: usize = policies.iter().map(|(_, d)| without_whitespace(d)).sum();
            if size > POLICY_LIMIT {
                return Err(Error::runtime(format!(
                    "The inline policies for user '{user}' come to {size} characters without whitespace; IAM allows {POLICY_LIMIT} per user. Use fewer buckets per user, or shorten --prefix, --statement or --policy"
                )));
            }
        }
        CredentialSteps::Temporary {
            session_name,
            policy,
            ..
        } => {
            if session_name.chars().count() > NAME_LIMIT {
                return Err(Error::runtime(format!(
                    "The role session name '{session_name}' is {} characters; STS allows {NAME_LIMIT}. Use fewer or shorter bucket names per run",
                    session_name.chars().count()
                )));
            }
            if !session_name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
            {
                return Err(Error::runtime(format!(
                    "The role session name '{session_name}' may only hold letters, digits and _+=,.@-, so these bucket names cannot be used with --duration"
                )));
            }
            let size = without_whitespace(policy);
            if size > POLICY_LIMIT {
                return Err(Error::runtime(format!(
                    "The session policy comes to {size} characters without whitespace; STS allows {POLICY_LIMIT}. Use fewer buckets, or shorten --prefix, --statement or --policy"
                )));
            }
        }
    }
    Ok(())
}

struct Run<'a, 'c> {
    client: &'a Client,
    console: &'a mut Console<'c>,
    silent: bool,
    /// (what was created, the command that removes it), in creation order.
    created: Vec<(String, String)>,
}

fn service_error(e: &AwsError) -> Option<&ServiceError> {
    match e {
        AwsError::Service(s) => Some(s),
        _ => None,
    }
}

/// What a create call that is not safe to repeat blindly came to.
enum Created<T> {
    New(T),
    /// It already existed; `ours` when an earlier unanswered attempt of this run made it.
    Existed {
        ours: bool,
    },
}

/// A create call that failed; `maybe_made` when an unanswered attempt may have made it.
struct CreateFailed {
    error: Box<AwsError>,
    maybe_made: bool,
}

impl From<CreateFailed> for Error {
    fn from(f: CreateFailed) -> Error {
        (*f.error).into()
    }
}

/// Sends a create call. When its answer is lost (no response, or one that could not
/// be read) it is sent once more, and "already exists" then means the lost attempt
/// made it: a retry never makes a second one.
fn create_once<A: Action>(
    client: &Client,
    action: &A,
    exists_codes: &[&str],
) -> std::result::Result<Created<A::Output>, CreateFailed> {
    let mut lost = false;
    loop {
        match client.call(action) {
            Ok(output) => return Ok(Created::New(output)),
            Err(e)
                if service_error(&e).is_some_and(|s| exists_codes.contains(&s.code.as_str())) =>
            {
                return Ok(Created::Existed { ours: lost });
            }
            Err(e) if e.outcome_unknown() && !lost => lost = true,
            Err(error) => {
                let maybe_made = lost || error.outcome_unknown();
                return Err(CreateFailed {
                    error: Box::new(error),
                    maybe_made,
                });
            }
        }
    }
}

impl Run<'_, '_> {
    /// `--wait` if asked, then the credentials to stdout or the `--output` file. A
    /// key that does not work yet is still printed: it exists nowhere else.
    fn deliver(
        &mut self,
        issued: &Issued,
        format: CredentialFormat,
        wait: Option<std::time::Duration>,
        destination: Option<SecretFile>,
    ) -> Result<()> {
        let waited = match wait {
            Some(limit) => wait_until_active(self.client, &issued.credentials, limit).map(Some),
            None => Ok(None),
        };
        match &waited {
            Ok(Some(after)) => self.log(&format!(
                "The new credentials work (checked with sts:GetCallerIdentity after {:.1}s)",
                after.as_secs_f64()
            ))?,
            Ok(None) if !issued.temporary => self.log(
                "Note: a new access key can take 10-15 seconds to become active; add --wait to print it once it works",
            )?,
            _ => {}
        }
        let text = render(issued, format);
        match destination {
            None => self.console.line(&text)?,
            Some(file) => match file.commit(&text) {
                Ok(path) => self
                    .console
                    .note(&format!("Wrote the credentials to {}", path.display()))?,
                Err(e) => {
                    self.console.line(&text)?;
                    return Err(Error::runtime(format!(
                        "{e}; the credentials were printed to standard output instead"
                    )));
                }
            },
        }
        waited.map(|_| ()).map_err(Error::Runtime)
    }

    fn log(&mut self, line: &str) -> Result<()> {
        if self.silent {
            Ok(())
        } else {
            self.console.note(line)
        }
    }

    fn execute(
        &mut self,
        plan: &Plan,
        create_bucket: bool,
        bucket_region: Option<&str>,
        rotate: bool,
    ) -> Result<Issued> {
        // Reads first: nothing changes unless every check passes.
        let mut missing = Vec::new();
        for step in &plan.buckets {
            if !self.bucket_exists(&step.bucket)? {
                if !create_bucket {
                    return Err(Error::runtime(format!(
                        "Bucket does not exist: {} - try --create-bucket to create it",
                        step.bucket
                    )));
                }
                missing.push(step);
            }
        }
        match &plan.credentials {
            CredentialSteps::Permanent {
                user,
                boundary,
                policies,
            } => {
                let (known_keys, retire) = match self.user_exists(user)? {
                    true => {
                        let (keys, retire) = self.check_key_slots(user, rotate)?;
                        (Some(keys), retire)
                    }
                    false => (None, None),
                };
                for step in missing {
                    self.create_bucket(step, bucket_region)?;
                }
                self.permanent(user, boundary.as_deref(), policies, known_keys, retire)
            }
            CredentialSteps::Temporary {
                session_name,
                policy,
                seconds,
            } => {
                let identity = self.client.call(&sts::GetCallerIdentity)?;
                check_role_chaining(&identity.text("Arn"), *seconds)?;
                let existing_role = self.find_role()?;
                for step in missing {
                    self.create_bucket(step, bucket_region)?;
                }
                let (role_arn, created) = match existing_role {
                    Some(arn) => (arn, false),
                    None => (self.create_role(&identity.text("Account"))?, true),
                };
                self.log(&format!("Assume role against {role_arn} for {seconds}s"))?;
                let action = sts::AssumeRole {
                    role_arn,
                    session_name: session_name.clone(),
                    policy: Some(to_string_compact(policy)),
                    duration_seconds: Some(*seconds),
                    external_id: None,
                };
                let temporary = assume_role_after_creation(self.client, &action, created)?;
                Ok(Issued {
                    object: temporary.object,
                    credentials: temporary.credentials,
                    temporary: true,
                    expiration: temporary.expiration,
                })
            }
        }
    }

    /// 404 is missing; 403 and other failures are reported as what they are.
    fn bucket_exists(&self, bucket: &str) -> Result<bool> {
        match self.client.call(&HeadBucket {
            bucket: bucket.to_string(),
        }) {
            Ok(()) => Ok(true),
            Err(AwsError::Service(e)) if e.status == 404 => Ok(false),
            Err(AwsError::Service(e)) if e.status == 403 => Err(Error::runtime(format!(
                "Bucket {bucket}: access denied (403 Forbidden). It belongs to another account, or these credentials may not use it"
            ))),
            Err(e) => Err(Error::runtime(format!("Checking bucket {bucket}: {e}"))),
        }
    }

    fn create_bucket(&mut self, step: &BucketStep, bucket_region: Option<&str>) -> Result<()> {
        let bucket = &step.bucket;
        let region = bucket_region
            .map(str::to_string)
            .unwrap_or_else(|| self.client.settings().region.clone());
        self.client.set_bucket_region(bucket, &region);
        let action = CreateBucket {
            bucket: bucket.clone(),
            region: (region != "us-east-1").then(|| region.clone()),
        };
        // Owned by this account already (made meanwhile): nothing of ours to undo.
        let undo = format!("aws s3api delete-bucket --bucket {bucket} --region {region}");
        let ours = match create_once(self.client, &action, &["BucketAlreadyOwnedByYou"]) {
            Ok(Created::New(())) => true,
            Ok(Created::Existed { ours }) => ours,
            Err(failed) => {
                if failed.maybe_made {
                    self.created.push((
                        format!("bucket {bucket}, if its unanswered creation went through"),
                        undo,
                    ));
                }
                return Err(failed.into());
            }
        };
        if ours {
            self.created.push((format!("bucket {bucket}"), undo));
        }
        match bucket_region {
            Some(r) => self.log(&format!("Created bucket: {bucket} in region: {r}"))?,
            None => self.log(&format!("Created bucket: {bucket}"))?,
        }
        if step.public {
            let settings = [
                "BlockPublicAcls",
                "IgnorePublicAcls",
                "BlockPublicPolicy",
                "RestrictPublicBuckets",
            ]
            .map(|k| (k, false))
            .to_vec();
            self.client.call(&PutPublicAccessBlock {
                bucket: bucket.clone(),
                settings,
            })?;
            self.log("Set public access block configuration")?;
            self.client.call(&PutBucketPolicy {
                bucket: bucket.clone(),
                policy: to_string_compact(&public_bucket_policy(bucket)),
            })?;
            self.log("Attached bucket policy allowing public access")?;
        }
        if step.website {
            self.client.call(&PutBucketWebsite {
                bucket: bucket.clone(),
            })?;
            self.log("Configured website: IndexDocument=index.html, ErrorDocument=error.html")?;
        }
        Ok(())
    }

    fn user_exists(&self, user: &str) -> Result<bool> {
        match self.client.call(&iam::get_user(user)) {
            Ok(_) => Ok(true),
            Err(e) if service_error(&e).is_some_and(|s| s.code == "NoSuchEntity") => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// The user's access keys: (ID, creation date as sortable text).
    fn list_keys(&self, user: &str) -> Result<Vec<(String, String)>> {
        let result = self.client.call(&iam::list_access_keys(user, None))?;
        Ok(iam::access_keys(&result)
            .items
            .iter()
            .map(|k| (k.text("AccessKeyId"), created_at(k)))
            .collect())
    }

    fn access_key_ids(&self, user: &str) -> Result<Vec<String>> {
        Ok(self
            .list_keys(user)?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
    }

    /// CreateAccessKey. A key whose answer was lost cannot be used (its secret is
    /// gone), so it is deleted before trying again: the user never ends up with a
    /// key nobody holds. `before`: the user's key IDs before this call.
    fn create_access_key(
        &mut self,
        user: &str,
        before: &[String],
    ) -> Result<crate::aws::xml::Element> {
        let mut lost = false;
        loop {
            match self.client.call(&iam::create_access_key(user)) {
                Ok(result) => return Ok(result),
                Err(e) if service_error(&e).is_some_and(|s| s.code == "LimitExceeded") => {
                    self.check_key_slots(user, false)?;
                    return Err(e.into());
                }
                Err(e) if e.outcome_unknown() => {
                    for key in self.access_key_ids(user)? {
                        if !before.contains(&key) {
                            self.client.call(&iam::delete_access_key(user, &key))?;
                            self.console.note(&format!(
                                "Deleted access key {key}: the answer to its creation was lost, and with it the secret"
                            ))?;
                        }
                    }
                    if lost {
                        return Err(e.into());
                    }
                    lost = true;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// IAM allows two access keys per user: name them and say how to free one, or
    /// with `rotate` pick the oldest to delete. Returns the user's key IDs and the
    /// key to retire.
    fn check_key_slots(&self, user: &str, rotate: bool) -> Result<(Vec<String>, Option<String>)> {
        let mut listed = self.list_keys(user)?;
        let keys: Vec<String> = listed.iter().map(|(id, _)| id.clone()).collect();
        if keys.len() >= 2 && rotate {
            listed.sort_by(|a, b| a.1.cmp(&b.1));
            return Ok((keys, Some(listed[0].0.clone())));
        }
        if keys.len() >= 2 {
            return Err(Error::runtime(format!(
                "User {user} already has {} access keys ({}); IAM allows 2. Add --rotate to replace the oldest, or free a slot with: aws iam delete-access-key --user-name {user} --access-key-id {}",
                keys.len(),
                keys.join(", "),
                keys[0]
            )));
        }
        Ok((keys, None))
    }

    /// `known_keys`: the user's access key IDs when already listed.
    fn permanent(
        &mut self,
        user: &str,
        boundary: Option<&str>,
        policies: &[(String, Value)],
        known_keys: Option<Vec<String>>,
        retire: Option<String>,
    ) -> Result<Issued> {
        let user_exists = known_keys.is_some();
        let mut created_user = false;
        if !user_exists {
            // Created meanwhile by someone else: use it, as upstream does.
            created_user = match create_once(
                self.client,
                &iam::create_user(user, boundary),
                &["EntityAlreadyExists"],
            ) {
                Ok(Created::New(_)) => true,
                Ok(Created::Existed { ours }) => ours,
                Err(failed) => {
                    if failed.maybe_made {
                        self.created.push((
                            format!("user {user}, if its unanswered creation went through"),
                            format!("s3-credentials delete-user {user}"),
                        ));
                    }
                    return Err(failed.into());
                }
            };
            if created_user {
                self.created.push((
                    format!("user {user}"),
                    format!("s3-credentials delete-user {user}"),
                ));
                match boundary {
                    Some(arn) => self.log(&format!(
                        "Created user: '{user}' with permissions boundary: '{arn}'"
                    ))?,
                    None => self.log(&format!("Created user: '{user}'"))?,
                }
            }
        }
        for (name, document) in policies {
            self.client.call(&iam::put_user_policy(
                user,
                name,
                &to_string_compact(document),
            ))?;
            if !created_user {
                self.created.push((
                    format!("inline policy {name} on user {user}"),
                    format!("aws iam delete-user-policy --user-name {user} --policy-name {name}"),
                ));
            }
            self.log(&format!("Attached policy {name} to user {user}"))?;
        }
        let mut before = match known_keys {
            Some(keys) => keys,
            None if created_user => Vec::new(),
            None => self.access_key_ids(user)?,
        };
        if let Some(old) = retire {
            self.client.call(&iam::delete_access_key(user, &old))?;
            before.retain(|k| *k != old);
            // Said even with --silent: a key that stops working must be announced.
            self.console.note(&format!(
                "Deleted access key {old}, the oldest of user {user}'s two keys (--rotate)"
            ))?;
        }
        let result = self.create_access_key(user, &before)?;
        self.log(&format!("Created access key for user: {user}"))?;
        let key = iam::one(&result, "AccessKey", iam::ACCESS_KEY).unwrap_or_default();
        Ok(Issued {
            credentials: Credentials {
                access_key_id: key.text("AccessKeyId"),
                secret_access_key: key.text("SecretAccessKey"),
                session_token: None,
                source: "create",
            },
            object: key,
            temporary: false,
            expiration: None,
        })
    }

    /// The helper role's ARN if it exists.
    fn find_role(&self) -> Result<Option<String>> {
        match self.client.call(&iam::get_role(ROLE_NAME)) {
            Ok(result) => Ok(iam::one(&result, "Role", iam::ROLE).map(|r| r.text("Arn"))),
            Err(e) if service_error(&e).is_some_and(|s| s.code == "NoSuchEntity") => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Creates the helper role (trusting the account) with AmazonS3FullAccess attached.
    fn create_role(&mut self, account: &str) -> Result<String> {
        let arn = create_helper_role(self.client, account)?;
        self.created.push((
            format!("role {ROLE_NAME}"),
            format!(
                "aws iam detach-role-policy --role-name {ROLE_NAME} --policy-arn {S3_FULL_ACCESS} && aws iam delete-role --role-name {ROLE_NAME}"
            ),
        ));
        Ok(arn)
    }
}

const S3_FULL_ACCESS: &str = "arn:aws:iam::aws:policy/AmazonS3FullAccess";

/// The role `--duration` and `localserver` assume: created with upstream's trust
/// policy, description and 12-hour limit, with AmazonS3FullAccess attached.
pub fn create_helper_role(client: &Client, account: &str) -> Result<String> {
    let trust = Object::new().with("Version", "2012-10-17").with(
        "Statement",
        vec![Value::Object(
            Object::new()
                .with("Effect", "Allow")
                .with(
                    "Principal",
                    Object::new().with("AWS", format!("arn:aws:iam::{account}:root")),
                )
                .with("Action", "sts:AssumeRole"),
        )],
    );
    let query = iam::create_role(
        ROLE_NAME,
        &to_string_compact(&trust.into()),
        "Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets",
        43200,
    );
    let arn = match create_once(client, &query, &["EntityAlreadyExists"])? {
        Created::New(result) => iam::one(&result, "Role", iam::ROLE).map(|r| r.text("Arn")),
        Created::Existed { .. } => {
            let result = client.call(&iam::get_role(ROLE_NAME))?;
            iam::one(&result, "Role", iam::ROLE).map(|r| r.text("Arn"))
        }
    }
    .unwrap_or_default();
    client.call(&iam::attach_role_policy(ROLE_NAME, S3_FULL_ACCESS))?;
    Ok(arn)
}

/// Role chaining: credentials that are themselves a role session can only assume
/// a role for up to an hour.
pub fn check_role_chaining(caller_arn: &str, seconds: u32) -> Result<()> {
    if caller_arn.contains(":assumed-role/") && seconds > 3600 {
        return Err(Error::runtime(format!(
            "These credentials are a role session ({caller_arn}); AWS limits role chaining to 1 hour, so --duration can be at most 1h here"
        )));
    }
    Ok(())
}

/// AssumeRole; right after this run created the role, IAM may take seconds to
/// let it be assumed, so AccessDenied is retried with backoff for about 30 s.
pub fn assume_role_after_creation(
    client: &Client,
    action: &sts::AssumeRole,
    role_is_new: bool,
) -> Result<sts::Temporary> {
    let started = std::time::Instant::now();
    let mut delay = std::time::Duration::from_millis(500);
    loop {
        match client.call(action) {
            Ok(t) => return Ok(t),
            Err(e)
                if role_is_new
                    && service_error(&e).is_some_and(|s| s.code == "AccessDenied")
                    && started.elapsed() < std::time::Duration::from_secs(30) =>
            {
                std::thread::sleep(delay);
                delay = (delay * 2).min(std::time::Duration::from_secs(8));
            }
            Err(e) => return Err(e.into()),
        }
    }
}
