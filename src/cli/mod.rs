//! The command line: from `argv` to one plain, typed [`Command`].
//!
//! `spec` holds the grammar as tables, `parse` applies click's rules to them,
//! `convert` types each value and `help` renders help text. Nothing here reads the
//! environment or talks to the network; file-typed options are probed while
//! converting, as upstream does (see `convert`).

pub mod completions;
pub mod convert;
pub mod help;
mod parse;
pub mod spec;
mod suggest;

use std::ffi::OsString;
use std::path::PathBuf;

use convert::Val;
pub use convert::{InputFile, os_message};
use parse::{Matches, Parsed, append_suggestion, no_such_option, parse_command};

use crate::error::{Error, Scope};
use crate::json::Value;
use crate::policy::{Permission, PolicyTemplate};
use crate::pyrepr::repr;

/// What `main` should do.
#[derive(Debug)]
pub enum Invocation {
    /// Print to stdout and exit 0.
    Help(String),
    Version,
    Run(Box<Command>),
}

/// The credential and connection options shared by every AWS command.
#[derive(Debug, Default)]
pub struct Connection {
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub session_token: Option<String>,
    pub endpoint_url: Option<String>,
    pub auth: Option<InputFile>,
    pub region: Option<String>,
    pub debug: bool,
    pub profile: Option<String>,
    /// Seconds; `None` for the default.
    pub connect_timeout: Option<f64>,
    pub read_timeout: Option<f64>,
}

/// `--nl`, `--csv`, `--tsv`; `--nl` beats `--tsv`, which beats `--csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFormat {
    Json,
    Nl,
    Csv,
    Tsv,
}

#[derive(Debug)]
pub struct PolicyArgs {
    pub buckets: Vec<String>,
    pub read_only: bool,
    pub write_only: bool,
    /// `--prefix`, repeatable; `["*"]` when not given.
    pub prefixes: Vec<String>,
    pub statements: Vec<Value>,
    pub public_bucket: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialFormat {
    Json,
    Ini,
    /// `export NAME=value` lines (an extension).
    Env,
    /// The JSON a `credential_process` prints (an extension).
    CredentialProcess,
}

#[derive(Debug)]
pub struct CreateArgs {
    pub buckets: Vec<String>,
    /// `--output FILE`: credentials go there (mode 0600), not to stdout.
    pub output: Option<PathBuf>,
    pub force: bool,
    /// `--wait`: print only once GetCallerIdentity works with the new keys.
    pub wait: bool,
    /// Seconds; `None` for the default.
    pub wait_timeout: Option<f64>,
    /// `--rotate`: delete the user's oldest key when it already has two.
    pub rotate: bool,
    pub format: CredentialFormat,
    pub duration: Option<u32>,
    pub username: Option<String>,
    pub create_bucket: bool,
    pub prefixes: Vec<String>,
    pub public: bool,
    pub website: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub policy: Option<PolicyTemplate>,
    pub statements: Vec<Value>,
    pub bucket_region: Option<String>,
    pub silent: bool,
    pub dry_run: bool,
    pub user_permissions_boundary: Option<String>,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct ListRolesArgs {
    pub role_names: Vec<String>,
    pub details: bool,
    pub format: ListFormat,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct ListBucketsArgs {
    pub buckets: Vec<String>,
    pub details: bool,
    pub format: ListFormat,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct ListBucketArgs {
    pub bucket: String,
    pub prefix: Option<String>,
    pub urls: bool,
    pub format: ListFormat,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct PutObjectArgs {
    pub bucket: String,
    pub key: String,
    pub path: InputFile,
    pub content_type: Option<String>,
    pub silent: bool,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct PutObjectsArgs {
    pub bucket: String,
    pub objects: Vec<String>,
    pub prefix: Option<String>,
    pub silent: bool,
    pub dry_run: bool,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct GetObjectArgs {
    pub bucket: String,
    pub key: String,
    pub output: Option<PathBuf>,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct GetObjectsArgs {
    pub bucket: String,
    pub keys: Vec<String>,
    pub output: Option<PathBuf>,
    pub patterns: Vec<String>,
    pub silent: bool,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct DeleteObjectsArgs {
    pub bucket: String,
    pub keys: Vec<String>,
    pub prefix: Option<String>,
    pub silent: bool,
    pub dry_run: bool,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct SetCorsPolicyArgs {
    pub bucket: String,
    pub allowed_methods: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: Option<i64>,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct SetBucketPolicyArgs {
    pub bucket: String,
    pub policy_file: Option<InputFile>,
    pub allow_all_get: bool,
    pub connection: Connection,
}

/// The four public-access-block settings, each only when given.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PublicAccessBlock {
    pub block_public_acls: Option<bool>,
    pub ignore_public_acls: Option<bool>,
    pub block_public_policy: Option<bool>,
    pub restrict_public_buckets: Option<bool>,
}

#[derive(Debug)]
pub struct SetPublicAccessBlockArgs {
    pub bucket: String,
    pub settings: PublicAccessBlock,
    pub allow_public_access: bool,
    pub connection: Connection,
}

#[derive(Debug)]
pub struct LocalserverArgs {
    pub bucket: String,
    pub port: i64,
    pub host: String,
    pub read_only: bool,
    pub write_only: bool,
    pub prefixes: Vec<String>,
    pub statements: Vec<Value>,
    pub duration: u32,
    pub connection: Connection,
}

/// One bucket and the connection: the get-* commands and debug-bucket.
#[derive(Debug)]
pub struct BucketArgs {
    pub bucket: String,
    pub connection: Connection,
}

#[derive(Debug)]
pub enum Command {
    Create(CreateArgs),
    DebugBucket(BucketArgs),
    DeleteObjects(DeleteObjectsArgs),
    DeleteUser {
        usernames: Vec<String>,
        connection: Connection,
    },
    GetBucketPolicy(BucketArgs),
    GetCorsPolicy(BucketArgs),
    GetObject(GetObjectArgs),
    GetObjects(GetObjectsArgs),
    GetPublicAccessBlock(BucketArgs),
    ListBucket(ListBucketArgs),
    ListBuckets(ListBucketsArgs),
    ListRoles(ListRolesArgs),
    ListUserPolicies {
        usernames: Vec<String>,
        connection: Connection,
    },
    ListUsers {
        format: ListFormat,
        connection: Connection,
    },
    Localserver(LocalserverArgs),
    Policy(PolicyArgs),
    PutObject(PutObjectArgs),
    PutObjects(PutObjectsArgs),
    SetBucketPolicy(SetBucketPolicyArgs),
    SetCorsPolicy(SetCorsPolicyArgs),
    SetPublicAccessBlock(SetPublicAccessBlockArgs),
    Whoami(Connection),
    /// An extension: a presigned URL for one object.
    Presign(PresignArgs),
    /// An extension: a shell completion script.
    Completions {
        shell: String,
    },
}

#[derive(Debug)]
pub struct PresignArgs {
    pub bucket: String,
    pub key: String,
    /// Seconds.
    pub expires_in: u32,
    /// `GET` or `PUT`.
    pub method: String,
    pub connection: Connection,
}

impl Command {
    /// The command's name as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Create(_) => "create",
            Command::DebugBucket(_) => "debug-bucket",
            Command::DeleteObjects(_) => "delete-objects",
            Command::DeleteUser { .. } => "delete-user",
            Command::GetBucketPolicy(_) => "get-bucket-policy",
            Command::GetCorsPolicy(_) => "get-cors-policy",
            Command::GetObject(_) => "get-object",
            Command::GetObjects(_) => "get-objects",
            Command::GetPublicAccessBlock(_) => "get-public-access-block",
            Command::ListBucket(_) => "list-bucket",
            Command::ListBuckets(_) => "list-buckets",
            Command::ListRoles(_) => "list-roles",
            Command::ListUserPolicies { .. } => "list-user-policies",
            Command::ListUsers { .. } => "list-users",
            Command::Localserver(_) => "localserver",
            Command::Policy(_) => "policy",
            Command::PutObject(_) => "put-object",
            Command::PutObjects(_) => "put-objects",
            Command::SetBucketPolicy(_) => "set-bucket-policy",
            Command::SetCorsPolicy(_) => "set-cors-policy",
            Command::SetPublicAccessBlock(_) => "set-public-access-block",
            Command::Whoami(_) => "whoami",
            Command::Presign(_) => "presign",
            Command::Completions { .. } => "completions",
        }
    }
}

/// Which permission a pair of `--read-only`/`--write-only` flags selects (both: write-only;
/// commands that refuse the pair check it first).
pub fn permission(read_only: bool, write_only: bool) -> Permission {
    if write_only {
        Permission::WriteOnly
    } else if read_only {
        Permission::ReadOnly
    } else {
        Permission::ReadWrite
    }
}

/// Parses the arguments after the program name.
pub fn parse(prog: &str, args: Vec<OsString>) -> Result<Invocation, Error> {
    if args.is_empty() {
        return Err(Error::NoArguments);
    }
    let top = Scope::TopLevel;
    let mut parser = lexopt::Parser::from_args(args);
    parser.set_short_equals(false);
    // Eager top-level flags act in the order given, once the line has parsed.
    let mut eager: Option<Invocation> = None;
    let command = loop {
        match parser.next() {
            Ok(Some(lexopt::Arg::Long(name))) => {
                let name = name.to_string();
                let typed = format!("--{name}");
                let action = match name.as_str() {
                    "help" => Invocation::Help(help::top_help(prog)),
                    "version" => Invocation::Version,
                    _ => return Err(no_such_option(top, &typed, &["--version", "--help"])),
                };
                if parser.optional_value().is_some() {
                    return Err(Error::BareUsage(format!(
                        "Option {} does not take a value.",
                        repr(&typed)
                    )));
                }
                eager.get_or_insert(action);
            }
            Ok(Some(lexopt::Arg::Short(c))) => {
                return Err(no_such_option(top, &format!("-{c}"), &[]));
            }
            Ok(Some(lexopt::Arg::Value(v))) => break Some(v),
            Ok(None) => break None,
            Err(e) => return Err(Error::BareUsage(e.to_string())),
        }
    };
    if let Some(action) = eager {
        return Ok(action);
    }
    let Some(command) = command else {
        return Err(Error::Usage {
            scope: top,
            message: "Missing command.".into(),
        });
    };
    let name = command.to_string_lossy().into_owned();
    let Some(spec) = spec::find(&name) else {
        let mut message = format!("No such command {}.", repr(&name));
        let names: Vec<&str> = spec::COMMANDS.iter().map(|c| c.name).collect();
        append_suggestion(&mut message, &suggest::close_matches(&name, &names));
        return Err(Error::Usage {
            scope: top,
            message,
        });
    };
    let rest: Vec<OsString> = parser
        .raw_args()
        .map(|raw| raw.collect())
        .unwrap_or_default();
    match parse_command(spec, rest)? {
        Parsed::Help => Ok(Invocation::Help(help::command_help(prog, spec))),
        Parsed::Matches(m) => Ok(Invocation::Run(Box::new(build(spec.name, m)))),
    }
}

fn connection(m: &mut Matches) -> Connection {
    Connection {
        access_key: m.text("access-key"),
        secret_key: m.text("secret-key"),
        session_token: m.text("session-token"),
        endpoint_url: m.text("endpoint-url"),
        auth: take_file(m, "auth"),
        region: m.text("region"),
        debug: m.flag("debug"),
        profile: m.text("profile"),
        connect_timeout: take_seconds(m, "connect-timeout"),
        read_timeout: take_seconds(m, "read-timeout"),
    }
}

fn list_format(m: &Matches) -> ListFormat {
    if m.flag("nl") {
        ListFormat::Nl
    } else if m.flag("tsv") {
        ListFormat::Tsv
    } else if m.flag("csv") {
        ListFormat::Csv
    } else {
        ListFormat::Json
    }
}

fn take_seconds(m: &mut Matches, long: &str) -> Option<f64> {
    match m.take(long)? {
        Val::Seconds(s) => Some(s),
        _ => None,
    }
}

fn take_file(m: &mut Matches, long: &str) -> Option<InputFile> {
    match m.take(long)? {
        Val::File(f) => Some(f),
        _ => None,
    }
}

fn take_path(m: &mut Matches, long: &str) -> Option<PathBuf> {
    match m.take(long)? {
        Val::Path(p) => Some(p),
        _ => None,
    }
}

fn take_duration(m: &mut Matches) -> Option<u32> {
    match m.take("duration")? {
        Val::Duration(d) => Some(d),
        _ => None,
    }
}

fn take_int(m: &mut Matches, long: &str) -> Option<i64> {
    match m.take(long)? {
        Val::Int(n) => Some(n),
        _ => None,
    }
}

fn take_bool(m: &mut Matches, long: &str) -> Option<bool> {
    match m.take(long)? {
        Val::Bool(b) => Some(b),
        _ => None,
    }
}

/// `--prefix` given any number of times; none means the whole bucket.
fn prefixes(m: &mut Matches) -> Vec<String> {
    let given = m.texts("prefix");
    if given.is_empty() {
        vec!["*".into()]
    } else {
        given
    }
}

fn statements(m: &mut Matches) -> Vec<Value> {
    m.take_all("statement")
        .into_iter()
        .filter_map(|v| match v {
            Val::Json(j) => Some(j),
            _ => None,
        })
        .collect()
}

fn bucket_args(m: &mut Matches) -> BucketArgs {
    BucketArgs {
        bucket: m.arg_text("BUCKET"),
        connection: connection(m),
    }
}

/// Moves the converted values into the command's struct, applying defaults.
fn build(name: &str, mut m: Matches) -> Command {
    let m = &mut m;
    match name {
        "create" => Command::Create(CreateArgs {
            buckets: m.arg_texts("BUCKETS"),
            format: match m.text("format").as_deref() {
                Some("ini") => CredentialFormat::Ini,
                Some("env") => CredentialFormat::Env,
                Some("credential-process") => CredentialFormat::CredentialProcess,
                _ => CredentialFormat::Json,
            },
            duration: take_duration(m),
            username: m.text("username"),
            create_bucket: m.flag("create-bucket"),
            prefixes: prefixes(m),
            public: m.flag("public"),
            website: m.flag("website"),
            read_only: m.flag("read-only"),
            write_only: m.flag("write-only"),
            policy: match m.take("policy") {
                Some(Val::Policy(p)) => Some(p),
                _ => None,
            },
            statements: statements(m),
            bucket_region: m.text("bucket-region"),
            silent: m.flag("silent"),
            dry_run: m.flag("dry-run"),
            user_permissions_boundary: m.text("user-permissions-boundary"),
            output: take_path(m, "output"),
            force: m.flag("force"),
            wait: m.flag("wait"),
            wait_timeout: take_seconds(m, "wait-timeout"),
            rotate: m.flag("rotate"),
            connection: connection(m),
        }),
        "debug-bucket" => Command::DebugBucket(bucket_args(m)),
        "delete-objects" => Command::DeleteObjects(DeleteObjectsArgs {
            bucket: m.arg_text("BUCKET"),
            keys: m.arg_texts("KEYS"),
            prefix: m.text("prefix"),
            silent: m.flag("silent"),
            dry_run: m.flag("dry-run"),
            connection: connection(m),
        }),
        "delete-user" => Command::DeleteUser {
            usernames: m.arg_texts("USERNAMES"),
            connection: connection(m),
        },
        "get-bucket-policy" => Command::GetBucketPolicy(bucket_args(m)),
        "get-cors-policy" => Command::GetCorsPolicy(bucket_args(m)),
        "get-object" => Command::GetObject(GetObjectArgs {
            bucket: m.arg_text("BUCKET"),
            key: m.arg_text("KEY"),
            output: take_path(m, "output"),
            connection: connection(m),
        }),
        "get-objects" => Command::GetObjects(GetObjectsArgs {
            bucket: m.arg_text("BUCKET"),
            keys: m.arg_texts("KEYS"),
            output: take_path(m, "output"),
            patterns: m.texts("pattern"),
            silent: m.flag("silent"),
            connection: connection(m),
        }),
        "get-public-access-block" => Command::GetPublicAccessBlock(bucket_args(m)),
        "list-bucket" => Command::ListBucket(ListBucketArgs {
            bucket: m.arg_text("BUCKET"),
            prefix: m.text("prefix"),
            urls: m.flag("urls"),
            format: list_format(m),
            connection: connection(m),
        }),
        "list-buckets" => Command::ListBuckets(ListBucketsArgs {
            buckets: m.arg_texts("BUCKETS"),
            details: m.flag("details"),
            format: list_format(m),
            connection: connection(m),
        }),
        "list-roles" => Command::ListRoles(ListRolesArgs {
            role_names: m.arg_texts("ROLE_NAMES"),
            details: m.flag("details"),
            format: list_format(m),
            connection: connection(m),
        }),
        "list-user-policies" => Command::ListUserPolicies {
            usernames: m.arg_texts("USERNAMES"),
            connection: connection(m),
        },
        "list-users" => Command::ListUsers {
            format: list_format(m),
            connection: connection(m),
        },
        "localserver" => Command::Localserver(LocalserverArgs {
            bucket: m.arg_text("BUCKET"),
            port: take_int(m, "port").unwrap_or(8094),
            host: m.text("host").unwrap_or_else(|| "localhost".into()),
            read_only: m.flag("read-only"),
            write_only: m.flag("write-only"),
            prefixes: prefixes(m),
            statements: statements(m),
            duration: take_duration(m).unwrap_or(0),
            connection: connection(m),
        }),
        "policy" => Command::Policy(PolicyArgs {
            buckets: m.arg_texts("BUCKETS"),
            read_only: m.flag("read-only"),
            write_only: m.flag("write-only"),
            prefixes: prefixes(m),
            statements: statements(m),
            public_bucket: m.flag("public-bucket"),
        }),
        "put-object" => Command::PutObject(PutObjectArgs {
            bucket: m.arg_text("BUCKET"),
            key: m.arg_text("KEY"),
            path: match m.arg_vals("PATH").pop() {
                Some(Val::File(f)) => f,
                _ => InputFile::Stdin,
            },
            content_type: m.text("content-type"),
            silent: m.flag("silent"),
            connection: connection(m),
        }),
        "put-objects" => Command::PutObjects(PutObjectsArgs {
            bucket: m.arg_text("BUCKET"),
            objects: m.arg_texts("OBJECTS"),
            prefix: m.text("prefix"),
            silent: m.flag("silent"),
            dry_run: m.flag("dry-run"),
            connection: connection(m),
        }),
        "set-bucket-policy" => Command::SetBucketPolicy(SetBucketPolicyArgs {
            bucket: m.arg_text("BUCKET"),
            policy_file: take_file(m, "policy-file"),
            allow_all_get: m.flag("allow-all-get"),
            connection: connection(m),
        }),
        "set-cors-policy" => Command::SetCorsPolicy(SetCorsPolicyArgs {
            bucket: m.arg_text("BUCKET"),
            allowed_methods: m.texts("allowed-method"),
            allowed_headers: m.texts("allowed-header"),
            allowed_origins: m.texts("allowed-origin"),
            expose_headers: m.texts("expose-header"),
            max_age_seconds: take_int(m, "max-age-seconds"),
            connection: connection(m),
        }),
        "set-public-access-block" => Command::SetPublicAccessBlock(SetPublicAccessBlockArgs {
            bucket: m.arg_text("BUCKET"),
            settings: PublicAccessBlock {
                block_public_acls: take_bool(m, "block-public-acls"),
                ignore_public_acls: take_bool(m, "ignore-public-acls"),
                block_public_policy: take_bool(m, "block-public-policy"),
                restrict_public_buckets: take_bool(m, "restrict-public-buckets"),
            },
            allow_public_access: m.flag("allow-public-access"),
            connection: connection(m),
        }),
        "whoami" => Command::Whoami(connection(m)),
        "presign" => Command::Presign(PresignArgs {
            bucket: m.arg_text("BUCKET"),
            key: m.arg_text("KEY"),
            expires_in: match m.take("expires-in") {
                Some(Val::Duration(d)) => d,
                _ => 3600,
            },
            method: m.text("method").unwrap_or_else(|| "GET".into()),
            connection: connection(m),
        }),
        "completions" => Command::Completions {
            shell: m.arg_text("SHELL"),
        },
        other => unreachable!("command {other} is in the spec table but has no builder"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_args(args: &[&str]) -> Result<Invocation, Error> {
        parse("s3-credentials", args.iter().map(OsString::from).collect())
    }

    fn command(args: &[&str]) -> Command {
        match parse_args(args) {
            Ok(Invocation::Run(c)) => *c,
            other => panic!("{args:?} did not parse to a command: {other:?}"),
        }
    }

    #[test]
    fn every_command_in_the_table_builds() {
        let samples: &[&[&str]] = &[
            &["create", "b"],
            &["debug-bucket", "b"],
            &["delete-objects", "b"],
            &["delete-user", "u"],
            &["get-bucket-policy", "b"],
            &["get-cors-policy", "b"],
            &["get-object", "b", "k"],
            &["get-objects", "b"],
            &["get-public-access-block", "b"],
            &["list-bucket", "b"],
            &["list-buckets"],
            &["list-roles"],
            &["list-user-policies"],
            &["list-users"],
            &["localserver", "b", "-d", "1h"],
            &["policy", "b"],
            &["put-object", "b", "k", "-"],
            &["put-objects", "b", "x"],
            &["set-bucket-policy", "b"],
            &["set-cors-policy", "b"],
            &["set-public-access-block", "b"],
            &["whoami"],
            &["presign", "b", "k"],
            &["completions", "bash"],
        ];
        assert_eq!(samples.len(), spec::COMMANDS.len());
        for args in samples {
            assert_eq!(command(args).name(), args[0]);
        }
    }

    #[test]
    fn short_h_is_allowed_header_in_set_cors_policy() {
        let Command::SetCorsPolicy(a) = command(&[
            "set-cors-policy",
            "b",
            "-h",
            "Authorization",
            "-m",
            "GET",
            "-m",
            "PUT",
            "--max-age-seconds",
            " 1_0 ",
        ]) else {
            panic!("wrong command")
        };
        assert_eq!(a.allowed_headers, ["Authorization"]);
        assert_eq!(a.allowed_methods, ["GET", "PUT"]);
        assert_eq!(a.max_age_seconds, Some(10));
    }

    #[test]
    fn defaults_and_list_format_precedence() {
        let Command::Localserver(a) = command(&["localserver", "b", "-d", "15m"]) else {
            panic!()
        };
        assert_eq!(
            (a.port, a.host.as_str(), a.prefixes.clone(), a.duration),
            (8094, "localhost", vec!["*".to_string()], 900)
        );
        let Command::Policy(p) = command(&["policy", "b", "--prefix", "a/", "--prefix", "b/"])
        else {
            panic!()
        };
        assert_eq!(p.prefixes, ["a/", "b/"]);
        let fmt = |extra: &[&str]| {
            let mut args = vec!["list-users"];
            args.extend_from_slice(extra);
            match command(&args) {
                Command::ListUsers { format, .. } => format,
                _ => panic!(),
            }
        };
        assert_eq!(fmt(&[]), ListFormat::Json);
        assert_eq!(fmt(&["--csv"]), ListFormat::Csv);
        assert_eq!(fmt(&["--csv", "--tsv"]), ListFormat::Tsv);
        assert_eq!(fmt(&["--tsv", "--nl", "--csv"]), ListFormat::Nl);
    }

    #[test]
    fn set_public_access_block_keeps_only_given_settings() {
        let Command::SetPublicAccessBlock(a) = command(&[
            "set-public-access-block",
            "b",
            "--restrict-public-buckets",
            "no",
            "--block-public-acls",
            "true",
        ]) else {
            panic!()
        };
        assert_eq!(
            a.settings,
            PublicAccessBlock {
                block_public_acls: Some(true),
                ignore_public_acls: None,
                block_public_policy: None,
                restrict_public_buckets: Some(false),
            }
        );
    }

    #[test]
    fn no_arguments_is_its_own_error() {
        assert_eq!(parse_args(&[]).unwrap_err(), Error::NoArguments);
    }
}
