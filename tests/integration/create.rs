//! `create` and the IAM commands end to end against moto with signature checking
//! on: the keys `create` prints are used to prove what they may and may not do.

use std::process::Output;

use s3_credentials::aws::s3::{DeleteObject, GetObject, PutObject};
use s3_credentials::aws::{self, AwsError, Client};
use s3_credentials::cli::Connection;
use s3_credentials::env::Env;
use s3_credentials::json::{self, Object, Value};

use crate::common::{TempDir, as_admin, as_admin_in, last_line, ok, run_env};
use crate::fake::FakeServer;
use crate::moto::moto;

/// Runs the binary as the moto admin.
fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn object(text: &str) -> Object {
    json::parse(text)
        .expect("JSON")
        .as_object()
        .cloned()
        .expect("object")
}

fn field(o: &Object, key: &str) -> String {
    o.get(key).and_then(Value::as_str_lossy).unwrap_or_default()
}

fn client(id: &str, secret: &str, token: Option<&str>) -> Client {
    let connection = Connection {
        access_key: Some(id.into()),
        secret_key: Some(secret.into()),
        session_token: token.map(Into::into),
        endpoint_url: Some(moto().url.clone()),
        ..Connection::default()
    };
    aws::connect(connection, &Env::default()).expect("client")
}

fn admin_client() -> Client {
    client(&moto().admin.id, &moto().admin.secret, None)
}

fn put(c: &Client, bucket: &str, key: &str) -> Result<(), AwsError> {
    c.call(&PutObject {
        bucket: bucket.into(),
        key: key.into(),
        body: bytes::Bytes::from_static(b"hello"),
        content_type: None,
    })
}

fn get(c: &Client, bucket: &str, key: &str) -> Result<Vec<u8>, AwsError> {
    c.call(&GetObject {
        bucket: bucket.into(),
        key: key.into(),
    })
    .map(|b| b.to_vec())
}

fn denied(result: Result<impl std::fmt::Debug, AwsError>) -> bool {
    matches!(result, Err(AwsError::Service(e)) if e.code == "AccessDenied")
}

/// `create` with JSON output: the new key's client.
fn create_key(args: &[&str]) -> Client {
    let key = object(&ok(&as_admin(args)));
    client(
        &field(&key, "AccessKeyId"),
        &field(&key, "SecretAccessKey"),
        None,
    )
}

#[test]
fn read_only_keys_can_read_and_cannot_write() {
    as_admin(&["create", "ro-e2e", "-c", "--username", "seed-ro-e2e"]);
    put(&admin_client(), "ro-e2e", "a.txt").unwrap();
    let out = as_admin(&["create", "ro-e2e", "--read-only"]);
    let key = object(&ok(&out));
    let keys: Vec<String> = key.iter().map(|(k, _)| k.to_string_lossy()).collect();
    assert_eq!(
        keys,
        [
            "UserName",
            "AccessKeyId",
            "Status",
            "SecretAccessKey",
            "CreateDate"
        ]
    );
    assert_eq!(field(&key, "UserName"), "s3.read-only.ro-e2e");
    assert_eq!(
        stderr(&out),
        "Created user: 's3.read-only.ro-e2e' with permissions boundary: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'\n\
         Attached policy s3.read-only.ro-e2e to user s3.read-only.ro-e2e\n\
         Created access key for user: s3.read-only.ro-e2e\n\
         Note: a new access key can take 10-15 seconds to become active; add --wait to print it once it works\n"
    );
    let c = client(
        &field(&key, "AccessKeyId"),
        &field(&key, "SecretAccessKey"),
        None,
    );
    assert_eq!(get(&c, "ro-e2e", "a.txt").unwrap(), b"hello");
    assert!(denied(put(&c, "ro-e2e", "b.txt")));
}

#[test]
fn write_only_keys_can_write_and_cannot_read() {
    let c = create_key(&["create", "wo-e2e", "-c", "--write-only"]);
    put(&c, "wo-e2e", "up.txt").unwrap();
    assert!(denied(get(&c, "wo-e2e", "up.txt")));
}

#[test]
fn a_prefix_limits_object_access() {
    let seed = admin_client();
    let c = create_key(&["create", "pfx-e2e", "-c", "--read-only", "--prefix", "foo/"]);
    put(&seed, "pfx-e2e", "foo/in.txt").unwrap();
    put(&seed, "pfx-e2e", "out.txt").unwrap();
    assert_eq!(get(&c, "pfx-e2e", "foo/in.txt").unwrap(), b"hello");
    assert!(denied(get(&c, "pfx-e2e", "out.txt")));
}

#[test]
fn default_read_write_keys_put_get_and_delete() {
    let c = create_key(&["create", "rw-e2e", "-c"]);
    put(&c, "rw-e2e", "k.txt").unwrap();
    assert_eq!(get(&c, "rw-e2e", "k.txt").unwrap(), b"hello");
    c.call(&DeleteObject {
        bucket: "rw-e2e".into(),
        key: "k.txt".into(),
    })
    .unwrap();
    assert!(get(&c, "rw-e2e", "k.txt").is_err());
}

#[test]
fn duration_credentials_are_a_working_role_session() {
    as_admin(&["create", "dur-e2e", "-c", "--username", "seed-dur-e2e"]);
    let out = as_admin(&["create", "dur-e2e", "--duration", "15m", "--read-only"]);
    let creds = object(&ok(&out));
    let keys: Vec<String> = creds.iter().map(|(k, _)| k.to_string_lossy()).collect();
    assert_eq!(
        keys,
        [
            "AccessKeyId",
            "SecretAccessKey",
            "SessionToken",
            "Expiration"
        ]
    );
    assert_eq!(
        stderr(&out),
        "Assume role against arn:aws:iam::123456789012:role/s3-credentials.AmazonS3FullAccess for 900s\n"
    );
    let c = client(
        &field(&creds, "AccessKeyId"),
        &field(&creds, "SecretAccessKey"),
        Some(&field(&creds, "SessionToken")),
    );
    let me = c
        .call(&s3_credentials::aws::sts::GetCallerIdentity)
        .unwrap();
    assert_eq!(
        field(&me, "Arn"),
        "arn:aws:sts::123456789012:assumed-role/s3-credentials.AmazonS3FullAccess/s3.read-only.dur-e2e"
    );
    let ini = ok(&as_admin(&[
        "create",
        "dur-e2e",
        "--duration",
        "15m",
        "-f",
        "ini",
    ]));
    let lines: Vec<&str> = ini.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "[default]");
    assert!(lines[3].starts_with("aws_session_token="));
}

#[test]
fn ini_output_for_permanent_keys_is_three_lines() {
    let out = ok(&as_admin(&[
        "create",
        "ini-e2e",
        "-c",
        "-f",
        "ini",
        "--username",
        "ini-e2e-user",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0], "[default]");
    assert!(
        lines[1].starts_with("aws_access_key_id=AKIA")
            && lines[2].starts_with("aws_secret_access_key=")
    );
}

#[test]
fn public_buckets_get_the_access_block_before_the_policy() {
    let proxy = FakeServer::forwarding(12, &moto().url);
    let dir = TempDir::new("proxy");
    let out = as_admin_in(
        &dir.0,
        &proxy.url,
        &[
            "create",
            "pub-e2e",
            "-c",
            "--website",
            "--bucket-region",
            "eu-west-1",
        ],
        "",
    );
    ok(&out);
    assert_eq!(
        stderr(&out).lines().take(4).collect::<Vec<_>>(),
        [
            "Created bucket: pub-e2e in region: eu-west-1",
            "Set public access block configuration",
            "Attached bucket policy allowing public access",
            "Configured website: IndexDocument=index.html, ErrorDocument=error.html",
        ]
    );
    let s3_calls: Vec<String> = proxy
        .recorded()
        .iter()
        .filter(|r| r.path.starts_with("/pub-e2e"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        s3_calls,
        [
            "HEAD /pub-e2e",
            "PUT /pub-e2e",
            "PUT /pub-e2e?publicAccessBlock",
            "PUT /pub-e2e?policy",
            "PUT /pub-e2e?website"
        ]
    );
    let create = proxy
        .recorded()
        .into_iter()
        .find(|r| r.method == "PUT" && r.path == "/pub-e2e")
        .unwrap();
    let body = String::from_utf8_lossy(&create.body).into_owned();
    assert!(
        body.contains("<LocationConstraint>eu-west-1</LocationConstraint>"),
        "{body}"
    );
    assert!(
        create
            .header("authorization")
            .unwrap()
            .contains("/eu-west-1/s3/")
    );
    for r in proxy.recorded().iter().filter(|r| r.path.contains('?')) {
        assert!(
            r.header("content-md5").is_some(),
            "{} needs Content-MD5",
            r.path
        );
    }
}

#[test]
fn a_missing_bucket_without_create_bucket_changes_nothing() {
    let out = as_admin(&["create", "no-such-bucket-e2e"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "Error: Bucket does not exist: no-such-bucket-e2e - try --create-bucket to create it\n"
    );
    let users = ok(&as_admin(&["list-users", "--nl"]));
    assert!(!users.contains("no-such-bucket-e2e"), "no user was created");
}

#[test]
fn an_existing_user_is_reused_and_a_third_key_is_a_clear_error() {
    let first = object(&ok(&as_admin(&[
        "create",
        "reuse-e2e",
        "-c",
        "--username",
        "reuse-user",
    ])));
    let second = as_admin(&["create", "reuse-e2e", "--username", "reuse-user"]);
    let second_key = object(&ok(&second));
    assert!(
        !stderr(&second).contains("Created user"),
        "the user is reused"
    );
    let third = as_admin(&["create", "reuse-e2e", "--username", "reuse-user"]);
    assert_eq!(third.status.code(), Some(1));
    let line = last_line(&third.stderr);
    assert!(
        line.starts_with("Error: User reuse-user already has 2 access keys ("),
        "{line}"
    );
    assert!(
        line.contains(&field(&first, "AccessKeyId"))
            && line.contains(&field(&second_key, "AccessKeyId"))
    );
    assert!(
        line.contains("aws iam delete-access-key --user-name reuse-user"),
        "{line}"
    );
}

#[test]
fn limits_are_checked_before_anything_changes() {
    let long = "x".repeat(70);
    let out = as_admin(&["create", "limits-e2e", "-c", "--username", &long]);
    assert_eq!(out.status.code(), Some(1));
    assert!(last_line(&out.stderr).contains("IAM allows 64. Choose a shorter one with --username"));
    let buckets: Vec<String> = (0..40).map(|i| format!("many-buckets-{i:02}")).collect();
    let mut args = vec!["create", "--username", "many"];
    args.extend(buckets.iter().map(String::as_str));
    let out = as_admin(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        last_line(&out.stderr).contains("IAM allows 2048 per user"),
        "{}",
        stderr(&out)
    );
    let out = as_admin(&["create", "limits-e2e-2", "-c"]);
    ok(&out);
}

#[test]
fn delete_user_removes_policies_keys_and_user() {
    let key = object(&ok(&as_admin(&[
        "create",
        "del-e2e",
        "-c",
        "--username",
        "del-user",
    ])));
    let out = ok(&as_admin(&["delete-user", "del-user"]));
    assert_eq!(
        out,
        format!(
            "User: del-user\n  Deleted policy: s3.read-write.del-e2e\n  Deleted access key: {}\n  Deleted user\n",
            field(&key, "AccessKeyId")
        )
    );
    let missing = as_admin(&["delete-user", "del-user"]);
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&missing.stdout), "User: del-user\n");
    assert_eq!(
        stderr(&missing),
        "Error: NoSuchEntity: The user with name del-user cannot be found.\n"
    );
}

#[test]
fn list_user_policies_prints_each_document() {
    ok(&as_admin(&[
        "create",
        "lup-e2e",
        "-c",
        "--username",
        "lup-user",
        "--read-only",
    ]));
    let out = ok(&as_admin(&["list-user-policies", "lup-user"]));
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("User: lup-user"));
    assert_eq!(lines.next(), Some("PolicyName: s3.read-only.lup-e2e"));
    let rest: Vec<&str> = lines.collect();
    let document = rest.join("\n") + "\n";
    assert_eq!(
        document,
        ok(&crate::common::run(&["policy", "lup-e2e", "--read-only"]))
    );
}

#[test]
fn list_roles_in_every_format() {
    let json_out = ok(&as_admin(&[
        "list-roles",
        "s3-credentials.AmazonS3FullAccess",
    ]));
    assert!(
        json_out.starts_with(
            "[\n  {\n    \"Path\": \"/\",\n    \"RoleName\": \"s3-credentials.AmazonS3FullAccess\","
        ),
        "{json_out}"
    );
    let nl = ok(&as_admin(&["list-roles", "--nl", "chain-role"]));
    assert_eq!(nl.lines().count(), 1);
    assert!(nl.starts_with("{\"Path\": \"/\", \"RoleName\": \"chain-role\""));
    let csv = ok(&as_admin(&["list-roles", "--csv", "chain-role"]));
    assert!(csv.starts_with("Path,RoleName,RoleId,Arn,CreateDate,AssumeRolePolicyDocument,Description,MaxSessionDuration,PermissionsBoundary,Tags,RoleLastUsed\r\n/,chain-role,"));
    let tsv = ok(&as_admin(&[
        "list-roles",
        "--tsv",
        "--details",
        "s3-credentials.AmazonS3FullAccess",
    ]));
    assert!(
        tsv.lines()
            .next()
            .unwrap()
            .ends_with("\tRoleLastUsed\tinline_policies\tattached_policies")
    );
    let details = ok(&as_admin(&[
        "list-roles",
        "--details",
        "s3-credentials.AmazonS3FullAccess",
    ]));
    let roles = json::parse(&details).unwrap();
    let Value::Array(roles) = roles else { panic!() };
    let role = roles[0].as_object().unwrap();
    assert_eq!(role.get("inline_policies"), Some(&Value::Array(vec![])));
    let Some(Value::Array(attached)) = role.get("attached_policies") else {
        panic!()
    };
    let policy = attached[0].as_object().unwrap();
    assert_eq!(field(policy, "PolicyName"), "AmazonS3FullAccess");
    let version = policy
        .get("PolicyVersion")
        .and_then(Value::as_object)
        .unwrap();
    assert!(
        version.get("Document").and_then(Value::as_object).is_some(),
        "decoded document"
    );
}

#[test]
fn role_sessions_cannot_ask_for_more_than_an_hour() {
    as_admin(&["create", "chain-e2e", "-c", "--username", "seed-chain-e2e"]);
    let creds = object(&ok(&as_admin(&["create", "chain-e2e", "-d", "15m"])));
    let (id, secret, token) = (
        field(&creds, "AccessKeyId"),
        field(&creds, "SecretAccessKey"),
        field(&creds, "SessionToken"),
    );
    let out = run_env(
        &[
            "create",
            "chain-e2e",
            "-d",
            "2h",
            "--endpoint-url",
            &moto().url,
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &id),
            ("AWS_SECRET_ACCESS_KEY", &secret),
            ("AWS_SESSION_TOKEN", &token),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let line = last_line(&out.stderr);
    assert!(
        line.starts_with(
            "Error: These credentials are a role session (arn:aws:sts::123456789012:assumed-role/"
        ) && line
            .ends_with("AWS limits role chaining to 1 hour, so --duration can be at most 1h here"),
        "{line}"
    );
}
