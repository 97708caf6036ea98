//! `create` request sequences moto cannot show, against a scripted server: the
//! role created on first use (and AssumeRole retried while IAM catches up), the
//! undo list after a partial failure, and EntityAlreadyExists taken as success.

use std::process::Output;

use crate::common::{last_line, run_env};
use crate::fake::{Canned, FakeServer, Recorded, canned};

fn run(server: &FakeServer, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend([
        "--access-key",
        "AK",
        "--secret-key",
        "SK",
        "--endpoint-url",
        &server.url,
    ]);
    run_env(&all, &[("AWS_MAX_ATTEMPTS", "1")], "")
}

fn error(status: u16, code: &str, message: &str) -> Canned {
    canned(
        status,
        &format!(
            "<ErrorResponse><Error><Code>{code}</Code><Message>{message}</Message></Error></ErrorResponse>"
        ),
    )
}

fn iam_action(r: &Recorded) -> String {
    let body = String::from_utf8_lossy(&r.body);
    match body.split('&').find_map(|p| p.strip_prefix("Action=")) {
        Some(action) => action.to_string(),
        None => format!("{} {}", r.method, r.path),
    }
}

fn param(r: &Recorded, name: &str) -> String {
    let body = String::from_utf8_lossy(&r.body).into_owned();
    let raw = body
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or("")
        .to_string();
    s3_credentials::aws::xml::percent_decode(&raw, true)
}

const IDENTITY: &str = "<GetCallerIdentityResponse><GetCallerIdentityResult><UserId>AIDA</UserId><Account>111122223333</Account><Arn>arn:aws:iam::111122223333:user/me</Arn></GetCallerIdentityResult></GetCallerIdentityResponse>";
const ROLE: &str = "<CreateRoleResponse><CreateRoleResult><Role><Path>/</Path><RoleName>s3-credentials.AmazonS3FullAccess</RoleName><RoleId>AROA</RoleId><Arn>arn:aws:iam::111122223333:role/s3-credentials.AmazonS3FullAccess</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></Role></CreateRoleResult></CreateRoleResponse>";
const ASSUMED: &str = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2026-01-01T01:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>";

#[test]
fn the_role_is_created_on_first_use_and_assume_role_waits_for_it() {
    let server = FakeServer::start(vec![
        canned(200, ""),                            // HeadBucket
        canned(200, IDENTITY),                      // GetCallerIdentity
        error(404, "NoSuchEntity", "no role"),      // GetRole
        canned(200, ROLE),                          // CreateRole
        canned(200, "<AttachRolePolicyResponse/>"), // AttachRolePolicy
        error(403, "AccessDenied", "not yet"),      // AssumeRole, too soon
        canned(200, ASSUMED),                       // AssumeRole
    ]);
    let out = run(&server, &["create", "bk1", "-d", "1h", "--read-only"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\n    \"AccessKeyId\": \"ASIAX\",\n    \"SecretAccessKey\": \"s\",\n    \"SessionToken\": \"t\",\n    \"Expiration\": \"2026-01-01 01:00:00+00:00\"\n}\n"
    );
    let seen = server.recorded();
    let actions: Vec<String> = seen.iter().map(iam_action).collect();
    assert_eq!(
        actions,
        [
            "HEAD /bk1",
            "GetCallerIdentity",
            "GetRole",
            "CreateRole",
            "AttachRolePolicy",
            "AssumeRole",
            "AssumeRole"
        ]
    );
    assert_eq!(
        param(&seen[3], "AssumeRolePolicyDocument"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}"#
    );
    assert_eq!(param(&seen[3], "MaxSessionDuration"), "43200");
    assert_eq!(
        param(&seen[3], "Description"),
        "Role used by the s3-credentials tool to create time-limited credentials that are restricted to specific buckets"
    );
    assert_eq!(
        param(&seen[4], "PolicyArn"),
        "arn:aws:iam::aws:policy/AmazonS3FullAccess"
    );
    assert_eq!(param(&seen[6], "RoleSessionName"), "s3.read-only.bk1");
    assert_eq!(param(&seen[6], "DurationSeconds"), "3600");
}

#[test]
fn a_partial_failure_lists_what_was_created_and_how_to_undo_it() {
    let server = FakeServer::start(vec![
        error(404, "404", ""),                 // HeadBucket: missing
        error(404, "NoSuchEntity", "no user"), // GetUser
        canned(200, ""),                       // CreateBucket
        canned(
            200,
            "<CreateUserResponse><CreateUserResult><User><UserName>s3.read-write.bk1</UserName></User></CreateUserResult></CreateUserResponse>",
        ),
        error(400, "MalformedPolicyDocument", "bad policy"), // PutUserPolicy
    ]);
    let out = run(&server, &["create", "bk1", "-c"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with(
            "This run created these before it failed; to undo them:\n  \
             bucket bk1: aws s3api delete-bucket --bucket bk1 --region us-east-1\n  \
             user s3.read-write.bk1: s3-credentials delete-user s3.read-write.bk1\n\
             Error: MalformedPolicyDocument: bad policy\n"
        ),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn a_user_that_appears_meanwhile_is_used_not_an_error() {
    let key = "<CreateAccessKeyResponse><CreateAccessKeyResult><AccessKey><UserName>u</UserName><AccessKeyId>AKIAX</AccessKeyId><Status>Active</Status><SecretAccessKey>s</SecretAccessKey><CreateDate>2026-01-01T00:00:00Z</CreateDate></AccessKey></CreateAccessKeyResult></CreateAccessKeyResponse>";
    let server = FakeServer::start(vec![
        canned(200, ""),                                             // HeadBucket
        error(404, "NoSuchEntity", "no user"),                       // GetUser
        error(409, "EntityAlreadyExists", "User u already exists."), // CreateUser
        canned(200, "<PutUserPolicyResponse/>"),                     // PutUserPolicy
        // Its keys, listed so a lost CreateAccessKey answer could be reconciled.
        canned(
            200,
            "<ListAccessKeysResponse><ListAccessKeysResult><AccessKeyMetadata/><IsTruncated>false</IsTruncated></ListAccessKeysResult></ListAccessKeysResponse>",
        ),
        canned(200, key), // CreateAccessKey
    ]);
    let out = run(&server, &["create", "bk1", "--username", "u", "-f", "ini"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "[default]\naws_access_key_id=AKIAX\naws_secret_access_key=s\n"
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Created user"));
}

#[test]
fn forbidden_buckets_are_not_called_missing() {
    let server = FakeServer::start(vec![error(403, "403", "")]);
    let out = run(&server, &["create", "someone-elses", "-c"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out.stderr),
        "Error: Bucket someone-elses: access denied (403 Forbidden). It belongs to another account, or these credentials may not use it"
    );
    assert_eq!(server.recorded().len(), 1, "nothing is created");
}

fn roles_page(names: &[&str], marker: Option<&str>) -> String {
    let members: String = names
        .iter()
        .map(|n| format!("<member><Path>/</Path><RoleName>{n}</RoleName><RoleId>id</RoleId><Arn>arn:aws:iam::1:role/{n}</Arn><CreateDate>2021-11-03T22:31:12Z</CreateDate><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration></member>"))
        .collect();
    let tail = match marker {
        Some(m) => format!("<IsTruncated>true</IsTruncated><Marker>{m}</Marker>"),
        None => "<IsTruncated>false</IsTruncated>".into(),
    };
    format!(
        "<ListRolesResponse><ListRolesResult><Roles>{members}</Roles>{tail}</ListRolesResult></ListRolesResponse>"
    )
}

#[test]
fn list_roles_follows_markers_and_filters_by_name() {
    let server = FakeServer::start(vec![
        canned(200, &roles_page(&["r1", "r2"], Some("page2"))),
        canned(200, &roles_page(&["r3"], None)),
    ]);
    let out = run(&server, &["list-roles", "--csv", "r1", "r3"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Path,RoleName,RoleId,Arn,CreateDate,AssumeRolePolicyDocument,Description,MaxSessionDuration,PermissionsBoundary,Tags,RoleLastUsed\r\n\
         /,r1,id,arn:aws:iam::1:role/r1,2021-11-03 22:31:12+00:00,{},,3600,,,\r\n\
         /,r3,id,arn:aws:iam::1:role/r3,2021-11-03 22:31:12+00:00,{},,3600,,,\r\n"
    );
    assert_eq!(param(&server.recorded()[1], "Marker"), "page2");
}
