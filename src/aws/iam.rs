//! IAM actions and the response shapes botocore prints.

use super::xml::{self, Element, Member, Shape, m};
use crate::json::Object;

const TAG: Shape = Shape::Struct(&[m("Key", Shape::Str), m("Value", Shape::Str)]);
const TAGS: Shape = Shape::List {
    item: &TAG,
    wrapper: "member",
};
const PERMISSIONS_BOUNDARY: Shape = Shape::Struct(&[
    m("PermissionsBoundaryType", Shape::Str),
    m("PermissionsBoundaryArn", Shape::Str),
]);

pub const USER: &[Member] = &[
    m("Path", Shape::Str),
    m("UserName", Shape::Str),
    m("UserId", Shape::Str),
    m("Arn", Shape::Str),
    m("CreateDate", Shape::Timestamp),
    m("PasswordLastUsed", Shape::Timestamp),
    m("PermissionsBoundary", PERMISSIONS_BOUNDARY),
    m("Tags", TAGS),
];

/// One page of a Marker-paginated IAM list.
#[derive(Debug, Default)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The marker for the next page, when the list is truncated.
    pub next: Option<String>,
}

fn page_marker(result: &Element) -> Option<String> {
    (result.text_of("IsTruncated") == Some("true"))
        .then(|| result.text_of("Marker").map(str::to_string))
        .flatten()
}

/// `ListUsers`, one page (read it with `page(result, "Users", USER)`).
pub fn list_users(marker: Option<&str>) -> Query {
    with_marker(Query::iam("ListUsers", &[]), marker)
}

// ---------------------------------------------------------------------------
// Every other IAM call, as a `Query` constructor plus a pure reader of its result.

use super::request::Query;

pub const ACCESS_KEY: &[Member] = &[
    m("UserName", Shape::Str),
    m("AccessKeyId", Shape::Str),
    m("Status", Shape::Str),
    m("SecretAccessKey", Shape::Str),
    m("CreateDate", Shape::Timestamp),
];

const ROLE_LAST_USED: Shape =
    Shape::Struct(&[m("LastUsedDate", Shape::Timestamp), m("Region", Shape::Str)]);

pub const ROLE: &[Member] = &[
    m("Path", Shape::Str),
    m("RoleName", Shape::Str),
    m("RoleId", Shape::Str),
    m("Arn", Shape::Str),
    m("CreateDate", Shape::Timestamp),
    m("AssumeRolePolicyDocument", Shape::PolicyDocument),
    m("Description", Shape::Str),
    m("MaxSessionDuration", Shape::Int),
    m("MaxSigninSessionDuration", Shape::Int),
    m("PermissionsBoundary", PERMISSIONS_BOUNDARY),
    m("Tags", TAGS),
    m("RoleLastUsed", ROLE_LAST_USED),
    m("SourceRoleTemplate", Shape::Str),
];

pub const POLICY: &[Member] = &[
    m("PolicyName", Shape::Str),
    m("PolicyId", Shape::Str),
    m("Arn", Shape::Str),
    m("Path", Shape::Str),
    m("DefaultVersionId", Shape::Str),
    m("AttachmentCount", Shape::Int),
    m("PermissionsBoundaryUsageCount", Shape::Int),
    m("IsAttachable", Shape::Bool),
    m("Description", Shape::Str),
    m("CreateDate", Shape::Timestamp),
    m("UpdateDate", Shape::Timestamp),
    m("Tags", TAGS),
];

pub const POLICY_VERSION: &[Member] = &[
    m("Document", Shape::PolicyDocument),
    m("VersionId", Shape::Str),
    m("IsDefaultVersion", Shape::Bool),
    m("CreateDate", Shape::Timestamp),
];

pub const ROLE_POLICY: &[Member] = &[
    m("RoleName", Shape::Str),
    m("PolicyName", Shape::Str),
    m("PolicyDocument", Shape::PolicyDocument),
];

const ACCESS_KEY_METADATA: &[Member] = &[
    m("UserName", Shape::Str),
    m("AccessKeyId", Shape::Str),
    m("Status", Shape::Str),
    m("CreateDate", Shape::Timestamp),
];

fn with_marker(mut q: Query, marker: Option<&str>) -> Query {
    if let Some(m) = marker {
        q.params.push(("Marker", m.to_string()));
    }
    q
}

/// The objects under `<list><member>…`, typed by `members`, and the next marker.
pub fn page(result: &Element, list: &str, members: &[Member]) -> Page<Object> {
    Page {
        items: result
            .child(list)
            .map(|l| {
                l.children_named("member")
                    .map(|e| xml::to_object(e, members))
                    .collect()
            })
            .unwrap_or_default(),
        next: page_marker(result),
    }
}

/// The strings under `<list><member>…`, and the next marker.
pub fn names(result: &Element, list: &str) -> Page<String> {
    Page {
        items: result
            .child(list)
            .map(|l| l.children_named("member").map(|e| e.text.clone()).collect())
            .unwrap_or_default(),
        next: page_marker(result),
    }
}

/// A single typed member of a result (`<User>`, `<Role>`, `<AccessKey>`, …).
pub fn one(result: &Element, name: &str, members: &[Member]) -> Option<Object> {
    result.child(name).map(|e| xml::to_object(e, members))
}

pub fn get_user(user: &str) -> Query {
    Query::iam("GetUser", &[("UserName", user)])
}

pub fn create_user(user: &str, boundary: Option<&str>) -> Query {
    let mut q = Query::iam("CreateUser", &[("UserName", user)]);
    if let Some(b) = boundary {
        q.params.push(("PermissionsBoundary", b.to_string()));
    }
    q.not_idempotent()
}

pub fn put_user_policy(user: &str, name: &str, document: &str) -> Query {
    Query::iam(
        "PutUserPolicy",
        &[
            ("UserName", user),
            ("PolicyName", name),
            ("PolicyDocument", document),
        ],
    )
}

pub fn create_access_key(user: &str) -> Query {
    Query::iam("CreateAccessKey", &[("UserName", user)]).not_idempotent()
}

pub fn list_access_keys(user: &str, marker: Option<&str>) -> Query {
    with_marker(Query::iam("ListAccessKeys", &[("UserName", user)]), marker)
}

pub fn access_keys(result: &Element) -> Page<Object> {
    page(result, "AccessKeyMetadata", ACCESS_KEY_METADATA)
}

pub fn delete_access_key(user: &str, key_id: &str) -> Query {
    Query::iam(
        "DeleteAccessKey",
        &[("UserName", user), ("AccessKeyId", key_id)],
    )
}

pub fn list_user_policies(user: &str, marker: Option<&str>) -> Query {
    with_marker(
        Query::iam("ListUserPolicies", &[("UserName", user)]),
        marker,
    )
}

pub fn get_user_policy(user: &str, policy: &str) -> Query {
    Query::iam(
        "GetUserPolicy",
        &[("UserName", user), ("PolicyName", policy)],
    )
}

pub fn delete_user_policy(user: &str, policy: &str) -> Query {
    Query::iam(
        "DeleteUserPolicy",
        &[("UserName", user), ("PolicyName", policy)],
    )
}

pub fn delete_user(user: &str) -> Query {
    Query::iam("DeleteUser", &[("UserName", user)])
}

pub fn get_role(role: &str) -> Query {
    Query::iam("GetRole", &[("RoleName", role)])
}

pub fn create_role(role: &str, trust_policy: &str, description: &str, max_session: u32) -> Query {
    Query::iam(
        "CreateRole",
        &[
            ("RoleName", role),
            ("AssumeRolePolicyDocument", trust_policy),
            ("Description", description),
            ("MaxSessionDuration", &max_session.to_string()),
        ],
    )
    .not_idempotent()
}

pub fn attach_role_policy(role: &str, policy_arn: &str) -> Query {
    Query::iam(
        "AttachRolePolicy",
        &[("RoleName", role), ("PolicyArn", policy_arn)],
    )
}

pub fn list_roles(marker: Option<&str>) -> Query {
    with_marker(Query::iam("ListRoles", &[]), marker)
}

pub fn list_role_policies(role: &str, marker: Option<&str>) -> Query {
    with_marker(
        Query::iam("ListRolePolicies", &[("RoleName", role)]),
        marker,
    )
}

pub fn get_role_policy(role: &str, policy: &str) -> Query {
    Query::iam(
        "GetRolePolicy",
        &[("RoleName", role), ("PolicyName", policy)],
    )
}

pub fn list_attached_role_policies(role: &str, marker: Option<&str>) -> Query {
    with_marker(
        Query::iam("ListAttachedRolePolicies", &[("RoleName", role)]),
        marker,
    )
}

pub fn get_policy(arn: &str) -> Query {
    Query::iam("GetPolicy", &[("PolicyArn", arn)])
}

pub fn get_policy_version(arn: &str, version: &str) -> Query {
    Query::iam(
        "GetPolicyVersion",
        &[("PolicyArn", arn), ("VersionId", version)],
    )
}
