//! Every XML response parser: the S3 and STS actions' own parsers, the S3
//! sub-resource readers (ACL, location, CORS, website, policy status, public access
//! block), and the IAM result readers with each shape table.
#![no_main]
use libfuzzer_sys::fuzz_target;
use s3_credentials::aws::request::{Action, Response};
use s3_credentials::aws::{iam, s3, sts, xml};

fn response(data: &[u8]) -> Response {
    Response {
        status: 200,
        headers: vec![
            ("etag".into(), "\"e\"".into()),
            ("content-length".into(), data.len().to_string()),
        ],
        body: bytes::Bytes::copy_from_slice(data),
    }
}

fuzz_target!(|data: &[u8]| {
    let r = || response(data);
    let _ = s3::ListBuckets.parse(r());
    let _ = s3::ListObjectsV2 {
        bucket: "b".into(),
        prefix: None,
        continuation: None,
    }
    .parse(r());
    let _ = s3::CreateMultipartUpload {
        bucket: "b".into(),
        key: "k".into(),
        content_type: None,
    }
    .parse(r());
    let _ = s3::DeleteObjects {
        bucket: "b".into(),
        keys: vec!["k".into()],
    }
    .parse(r());
    let _ = s3::HeadObject {
        bucket: "b".into(),
        key: "k".into(),
    }
    .parse(r());
    let _ = sts::GetCallerIdentity.parse(r());
    let assume = sts::AssumeRole {
        role_arn: "arn".into(),
        session_name: "s".into(),
        policy: None,
        duration_seconds: None,
        external_id: None,
    };
    let _ = assume.parse(r());
    let web = sts::AssumeRoleWithWebIdentity {
        role_arn: "arn".into(),
        session_name: "s".into(),
        token: "t".into(),
    };
    let _ = web.parse(r());
    if let Ok(root) = iam::list_users(None).parse(r()) {
        let _ = iam::page(&root, "Users", iam::USER);
        let _ = iam::page(&root, "Roles", iam::ROLE);
        let _ = iam::page(&root, "Policies", iam::POLICY);
        let _ = iam::names(&root, "PolicyNames");
        let _ = iam::access_keys(&root);
        let _ = iam::one(&root, "AccessKey", iam::ACCESS_KEY);
        let _ = iam::one(&root, "PolicyVersion", iam::POLICY_VERSION);
        let _ = iam::one(&root, "Role", iam::ROLE_POLICY);
    }
    let _ = s3::CompleteMultipartUpload {
        bucket: "b".into(),
        key: "k".into(),
        upload_id: "u".into(),
        parts: Vec::new(),
    }
    .parse(r());
    let _ = s3::read_acl(data);
    let _ = s3::read_location(data);
    let _ = s3::read_public_access_block(data);
    let _ = s3::read_website(data);
    let _ = s3::read_policy_status(data);
    let _ = s3::read_cors_rules(data);
    if let Ok(root) = xml::parse(data) {
        let _ = xml::to_object(&root, s3::PUBLIC_ACCESS_BLOCK);
        let _ = xml::to_object(&root, s3::OBJECT);
    }
});
