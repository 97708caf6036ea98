//! Identity commands: whoami and the IAM user/role listings.

use super::{Console, write_error};
use crate::aws::{self, iam, sts};
use crate::cli::{Connection, ListFormat};
use crate::env::Env;
use crate::error::Result;
use crate::json::{Value, to_string_indent};
use crate::output::ListWriter;

pub fn whoami(connection: Connection, env: &Env, console: &mut Console) -> Result<()> {
    let client = aws::connect(connection, env)?;
    let identity = client.call(&sts::GetCallerIdentity)?;
    console.line(&to_string_indent(&Value::Object(identity), 4))
}

const USER_FIELDS: &[&str] = &[
    "UserName",
    "UserId",
    "Arn",
    "Path",
    "CreateDate",
    "PasswordLastUsed",
    "PermissionsBoundary",
    "Tags",
];

pub fn list_users(
    format: ListFormat,
    connection: Connection,
    env: &Env,
    console: &mut Console,
) -> Result<()> {
    let client = aws::connect(connection, env)?;
    let mut writer = ListWriter::new(format, USER_FIELDS, console.out).map_err(write_error)?;
    let mut marker = None;
    loop {
        let page = client.call(&iam::ListUsers { marker })?;
        for user in page.items {
            writer.push(user).map_err(write_error)?;
        }
        match page.next {
            Some(next) => marker = Some(next),
            None => break,
        }
    }
    writer.finish().map_err(write_error)
}
