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
    request.body = body.into_bytes().into();
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
            .into_bytes().into();
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
    pub body: bytes::Bytes,
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
        with_crc32(request)
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
    type Output = bytes::Bytes;

    fn request(&self) -> Request {
        s3("GET", "GetObject", &self.bucket, Some(&self.key))
    }

    fn parse(&self, response: Response) -> Result<bytes::Bytes, String> {
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

// ---------------------------------------------------------------------------
// Reading bucket settings and listings.

use super::xml::{self, Element, Member, Shape, m, m_xml};
use crate::json::{Object, Value};

/// `GET /bucket?sub`: the raw body, read by the functions below.
pub struct GetBucketSub {
    pub bucket: String,
    pub operation: &'static str,
    pub sub: &'static str,
}

impl Action for GetBucketSub {
    type Output = bytes::Bytes;

    fn request(&self) -> Request {
        let mut request = s3("GET", self.operation, &self.bucket, None);
        request.query.push((self.sub.to_string(), String::new()));
        request
    }

    fn parse(&self, response: Response) -> Result<bytes::Bytes, String> {
        Ok(response.body)
    }
}

pub fn get_bucket_acl(bucket: &str) -> GetBucketSub {
    GetBucketSub {
        bucket: bucket.into(),
        operation: "GetBucketAcl",
        sub: "acl",
    }
}
pub fn get_bucket_location(bucket: &str) -> GetBucketSub {
    GetBucketSub {
        bucket: bucket.into(),
        operation: "GetBucketLocation",
        sub: "location",
    }
}
pub fn get_public_access_block(bucket: &str) -> GetBucketSub {
    GetBucketSub {
        bucket: bucket.into(),
        operation: "GetPublicAccessBlock",
        sub: "publicAccessBlock",
    }
}
pub fn get_bucket_website(bucket: &str) -> GetBucketSub {
    GetBucketSub {
        bucket: bucket.into(),
        operation: "GetBucketWebsite",
        sub: "website",
    }
}
pub fn get_bucket_policy(bucket: &str) -> GetBucketSub {
    GetBucketSub {
        bucket: bucket.into(),
        operation: "GetBucketPolicy",
        sub: "policy",
    }
}
pub fn get_bucket_policy_status(bucket: &str) -> GetBucketSub {
    GetBucketSub {
        bucket: bucket.into(),
        operation: "GetBucketPolicyStatus",
        sub: "policyStatus",
    }
}
pub fn get_bucket_cors(bucket: &str) -> GetBucketSub {
    GetBucketSub {
        bucket: bucket.into(),
        operation: "GetBucketCors",
        sub: "cors",
    }
}

const OWNER: Shape = Shape::Struct(&[m("DisplayName", Shape::Str), m("ID", Shape::Str)]);
const GRANTEE: Shape = Shape::Struct(&[
    m("DisplayName", Shape::Str),
    m("EmailAddress", Shape::Str),
    m("ID", Shape::Str),
    m_xml("Type", "@type", Shape::Str),
    m("URI", Shape::Str),
]);
const GRANT: Shape = Shape::Struct(&[m("Grantee", GRANTEE), m("Permission", Shape::Str)]);
const ACL: &[Member] = &[
    m("Owner", OWNER),
    m_xml(
        "Grants",
        "AccessControlList",
        Shape::List {
            item: &GRANT,
            wrapper: "Grant",
        },
    ),
];
pub const PUBLIC_ACCESS_BLOCK: &[Member] = &[
    m("BlockPublicAcls", Shape::Bool),
    m("IgnorePublicAcls", Shape::Bool),
    m("BlockPublicPolicy", Shape::Bool),
    m("RestrictPublicBuckets", Shape::Bool),
];
const WEBSITE: &[Member] = &[
    m(
        "RedirectAllRequestsTo",
        Shape::Struct(&[m("HostName", Shape::Str), m("Protocol", Shape::Str)]),
    ),
    m("IndexDocument", Shape::Struct(&[m("Suffix", Shape::Str)])),
    m("ErrorDocument", Shape::Struct(&[m("Key", Shape::Str)])),
    m(
        "RoutingRules",
        Shape::List {
            item: &Shape::Str,
            wrapper: "RoutingRule",
        },
    ),
];
const CORS_RULE: &[Member] = &[
    m("ID", Shape::Str),
    m_xml("AllowedHeaders", "AllowedHeader", Shape::Flat(&Shape::Str)),
    m_xml("AllowedMethods", "AllowedMethod", Shape::Flat(&Shape::Str)),
    m_xml("AllowedOrigins", "AllowedOrigin", Shape::Flat(&Shape::Str)),
    m_xml("ExposeHeaders", "ExposeHeader", Shape::Flat(&Shape::Str)),
    m("MaxAgeSeconds", Shape::Int),
];
pub const OBJECT: &[Member] = &[
    m("Key", Shape::Str),
    m("LastModified", Shape::Timestamp),
    m("ETag", Shape::Str),
    m("ChecksumAlgorithm", Shape::Flat(&Shape::Str)),
    m("ChecksumType", Shape::Str),
    m("Size", Shape::Int),
    m("StorageClass", Shape::Str),
    m("Owner", OWNER),
    m(
        "RestoreStatus",
        Shape::Struct(&[
            m("IsRestoreInProgress", Shape::Bool),
            m("RestoreExpiryDate", Shape::Timestamp),
        ]),
    ),
];
const BUCKET: &[Member] = &[
    m("Name", Shape::Str),
    m("CreationDate", Shape::Timestamp),
    m("BucketRegion", Shape::Str),
    m("BucketArn", Shape::Str),
];

fn root(body: &[u8]) -> Result<Element, String> {
    xml::parse(body)
}

pub fn read_acl(body: &[u8]) -> Result<Object, String> {
    Ok(xml::to_object(&root(body)?, ACL))
}

/// The bucket's region: an empty constraint is us-east-1, the legacy `EU` eu-west-1.
pub fn read_location(body: &[u8]) -> Result<String, String> {
    let text = root(body)?.text.trim().to_string();
    Ok(match text.as_str() {
        "" => "us-east-1".into(),
        "EU" => "eu-west-1".into(),
        _ => text,
    })
}

pub fn read_public_access_block(body: &[u8]) -> Result<Object, String> {
    Ok(xml::to_object(&root(body)?, PUBLIC_ACCESS_BLOCK))
}

pub fn read_website(body: &[u8]) -> Result<Object, String> {
    Ok(xml::to_object(&root(body)?, WEBSITE))
}

pub fn read_policy_status(body: &[u8]) -> Result<Object, String> {
    Ok(xml::to_object(&root(body)?, &[m("IsPublic", Shape::Bool)]))
}

pub fn read_cors_rules(body: &[u8]) -> Result<Vec<Value>, String> {
    Ok(root(body)?
        .children_named("CORSRule")
        .map(|r| Value::Object(xml::to_object(r, CORS_RULE)))
        .collect())
}

/// `ListBuckets` (not paginated here, as upstream).
pub struct ListBuckets;

impl Action for ListBuckets {
    type Output = Vec<Object>;

    fn request(&self) -> Request {
        Request {
            service: super::endpoint::Service::S3,
            operation: "ListBuckets",
            method: "GET",
            bucket: None,
            key: None,
            query: Vec::new(),
            headers: Vec::new(),
            body: bytes::Bytes::new(),
            idempotent: true,
        }
    }

    fn parse(&self, response: Response) -> Result<Vec<Object>, String> {
        let root = root(&response.body)?;
        Ok(root
            .child("Buckets")
            .map(|b| {
                b.children_named("Bucket")
                    .map(|e| xml::to_object(e, BUCKET))
                    .collect()
            })
            .unwrap_or_default())
    }
}

/// One page of `ListObjectsV2` (keys requested URL-encoded, returned decoded).
pub struct ListObjectsV2 {
    pub bucket: String,
    pub prefix: Option<String>,
    pub continuation: Option<String>,
}

pub struct ObjectPage {
    pub objects: Vec<Object>,
    pub next: Option<String>,
}

impl Action for ListObjectsV2 {
    type Output = ObjectPage;

    fn request(&self) -> Request {
        let mut request = s3("GET", "ListObjectsV2", &self.bucket, None);
        request.query.push(("list-type".into(), "2".into()));
        if let Some(token) = &self.continuation {
            request
                .query
                .push(("continuation-token".into(), token.clone()));
        }
        request.query.push(("encoding-type".into(), "url".into()));
        if let Some(prefix) = self.prefix.as_ref().filter(|p| !p.is_empty()) {
            request.query.push(("prefix".into(), prefix.clone()));
        }
        request
    }

    fn parse(&self, response: Response) -> Result<ObjectPage, String> {
        let root = root(&response.body)?;
        let url_encoded = root.text_of("EncodingType") == Some("url");
        let objects = root
            .children_named("Contents")
            .map(|c| {
                let mut o = xml::to_object(c, OBJECT);
                if url_encoded && let Some(Value::Str(k)) = o.get("Key").cloned() {
                    o.insert(
                        "Key",
                        Value::from(xml::percent_decode(&k.to_string_lossy(), true)),
                    );
                }
                o
            })
            .collect();
        let next = (root.text_of("IsTruncated") == Some("true"))
            .then(|| root.text_of("NextContinuationToken").map(str::to_string))
            .flatten();
        Ok(ObjectPage { objects, next })
    }
}

/// `PutBucketCors` with one rule.
pub struct PutBucketCors {
    pub bucket: String,
    pub id: String,
    pub allowed_headers: Vec<String>,
    pub allowed_methods: Vec<String>,
    pub allowed_origins: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: Option<i64>,
}

impl Action for PutBucketCors {
    type Output = ();

    fn request(&self) -> Request {
        let each = |tag: &str, values: &[String]| -> String {
            values
                .iter()
                .map(|v| format!("<{tag}>{}</{tag}>", xml_escape(v)))
                .collect()
        };
        let mut rule = format!("<ID>{}</ID>", xml_escape(&self.id));
        rule.push_str(&each("AllowedHeader", &self.allowed_headers));
        rule.push_str(&each("AllowedMethod", &self.allowed_methods));
        rule.push_str(&each("AllowedOrigin", &self.allowed_origins));
        rule.push_str(&each("ExposeHeader", &self.expose_headers));
        if let Some(age) = self.max_age_seconds {
            rule.push_str(&format!("<MaxAgeSeconds>{age}</MaxAgeSeconds>"));
        }
        put_sub_resource(
            "PutBucketCors",
            &self.bucket,
            "cors",
            format!(
                "<CORSConfiguration xmlns=\"{S3_NS}\"><CORSRule>{rule}</CORSRule></CORSConfiguration>"
            ),
        )
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}

/// `DeleteObjects` for up to 1,000 keys; the output is the `<Error>` entries.
pub struct DeleteObjects {
    pub bucket: String,
    pub keys: Vec<String>,
}

const DELETE_ERROR: &[Member] = &[
    m("Key", Shape::Str),
    m("VersionId", Shape::Str),
    m("Code", Shape::Str),
    m("Message", Shape::Str),
];

impl Action for DeleteObjects {
    type Output = Vec<Object>;

    fn request(&self) -> Request {
        let objects: String = self
            .keys
            .iter()
            .map(|k| format!("<Object><Key>{}</Key></Object>", xml_escape(k)))
            .collect();
        let mut request = s3("POST", "DeleteObjects", &self.bucket, None);
        request.query.push(("delete".into(), String::new()));
        request.body = format!("<Delete xmlns=\"{S3_NS}\">{objects}</Delete>")
            .into_bytes()
            .into();
        request.with_content_md5()
    }

    fn parse(&self, response: Response) -> Result<Vec<Object>, String> {
        Ok(root(&response.body)?
            .children_named("Error")
            .map(|e| xml::to_object(e, DELETE_ERROR))
            .collect())
    }
}

// ---------------------------------------------------------------------------
// Transfers: whole objects below the part size, multipart above it.

/// The CRC32 checksum headers upstream's uploads carry (so listings show
/// `ChecksumAlgorithm: ["CRC32"]`).
fn with_crc32(mut request: Request) -> Request {
    use base64::Engine as _;
    let crc = crc32fast::hash(&request.body);
    let encoded = base64::engine::general_purpose::STANDARD.encode(crc.to_be_bytes());
    request
        .headers
        .push(("x-amz-sdk-checksum-algorithm".into(), "CRC32".into()));
    request
        .headers
        .push(("x-amz-checksum-crc32".into(), encoded));
    request
}

/// `HeadObject`: the object's size.
pub struct HeadObject {
    pub bucket: String,
    pub key: String,
}

impl Action for HeadObject {
    type Output = u64;

    fn request(&self) -> Request {
        s3("HEAD", "HeadObject", &self.bucket, Some(&self.key))
    }

    fn parse(&self, response: Response) -> Result<u64, String> {
        response
            .header("content-length")
            .and_then(|l| l.trim().parse().ok())
            .ok_or_else(|| "no Content-Length in the HeadObject response".to_string())
    }
}

/// `GetObject` of a byte range (inclusive), into memory.
pub struct GetObjectRange {
    pub bucket: String,
    pub key: String,
    pub first: u64,
    pub last: u64,
}

impl Action for GetObjectRange {
    type Output = bytes::Bytes;

    fn request(&self) -> Request {
        let mut request = s3("GET", "GetObject", &self.bucket, Some(&self.key));
        request.headers.push((
            "range".into(),
            format!("bytes={}-{}", self.first, self.last),
        ));
        request
    }

    fn parse(&self, response: Response) -> Result<bytes::Bytes, String> {
        let expected = (self.last - self.first + 1) as usize;
        if response.body.len() != expected {
            return Err(format!(
                "expected {expected} bytes of {}, got {}",
                self.key,
                response.body.len()
            ));
        }
        Ok(response.body)
    }
}

pub struct CreateMultipartUpload {
    pub bucket: String,
    pub key: String,
    pub content_type: Option<String>,
}

impl Action for CreateMultipartUpload {
    /// The upload id.
    type Output = String;

    fn request(&self) -> Request {
        let mut request = s3(
            "POST",
            "CreateMultipartUpload",
            &self.bucket,
            Some(&self.key),
        );
        request.query.push(("uploads".into(), String::new()));
        request
            .headers
            .push(("x-amz-checksum-algorithm".into(), "CRC32".into()));
        if let Some(t) = &self.content_type {
            request.headers.push(("content-type".into(), t.clone()));
        }
        request.idempotent = false;
        request
    }

    fn parse(&self, response: Response) -> Result<String, String> {
        root(&response.body)?
            .text_of("UploadId")
            .map(str::to_string)
            .ok_or_else(|| "no UploadId in the CreateMultipartUpload response".into())
    }
}

pub struct UploadPart {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub number: u32,
    pub body: bytes::Bytes,
}

/// A finished part: its number, ETag and CRC32 (base64).
#[derive(Debug, Clone)]
pub struct Part {
    pub number: u32,
    pub etag: String,
    pub crc32: String,
}

impl Action for UploadPart {
    type Output = Part;

    fn request(&self) -> Request {
        let mut request = s3("PUT", "UploadPart", &self.bucket, Some(&self.key));
        request
            .query
            .push(("partNumber".into(), self.number.to_string()));
        request
            .query
            .push(("uploadId".into(), self.upload_id.clone()));
        request.body = self.body.clone();
        with_crc32(request)
    }

    fn parse(&self, response: Response) -> Result<Part, String> {
        use base64::Engine as _;
        Ok(Part {
            number: self.number,
            etag: response
                .header("etag")
                .map(str::to_string)
                .ok_or("no ETag in the UploadPart response")?,
            crc32: base64::engine::general_purpose::STANDARD
                .encode(crc32fast::hash(&self.body).to_be_bytes()),
        })
    }
}

pub struct CompleteMultipartUpload {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    pub parts: Vec<Part>,
}

impl Action for CompleteMultipartUpload {
    type Output = ();

    fn request(&self) -> Request {
        let parts: String = self
            .parts
            .iter()
            .map(|p| {
                format!(
                    "<Part><ChecksumCRC32>{}</ChecksumCRC32><ETag>{}</ETag><PartNumber>{}</PartNumber></Part>",
                    p.crc32,
                    xml_escape(&p.etag),
                    p.number
                )
            })
            .collect();
        let mut request = s3(
            "POST",
            "CompleteMultipartUpload",
            &self.bucket,
            Some(&self.key),
        );
        request
            .query
            .push(("uploadId".into(), self.upload_id.clone()));
        request.body =
            format!("<CompleteMultipartUpload xmlns=\"{S3_NS}\">{parts}</CompleteMultipartUpload>")
                .into_bytes()
                .into();
        request
    }

    fn parse(&self, response: Response) -> Result<(), String> {
        // S3 can answer 200 with an <Error> document when completion fails late.
        let root = root(&response.body)?;
        if root.name == "Error" {
            return Err(format!(
                "{}: {}",
                root.text_of("Code").unwrap_or("Unknown"),
                root.text_of("Message").unwrap_or("")
            ));
        }
        Ok(())
    }
}

pub struct AbortMultipartUpload {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
}

impl Action for AbortMultipartUpload {
    type Output = ();

    fn request(&self) -> Request {
        let mut request = s3(
            "DELETE",
            "AbortMultipartUpload",
            &self.bucket,
            Some(&self.key),
        );
        request
            .query
            .push(("uploadId".into(), self.upload_id.clone()));
        request
    }

    fn parse(&self, _response: Response) -> Result<(), String> {
        Ok(())
    }
}
