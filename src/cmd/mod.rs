//! Running a parsed command: one module per area of commands.
//!
//! Commands write through a [`Console`], so tests can capture both streams.

mod buckets;
mod create;
mod identity;
mod localserver;
mod objects;
mod policy;
mod transfer;

use std::io::Write;

use crate::aws;
use crate::cli::{Command, Connection};
use crate::env::Env;
use crate::error::{Error, Result};

/// Where a command's output goes.
pub struct Console<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
}

impl Console<'_> {
    /// One line on stdout.
    pub fn line(&mut self, text: &str) -> Result<()> {
        writeln!(self.out, "{text}").map_err(write_error)
    }

    /// One line on stderr (stdout is flushed first, so the two interleave in order).
    pub fn note(&mut self, text: &str) -> Result<()> {
        self.out.flush().map_err(write_error)?;
        writeln!(self.err, "{text}").map_err(write_error)
    }
}

/// A failed write to the console; a closed pipe ends the program quietly.
pub fn write_error(e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Error::BrokenPipe
    } else {
        Error::runtime(format!("cannot write output: {e}"))
    }
}

pub fn run(command: Command, env: &Env, console: &mut Console) -> Result<()> {
    match command {
        Command::Whoami(connection) => identity::whoami(connection, env, console),
        Command::ListUsers { format, connection } => {
            identity::list_users(format, connection, env, console)
        }
        Command::ListRoles(args) => identity::list_roles(args, env, console),
        Command::ListUserPolicies {
            usernames,
            connection,
        } => identity::list_user_policies(usernames, connection, env, console),
        Command::DeleteUser {
            usernames,
            connection,
        } => identity::delete_user(usernames, connection, env, console),
        Command::Policy(args) => policy::run(&args, console),
        Command::Create(args) => create::run(args, env, console),
        Command::PutObjects(args) => objects::put_objects(args, env, console),
        Command::PutObject(args) => objects::put_object(args, env, console),
        Command::GetObject(args) => objects::get_object(args, env, console),
        Command::GetObjects(args) => objects::get_objects(args, env, console),
        Command::DeleteObjects(args) => objects::delete_objects(args, env, console),
        Command::SetBucketPolicy(args) => buckets::set_bucket_policy(args, env, console),
        Command::SetPublicAccessBlock(args) => buckets::set_public_access_block(args, env, console),
        Command::ListBuckets(args) => buckets::list_buckets(args, env, console),
        Command::ListBucket(args) => buckets::list_bucket(args, env, console),
        Command::GetCorsPolicy(args) => buckets::get_cors_policy(args, env, console),
        Command::SetCorsPolicy(args) => buckets::set_cors_policy(args, env, console),
        Command::GetBucketPolicy(args) => buckets::get_bucket_policy(args, env, console),
        Command::GetPublicAccessBlock(args) => buckets::get_public_access_block(args, env, console),
        Command::DebugBucket(args) => buckets::debug_bucket(args, env, console),
        Command::Localserver(args) => localserver::run(args, env, console),
        Command::Presign(args) => objects::presign(args, env, console),
        Command::Completions { shell } => console
            .out
            .write_all(crate::cli::completions::script(&shell).as_bytes())
            .map_err(write_error),
    }
}

/// `--auth` excludes the key options; upstream checks this when a client is built.
pub fn check_connection(connection: &Connection) -> Result<()> {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
    if connection.auth.is_some()
        && (given(&connection.access_key)
            || given(&connection.secret_key)
            || given(&connection.session_token))
    {
        return Err(Error::runtime(
            "--auth cannot be used with --access-key, --secret-key or --session-token",
        ));
    }
    Ok(())
}

/// `create` and `localserver` refuse both flags (and, as a fix, so does `policy`).
pub fn check_read_write(read_only: bool, write_only: bool) -> Result<()> {
    if read_only && write_only {
        return Err(Error::runtime(
            "Cannot use --read-only and --write-only at the same time",
        ));
    }
    Ok(())
}

/// Checks bucket names against S3's rules, then connects: the last step before
/// the first request, after the command's own argument checks (as upstream orders
/// its errors).
pub fn connect_to_buckets(
    connection: Connection,
    env: &Env,
    buckets: &[String],
    rules: crate::bucket_name::Rules,
) -> Result<aws::Client> {
    for name in buckets {
        if let Err(rule) = crate::bucket_name::check(name, rules) {
            return Err(Error::runtime(format!(
                "Invalid bucket name {}: {rule}",
                crate::pyrepr::repr(name)
            )));
        }
    }
    aws::connect(connection, env)
}

/// `connect_to_buckets` for one bucket that should already exist.
pub fn connect_to_bucket(connection: Connection, env: &Env, bucket: &str) -> Result<aws::Client> {
    connect_to_buckets(
        connection,
        env,
        &[bucket.to_string()],
        crate::bucket_name::Rules::Existing,
    )
}
