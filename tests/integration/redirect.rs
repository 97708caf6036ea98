//! S3 region redirects through the library's client, against a scripted server:
//! a 301 naming the bucket's region is re-sent once, re-signed for that region,
//! and the region is remembered for the rest of the run.

use crate::fake::{Canned, FakeServer, canned};
use s3_credentials::aws::{self, s3::HeadBucket};
use s3_credentials::cli::Connection;
use s3_credentials::env::Env;

fn client(url: &str) -> aws::Client {
    let connection = Connection {
        access_key: Some("AK".into()),
        secret_key: Some("SK".into()),
        endpoint_url: Some(url.into()),
        region: Some("us-east-1".into()),
        ..Connection::default()
    };
    aws::connect(connection, &Env::default()).expect("client")
}

fn scope(authorization: &str) -> String {
    authorization
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split(',').next())
        .unwrap_or("")
        .to_string()
}

#[test]
fn a_301_with_the_bucket_region_is_followed_once_and_cached() {
    let moved = Canned {
        status: 301,
        headers: vec![("x-amz-bucket-region", "eu-west-1".into())],
        body: String::new(),
    };
    let server = FakeServer::start(vec![moved, canned(200, ""), canned(200, "")]);
    let client = client(&server.url);
    client
        .call(&HeadBucket {
            bucket: "far-bucket".into(),
        })
        .expect("HeadBucket after redirect");
    assert_eq!(client.bucket_region("far-bucket"), "eu-west-1");
    client
        .call(&HeadBucket {
            bucket: "far-bucket".into(),
        })
        .expect("second HeadBucket");
    let seen = server.recorded();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].method, "HEAD");
    assert_eq!(seen[0].path, "/far-bucket");
    assert!(scope(seen[0].header("authorization").unwrap()).contains("/us-east-1/s3/"));
    assert!(scope(seen[1].header("authorization").unwrap()).contains("/eu-west-1/s3/"));
    assert!(
        scope(seen[2].header("authorization").unwrap()).contains("/eu-west-1/s3/"),
        "cached"
    );
    assert!(seen[1].header("x-amz-content-sha256").is_some());
}

#[test]
fn a_second_redirect_is_not_followed() {
    let moved = |region: &str| Canned {
        status: 301,
        headers: vec![("x-amz-bucket-region", region.to_string())],
        body: String::new(),
    };
    let server = FakeServer::start(vec![moved("eu-west-1"), moved("ap-south-1")]);
    let client = client(&server.url);
    let err = client
        .call(&HeadBucket { bucket: "b".into() })
        .expect_err("no second redirect");
    assert_eq!(err.to_string(), "301: Moved Permanently");
    assert_eq!(server.recorded().len(), 2);
}
