//! S3 actions.

use super::request::{Action, Request, Response, s3};

/// `HeadBucket`: does the bucket exist and may we use it.
pub struct HeadBucket {
    pub bucket: String,
}

impl Action for HeadBucket {
    type Output = ();

    fn request(&self) -> Request {
        s3("HEAD", "HeadBucket", &self.bucket, None)
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}

const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// Text for an XML element body.
pub fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn put_sub_resource(operation: &'static str, bucket: &str, sub: &str, body: String) -> Request {
    let mut request = s3("PUT", operation, bucket, None);
    request.query.push((sub.to_string(), String::new()));
    request.body = body.into_bytes();
    request.with_content_md5()
}

/// `CreateBucket`; `region` None means us-east-1 (no LocationConstraint).
pub struct CreateBucket {
    pub bucket: String,
    pub region: Option<String>,
}

impl Action for CreateBucket {
    type Output = ();

    fn request(&self) -> Request {
        let mut request = s3("PUT", "CreateBucket", &self.bucket, None);
        if let Some(region) = &self.region {
            request.body = format!(
                "<CreateBucketConfiguration xmlns=\"{S3_NS}\"><LocationConstraint>{}</LocationConstraint></CreateBucketConfiguration>",
                xml_escape(region)
            )
            .into_bytes();
        }
        request.idempotent = false;
        request
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}

/// `PutPublicAccessBlock` with each setting given.
pub struct PutPublicAccessBlock {
    pub bucket: String,
    /// (name, value) in S3's order: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets.
    pub settings: Vec<(&'static str, bool)>,
}

impl Action for PutPublicAccessBlock {
    type Output = ();

    fn request(&self) -> Request {
        let inner: String = self
            .settings
            .iter()
            .map(|(k, v)| format!("<{k}>{v}</{k}>"))
            .collect();
        put_sub_resource(
            "PutPublicAccessBlock",
            &self.bucket,
            "publicAccessBlock",
            format!(
                "<PublicAccessBlockConfiguration xmlns=\"{S3_NS}\">{inner}</PublicAccessBlockConfiguration>"
            ),
        )
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}

/// `PutBucketPolicy` with a policy document (compact JSON text).
pub struct PutBucketPolicy {
    pub bucket: String,
    pub policy: String,
}

impl Action for PutBucketPolicy {
    type Output = ();

    fn request(&self) -> Request {
        put_sub_resource(
            "PutBucketPolicy",
            &self.bucket,
            "policy",
            self.policy.clone(),
        )
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}

/// `PutBucketWebsite` serving `index.html`, with `error.html` for errors.
pub struct PutBucketWebsite {
    pub bucket: String,
}

impl Action for PutBucketWebsite {
    type Output = ();

    fn request(&self) -> Request {
        put_sub_resource(
            "PutBucketWebsite",
            &self.bucket,
            "website",
            format!(
                "<WebsiteConfiguration xmlns=\"{S3_NS}\"><ErrorDocument><Key>error.html</Key></ErrorDocument><IndexDocument><Suffix>index.html</Suffix></IndexDocument></WebsiteConfiguration>"
            ),
        )
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}

/// `PutObject` from memory (streaming uploads come with the transfer commands).
pub struct PutObject {
    pub bucket: String,
    pub key: String,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
}

impl Action for PutObject {
    type Output = ();

    fn request(&self) -> Request {
        let mut request = s3("PUT", "PutObject", &self.bucket, Some(&self.key));
        request.body = self.body.clone();
        if let Some(t) = &self.content_type {
            request.headers.push(("content-type".into(), t.clone()));
        }
        request
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}

/// `GetObject` into memory.
pub struct GetObject {
    pub bucket: String,
    pub key: String,
}

impl Action for GetObject {
    type Output = Vec<u8>;

    fn request(&self) -> Request {
        s3("GET", "GetObject", &self.bucket, Some(&self.key))
    }

    fn parse(&self, response: Response) -> Result<Vec<u8>, String> {
        Ok(response.body)
    }
}

/// `DeleteObject`.
pub struct DeleteObject {
    pub bucket: String,
    pub key: String,
}

impl Action for DeleteObject {
    type Output = ();

    fn request(&self) -> Request {
        s3("DELETE", "DeleteObject", &self.bucket, Some(&self.key))
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}
