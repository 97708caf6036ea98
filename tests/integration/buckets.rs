//! Bucket commands end to end against moto with signature checking on.

use std::process::Output;

use s3_credentials::aws::s3::PutObject;
use s3_credentials::aws::{self, Client};
use s3_credentials::cli::Connection;
use s3_credentials::env::Env;
use s3_credentials::json::{self, Value};

use crate::common::{as_admin, ok};
use crate::moto::moto;

fn fails(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn client() -> Client {
    let m = moto();
    aws::connect(
        Connection {
            access_key: Some(m.admin.id.clone()),
            secret_key: Some(m.admin.secret.clone()),
            endpoint_url: Some(m.url.clone()),
            ..Connection::default()
        },
        &Env::default(),
    )
    .unwrap()
}

fn bucket(name: &str) {
    ok(&as_admin(&[
        "create",
        name,
        "-c",
        "--username",
        &format!("seed-{name}"),
    ]));
}

fn put(bucket: &str, key: &str, body: &[u8]) {
    client()
        .call(&PutObject {
            bucket: bucket.into(),
            key: key.into(),
            body: body.to_vec().into(),
            content_type: None,
        })
        .unwrap();
}

#[test]
fn list_bucket_round_trips_awkward_keys() {
    bucket("keys-e2e");
    let keys = [
        "a b.txt",
        "plus+sign",
        "per%cent",
        "ünïcödé/ß",
        "double//slash",
        "dir/nested/x",
        "tilde~x",
        "star*x",
        "eq=x",
        "colon:x",
        "at@x",
        "paren(x)",
        "comma,x",
        "semi;x",
        "dollar$x",
        "amp&x",
        "quote'x",
        "bang!x",
    ];
    for k in keys {
        put("keys-e2e", k, b"data");
    }
    let out = ok(&as_admin(&["list-bucket", "keys-e2e", "--nl"]));
    let mut listed: Vec<String> = out
        .lines()
        .map(|l| {
            json::parse(l)
                .unwrap()
                .as_object()
                .unwrap()
                .get("Key")
                .unwrap()
                .as_str_lossy()
                .unwrap()
        })
        .collect();
    listed.sort();
    let mut want: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    want.sort();
    assert_eq!(listed, want);
    let first = json::parse(out.lines().next().unwrap()).unwrap();
    let fields: Vec<String> = first
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, _)| k.to_string_lossy())
        .collect();
    // As upstream's uploads, ours carry a CRC32 checksum (recorded shape c07).
    assert_eq!(
        fields,
        [
            "Key",
            "LastModified",
            "ETag",
            "ChecksumAlgorithm",
            "Size",
            "StorageClass"
        ]
    );
    let prefixed = ok(&as_admin(&[
        "list-bucket",
        "keys-e2e",
        "--prefix",
        "dir/",
        "--urls",
    ]));
    assert!(
        prefixed.contains("\"URL\": \"https://s3.amazonaws.com/keys-e2e/dir/nested/x\""),
        "{prefixed}"
    );
    assert_eq!(prefixed.matches("\"Key\"").count(), 1);
    let csv = ok(&as_admin(&[
        "list-bucket",
        "keys-e2e",
        "--csv",
        "--prefix",
        "dir/",
    ]));
    assert!(
        csv.starts_with("Key,LastModified,ETag,Size,StorageClass,Owner\r\ndir/nested/x,"),
        "{csv}"
    );
    assert!(
        csv.contains(",\"\"\"8d777f385d3dfec8815d20f7496026dc\"\"\",4,STANDARD,"),
        "{csv}"
    );
}

#[test]
fn list_bucket_on_a_missing_bucket_prints_upstreams_error() {
    let err = fails(&as_admin(&["list-bucket", "no-such-e2e"]));
    assert_eq!(
        err,
        "Error: An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not exist\n"
    );
    let out = as_admin(&["list-bucket", "no-such-e2e", "--csv"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Key,LastModified,ETag,Size,StorageClass,Owner\r\n"
    );
}

#[test]
fn list_buckets_with_details() {
    bucket("details-e2e");
    let out = ok(&as_admin(&["list-buckets", "details-e2e", "--details"]));
    let Value::Array(items) = json::parse(&out).unwrap() else {
        panic!()
    };
    let b = items[0].as_object().unwrap();
    let fields: Vec<String> = b.iter().map(|(k, _)| k.to_string_lossy()).collect();
    assert_eq!(
        fields,
        [
            "Name",
            "CreationDate",
            "region",
            "bucket_acl",
            "public_access_block",
            "bucket_website"
        ]
    );
    assert_eq!(
        b.get("region").unwrap().as_str_lossy().unwrap(),
        "us-east-1"
    );
    assert_eq!(b.get("bucket_website"), Some(&Value::Null));
    let acl = b.get("bucket_acl").unwrap().as_object().unwrap();
    let grants = json::to_string_compact(acl.get("Grants").unwrap());
    assert!(
        grants.contains("\"Type\": \"CanonicalUser\"") && grants.contains("FULL_CONTROL"),
        "{grants}"
    );
    let csv = ok(&as_admin(&[
        "list-buckets",
        "details-e2e",
        "--details",
        "--csv",
    ]));
    assert!(
        csv.starts_with(
            "Name,CreationDate,bucket_acl,public_access_block,bucket_website\r\ndetails-e2e,"
        ),
        "{csv}"
    );
}

#[test]
fn cors_policy_set_and_get() {
    bucket("cors-e2e");
    assert!(fails(&as_admin(&["get-cors-policy", "cors-e2e"])).starts_with(
        "Error: An error occurred (NoSuchCORSConfiguration) when calling the GetBucketCors operation:"
    ));
    ok(&as_admin(&["set-cors-policy", "cors-e2e"]));
    assert_eq!(
        ok(&as_admin(&["get-cors-policy", "cors-e2e"])),
        "[\n    {\n        \"ID\": \"set-by-s3-credentials\",\n        \"AllowedMethods\": [\n            \"GET\"\n        ],\n        \"AllowedOrigins\": [\n            \"*\"\n        ]\n    }\n]\n"
    );
    ok(&as_admin(&[
        "set-cors-policy",
        "cors-e2e",
        "-m",
        "GET",
        "-m",
        "PUT",
        "-o",
        "https://www.example.com/",
        "-e",
        "ETag",
        "-h",
        "Authorization",
        "--max-age-seconds",
        "60",
    ]));
    let rules = ok(&as_admin(&["get-cors-policy", "cors-e2e"]));
    assert!(rules.contains("\"AllowedHeaders\": [\n            \"Authorization\"\n        ],\n        \"AllowedMethods\""), "{rules}");
    assert!(rules.contains("\"MaxAgeSeconds\": 60"), "{rules}");
    assert_eq!(
        fails(&as_admin(&["set-cors-policy", "cors-missing-e2e"])),
        "Error: Bucket cors-missing-e2e does not exists\n"
    );
}

#[test]
fn bucket_policy_and_public_access_block() {
    bucket("pol-e2e");
    assert!(fails(&as_admin(&["get-bucket-policy", "pol-e2e"])).starts_with(
        "Error: An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation:"
    ));
    let set = as_admin(&["set-bucket-policy", "pol-e2e", "--allow-all-get"]);
    ok(&set);
    let policy = ok(&as_admin(&["get-bucket-policy", "pol-e2e"]));
    assert_eq!(
        String::from_utf8_lossy(&set.stderr),
        format!("Policy set:\n{policy}")
    );
    assert!(policy.contains("\"Sid\": \"AllowAllGetObject\""));
    let out = as_admin(&[
        "set-public-access-block",
        "pol-e2e",
        "--block-public-acls",
        "true",
        "--restrict-public-buckets",
        "false",
    ]);
    ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Updated public access block settings for bucket 'pol-e2e': {'BlockPublicAcls': True, 'RestrictPublicBuckets': False}\n"
    );
    let pab = ok(&as_admin(&["get-public-access-block", "pol-e2e"]));
    assert!(
        pab.starts_with("{\n    \"BlockPublicAcls\": true,"),
        "{pab}"
    );
    let debug = ok(&as_admin(&["debug-bucket", "pol-e2e"]));
    assert!(
        debug.starts_with("Bucket ACL:\n{\n    \"Owner\": {"),
        "{debug}"
    );
    assert!(
        debug.contains("Bucket policy status:\n{\n    \"PolicyStatus\": {\n        \"IsPublic\": "),
        "{debug}"
    );
    assert!(debug.contains("Bucket public access block:\n{\n    \"PublicAccessBlockConfiguration\": {\n        \"BlockPublicAcls\": true,"), "{debug}");
}

#[test]
fn debug_bucket_reports_each_failure_and_exits_zero() {
    let out = ok(&as_admin(&["debug-bucket", "no-such-debug-e2e"]));
    assert!(out.starts_with("Error checking bucket ACL: An error occurred (NoSuchBucket) when calling the GetBucketAcl operation:"), "{out}");
    assert_eq!(
        out.lines()
            .filter(|l| l.starts_with("Error checking"))
            .count(),
        3,
        "{out}"
    );
}
