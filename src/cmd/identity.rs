//! Identity commands: whoami and the IAM user/role listings.

use super::{Console, write_error};
use crate::aws::iam::Page;
use crate::aws::request::Query;
use crate::aws::xml::{self, Element};
use crate::aws::{self, Client, iam, sts};
use crate::cli::{Connection, ListFormat, ListRolesArgs};
use crate::env::Env;
use crate::error::Result;
use crate::json::{Object, Value, to_string_indent};
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
    paginate(
        &client,
        iam::list_users,
        |r| iam::page(r, "Users", iam::USER),
        |user| writer.push(user).map_err(write_error),
    )?;
    writer.finish().map_err(write_error)
}

/// Calls a Marker-paginated IAM list to the end, handing each item to `each`.
fn paginate<T>(
    client: &Client,
    make: impl Fn(Option<&str>) -> Query,
    read: impl Fn(&Element) -> Page<T>,
    mut each: impl FnMut(T) -> Result<()>,
) -> Result<()> {
    let mut marker: Option<String> = None;
    loop {
        let result = client.call(&make(marker.as_deref()))?;
        let page = read(&result);
        for item in page.items {
            each(item)?;
        }
        match page.next {
            Some(next) => marker = Some(next),
            None => return Ok(()),
        }
    }
}

fn collect<T>(
    client: &Client,
    make: impl Fn(Option<&str>) -> Query,
    read: impl Fn(&Element) -> Page<T>,
) -> Result<Vec<T>> {
    let mut items = Vec::new();
    paginate(client, make, read, |item| {
        items.push(item);
        Ok(())
    })?;
    Ok(items)
}

const ROLE_FIELDS: &[&str] = &[
    "Path",
    "RoleName",
    "RoleId",
    "Arn",
    "CreateDate",
    "AssumeRolePolicyDocument",
    "Description",
    "MaxSessionDuration",
    "PermissionsBoundary",
    "Tags",
    "RoleLastUsed",
];

/// The CSV columns of list-roles; `--details` adds the two policy columns.
fn role_fields(details: bool) -> Vec<&'static str> {
    let mut fields = ROLE_FIELDS.to_vec();
    if details {
        fields.extend(["inline_policies", "attached_policies"]);
    }
    fields
}

/// `--details`: the role's inline policies and its attached policies with their
/// default version.
fn role_details(client: &Client, role: &mut Object) -> Result<()> {
    let name = role.text("RoleName");
    let mut inline = Vec::new();
    for policy in collect(
        client,
        |m| iam::list_role_policies(&name, m),
        |r| iam::names(r, "PolicyNames"),
    )? {
        let result = client.call(&iam::get_role_policy(&name, &policy))?;
        inline.push(Value::Object(xml::to_object(&result, iam::ROLE_POLICY)));
    }
    let mut attached = Vec::new();
    let arns = collect(
        client,
        |m| iam::list_attached_role_policies(&name, m),
        |r| {
            iam::page(
                r,
                "AttachedPolicies",
                &[xml::m("PolicyArn", xml::Shape::Str)],
            )
        },
    )?;
    for entry in arns {
        let arn = entry.text("PolicyArn");
        let mut policy = iam::one(&client.call(&iam::get_policy(&arn))?, "Policy", iam::POLICY)
            .unwrap_or_default();
        let version = policy.text("DefaultVersionId");
        let result = client.call(&iam::get_policy_version(&arn, &version))?;
        if let Some(v) = iam::one(&result, "PolicyVersion", iam::POLICY_VERSION) {
            policy.insert("PolicyVersion", Value::Object(v));
        }
        attached.push(Value::Object(policy));
    }
    role.insert("inline_policies", Value::Array(inline));
    role.insert("attached_policies", Value::Array(attached));
    Ok(())
}

pub fn list_roles(args: ListRolesArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = aws::connect(args.connection, env)?;
    let fields = role_fields(args.details);
    let mut writer = ListWriter::new(args.format, &fields, console.out).map_err(write_error)?;
    paginate(
        &client,
        iam::list_roles,
        |r| iam::page(r, "Roles", iam::ROLE),
        |mut role| {
            let name = role.text("RoleName");
            if !args.role_names.is_empty() && !args.role_names.contains(&name) {
                return Ok(());
            }
            if args.details {
                role_details(&client, &mut role)?;
            }
            writer.push(role).map_err(write_error)
        },
    )?;
    writer.finish().map_err(write_error)
}

pub fn list_user_policies(
    usernames: Vec<String>,
    connection: Connection,
    env: &Env,
    console: &mut Console,
) -> Result<()> {
    let client = aws::connect(connection, env)?;
    let users = if usernames.is_empty() {
        collect(&client, iam::list_users, |r| {
            let page = iam::page(r, "Users", iam::USER);
            Page {
                items: page
                    .items
                    .iter()
                    .filter_map(|u| u.get("UserName").and_then(Value::as_str_lossy))
                    .collect(),
                next: page.next,
            }
        })?
    } else {
        usernames
    };
    for user in users {
        console.line(&format!("User: {user}"))?;
        let policies = user_policy_names(&client, &user)?;
        for policy in policies {
            console.line(&format!("PolicyName: {policy}"))?;
            let result = client.call(&iam::get_user_policy(&user, &policy))?;
            let document = result
                .child("PolicyDocument")
                .map(|d| xml::policy_document(&d.text))
                .unwrap_or(Value::Null);
            console.line(&to_string_indent(&document, 4))?;
        }
    }
    Ok(())
}

/// Every inline policy name of a user (ListUserPolicies to the end).
fn user_policy_names(client: &Client, user: &str) -> Result<Vec<String>> {
    collect(
        client,
        |m| iam::list_user_policies(user, m),
        |r| iam::names(r, "PolicyNames"),
    )
}

pub fn delete_user(
    usernames: Vec<String>,
    connection: Connection,
    env: &Env,
    console: &mut Console,
) -> Result<()> {
    let client = aws::connect(connection, env)?;
    for user in usernames {
        console.line(&format!("User: {user}"))?;
        let policies = user_policy_names(&client, &user)?;
        for policy in policies {
            client.call(&iam::delete_user_policy(&user, &policy))?;
            console.line(&format!("  Deleted policy: {policy}"))?;
        }
        let keys = collect(
            &client,
            |m| iam::list_access_keys(&user, m),
            iam::access_keys,
        )?;
        for key in keys {
            let id = key.text("AccessKeyId");
            client.call(&iam::delete_access_key(&user, &id))?;
            console.line(&format!("  Deleted access key: {id}"))?;
        }
        client.call(&iam::delete_user(&user))?;
        console.line("  Deleted user")?;
    }
    Ok(())
}
