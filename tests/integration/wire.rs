//! Response parsing on real captures (fixtures/wire, Python tool ↔ moto), and IAM
//! Marker pagination through the binary against a scripted server.

use crate::common::{BIN, HERMETIC_ENV, fixtures};
use crate::fake::{FakeServer, canned};
use s3_credentials::aws::error::ServiceError;
use s3_credentials::aws::request::{Action, Response};
use s3_credentials::aws::{iam, sts};
use s3_credentials::json::{Value, to_string_compact};

/// The response status and body of a capture.
fn capture(name: &str) -> (u16, Vec<u8>) {
    let text = std::fs::read_to_string(fixtures().join("wire").join(name)).expect("capture");
    let mut lines = text.lines().skip_while(|l| !l.starts_with("< ")).peekable();
    let status: u16 = lines.next().unwrap()[2..].trim().parse().unwrap();
    let body: Vec<&str> = lines.skip_while(|l| *l != "<").skip(1).collect();
    (status, body.join("\n").into_bytes())
}

fn response(name: &str) -> Response {
    let (status, body) = capture(name);
    Response {
        status,
        headers: Vec::new(),
        body: body.into(),
    }
}

#[test]
fn get_caller_identity() {
    let identity = sts::GetCallerIdentity
        .parse(response("16-sts-GetCallerIdentity.txt"))
        .unwrap();
    assert_eq!(
        to_string_compact(&Value::Object(identity)),
        r#"{"UserId": "AKIAIOSFODNN7EXAMPLE", "Account": "123456789012", "Arn": "arn:aws:sts::123456789012:user/moto"}"#
    );
}

#[test]
fn list_users() {
    let result = iam::list_users(None)
        .parse(response("12-iam-ListUsers.txt"))
        .unwrap();
    let page = iam::page(&result, "Users", iam::USER);
    assert_eq!(page.next, None);
    assert_eq!(
        to_string_compact(&Value::Object(page.items[0].clone())),
        r#"{"Path": "/", "UserName": "fixture-user", "UserId": "cgbykxn6hca74xffqfmo", "Arn": "arn:aws:iam::123456789012:user/fixture-user", "CreateDate": "2026-11-27 23:04:05.342532+00:00"}"#
    );
}

#[test]
fn error_bodies_from_captures() {
    let (status, body) = capture("08-iam-GetUser.txt");
    let e = ServiceError::from_response("GetUser", status, &body, None);
    assert_eq!(
        e.sdk_text(),
        "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name fixture-user cannot be found."
    );
    let (status, body) = capture("01-s3-HeadBucket.txt");
    let e = ServiceError::from_response("HeadBucket", status, &body, None);
    assert_eq!(
        e.sdk_text(),
        "An error occurred (404) when calling the HeadBucket operation: Not Found"
    );
    let (status, body) = capture("43-s3-GetBucketCors.txt");
    if status >= 300 {
        let e = ServiceError::from_response("GetBucketCors", status, &body, None);
        assert_eq!(e.code, "NoSuchCORSConfiguration");
    }
}

#[test]
fn truncated_xml_is_an_error_not_a_partial_list() {
    let (_, body) = capture("12-iam-ListUsers.txt");
    let cut = body[..body.len() / 2].to_vec();
    let err = iam::list_users(None)
        .parse(Response {
            status: 200,
            headers: Vec::new(),
            body: cut.into(),
        })
        .unwrap_err();
    assert!(err.contains("XML"), "{err}");
}

fn users_page(names: &[&str], marker: Option<&str>) -> String {
    let members: String = names
        .iter()
        .map(|n| format!("<member><Path>/</Path><UserName>{n}</UserName><UserId>id-{n}</UserId><Arn>arn:aws:iam::123456789012:user/{n}</Arn><CreateDate>2021-11-03T22:31:12Z</CreateDate></member>"))
        .collect();
    let truncated = match marker {
        Some(m) => format!("<IsTruncated>true</IsTruncated><Marker>{m}</Marker>"),
        None => "<IsTruncated>false</IsTruncated>".into(),
    };
    format!(
        "<ListUsersResponse><ListUsersResult><Users>{members}</Users>{truncated}</ListUsersResult></ListUsersResponse>"
    )
}

#[test]
fn list_users_follows_markers_across_pages() {
    let server = FakeServer::start(vec![
        canned(200, &users_page(&["a", "b"], Some("m/1+"))),
        canned(200, &users_page(&["c"], None)),
    ]);
    let out = std::process::Command::new(BIN)
        .args([
            "list-users",
            "--nl",
            "--access-key",
            "AK",
            "--secret-key",
            "SK",
            "--endpoint-url",
            &server.url,
        ])
        .env_clear()
        .envs(HERMETIC_ENV.iter().copied())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            l.split("\"UserName\": \"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(names, ["a", "b", "c"]);
    let seen = server.recorded();
    assert_eq!(seen[0].body, b"Action=ListUsers&Version=2010-05-08");
    assert_eq!(
        seen[1].body,
        b"Action=ListUsers&Version=2010-05-08&Marker=m%2F1%2B"
    );
}
