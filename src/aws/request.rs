//! A request as plain data, and the [`Action`] trait each IAM, STS or S3 call
//! implements: building the request and parsing the response are pure.

use bytes::Bytes;

use super::endpoint::Service;

/// One HTTP request, before endpoint resolution and signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub service: Service,
    /// The API operation name, for errors (`GetCallerIdentity`).
    pub operation: &'static str,
    pub method: &'static str,
    /// S3: the bucket, placed in the host or the path by the endpoint rules.
    pub bucket: Option<String>,
    /// S3: the object key, unencoded.
    pub key: Option<String>,
    /// Query parameters, unencoded.
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    /// Shared, so retries and the transport never copy a large body.
    pub body: Bytes,
    /// Safe to send twice. Non-idempotent calls are retried only when the request
    /// certainly did not reach the service (connection refused, throttled).
    pub idempotent: bool,
}

/// A response, as the client hands it to an action's parser.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One API call.
pub trait Action {
    type Output;
    fn request(&self) -> Request;
    /// Called with a 2xx response; the error is a description of what was wrong.
    fn parse(&self, response: Response) -> Result<Self::Output, String>;
}

impl Request {
    /// Adds `Content-MD5` for the body, which S3 demands on DeleteObjects,
    /// PutBucketCors, PutBucketPolicy, PutPublicAccessBlock and PutBucketWebsite.
    pub fn with_content_md5(mut self) -> Request {
        use base64::Engine as _;
        use md5::Digest as _;
        let digest = md5::Md5::digest(&self.body);
        let encoded = base64::engine::general_purpose::STANDARD.encode(digest);
        self.headers.push(("content-md5".into(), encoded));
        self
    }
}

/// RFC 3986 unreserved characters stay, everything else is `%XX`.
pub fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `application/x-www-form-urlencoded` as botocore writes it (Python's
/// `quote_plus`): unreserved characters stay, a space is `+`, the rest `%XX`.
pub fn form_encode(s: &str) -> String {
    percent_encode(s, false).replace("%20", "+")
}

/// A Query API call (IAM, STS): a form POST of `Action`, `Version` and parameters.
pub fn query_api(service: Service, action: &'static str, params: &[(&str, &str)]) -> Request {
    let version = match service {
        Service::Iam => "2010-05-08",
        Service::Sts => "2011-06-15",
        Service::S3 => "2006-03-01",
    };
    let mut body = format!("Action={action}&Version={version}");
    for (k, v) in params {
        body.push('&');
        body.push_str(&form_encode(k));
        body.push('=');
        body.push_str(&form_encode(v));
    }
    Request {
        service,
        operation: action,
        method: "POST",
        bucket: None,
        key: None,
        query: Vec::new(),
        headers: vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded; charset=utf-8".into(),
        )],
        body: body.into_bytes().into(),
        idempotent: true,
    }
}

/// An S3 REST call on a bucket (and optionally a key).
pub fn s3(
    method: &'static str,
    operation: &'static str,
    bucket: &str,
    key: Option<&str>,
) -> Request {
    Request {
        service: Service::S3,
        operation,
        method,
        bucket: Some(bucket.to_string()),
        key: key.map(str::to_string),
        query: Vec::new(),
        headers: Vec::new(),
        body: Bytes::new(),
        idempotent: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_api_bodies_match_botocore() {
        let r = query_api(Service::Iam, "GetUser", &[("UserName", "fixture-user")]);
        assert_eq!(
            String::from_utf8(r.body.to_vec()).unwrap(),
            "Action=GetUser&Version=2010-05-08&UserName=fixture-user"
        );
        let r = query_api(Service::Sts, "GetCallerIdentity", &[]);
        assert_eq!(
            String::from_utf8(r.body.to_vec()).unwrap(),
            "Action=GetCallerIdentity&Version=2011-06-15"
        );
        // Byte for byte what botocore sends (wire capture 10-iam-PutUserPolicy).
        let doc = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::fixture-bucket/*"]}]}"#;
        let r = query_api(Service::Iam, "PutUserPolicy", &[("PolicyDocument", doc)]);
        assert_eq!(
            String::from_utf8(r.body.to_vec()).unwrap(),
            "Action=PutUserPolicy&Version=2010-05-08&PolicyDocument=%7B%22Version%22%3A+%222012-10-17%22%2C+%22Statement%22%3A+%5B%7B%22Effect%22%3A+%22Allow%22%2C+%22Action%22%3A+%5B%22s3%3AGetObject%22%5D%2C+%22Resource%22%3A+%5B%22arn%3Aaws%3As3%3A%3A%3Afixture-bucket%2F%2A%22%5D%7D%5D%7D"
        );
    }

    #[test]
    fn content_md5_is_base64_of_the_digest() {
        let mut r = s3("POST", "DeleteObjects", "b", None);
        r.body = bytes::Bytes::from_static(b"hello");
        let r = r.with_content_md5();
        assert_eq!(
            r.headers,
            [(
                "content-md5".to_string(),
                "XUFAKrxLKna5cZ2REBfFkg==".to_string()
            )]
        );
    }

    #[test]
    fn encoding() {
        assert_eq!(percent_encode("a b+c/ü~", true), "a%20b%2Bc/%C3%BC~");
        assert_eq!(percent_encode("a/b", false), "a%2Fb");
    }
}

/// A Query API (IAM/STS) call: its name, parameters and whether it may be re-sent.
/// The output is the `<{Action}Result>` element (empty for result-less calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub service: Service,
    pub action: &'static str,
    pub params: Vec<(&'static str, String)>,
    pub idempotent: bool,
}

impl Query {
    pub fn iam(action: &'static str, params: &[(&'static str, &str)]) -> Query {
        Query {
            service: Service::Iam,
            action,
            params: params.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            idempotent: true,
        }
    }

    /// Marks a call that must not be repeated blindly (it creates something).
    pub fn not_idempotent(mut self) -> Query {
        self.idempotent = false;
        self
    }
}

impl Action for Query {
    type Output = super::xml::Element;

    fn request(&self) -> Request {
        let params: Vec<(&str, &str)> = self.params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let mut request = query_api(self.service, self.action, &params);
        request.idempotent = self.idempotent;
        request
    }

    fn parse(&self, response: Response) -> Result<super::xml::Element, String> {
        let root = super::xml::parse(&response.body)?;
        Ok(root
            .child(&format!("{}Result", self.action))
            .cloned()
            .unwrap_or_default())
    }
}
