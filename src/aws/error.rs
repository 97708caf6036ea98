//! AWS failures: error bodies parsed into one type, and how each kind is worded.

use super::xml;

/// An error response from a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceError {
    pub operation: &'static str,
    pub status: u16,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    /// S3 tells a wrong-region caller where the bucket is.
    pub region: Option<String>,
    /// How many retries were spent before giving up (botocore's "reached max retries").
    pub retries: u32,
}

impl ServiceError {
    /// Parses an IAM/STS `<ErrorResponse>` or S3 `<Error>` body; a body-less error
    /// (HEAD) gets the status as code and the reason phrase as message.
    pub fn from_response(
        operation: &'static str,
        status: u16,
        body: &[u8],
        region_header: Option<&str>,
    ) -> ServiceError {
        let parsed = xml::parse(body).ok();
        // S3: <Error>; IAM/STS: <ErrorResponse><Error>; also <Errors><Error>.
        let error = parsed.as_ref().and_then(|root| root.descendant("Error"));
        let text = |name: &str| {
            error
                .and_then(|e| e.text_of(name))
                .map(str::to_string)
                .filter(|s| !s.is_empty())
        };
        let (code, message) = match error {
            Some(_) => (
                text("Code").unwrap_or_else(|| "Unknown".into()),
                text("Message").unwrap_or_else(|| "Unknown".into()),
            ),
            None => (status.to_string(), reason_phrase(status).to_string()),
        };
        let request_id = text("RequestId").or_else(|| {
            parsed
                .as_ref()
                .and_then(|r| r.text_of("RequestId"))
                .map(str::to_string)
        });
        ServiceError {
            operation,
            status,
            code,
            message,
            request_id,
            region: region_header
                .map(str::to_string)
                .or_else(|| text("Region"))
                .or_else(|| text("Endpoint").and_then(|host| region_of_host(&host))),
            retries: 0,
        }
    }

    /// botocore's rendering, which upstream prints for the errors it catches:
    /// `An error occurred (Code) when calling the Op operation: Message`.
    pub fn sdk_text(&self) -> String {
        let retries = if self.retries > 0 {
            format!(" (reached max retries: {})", self.retries)
        } else {
            String::new()
        };
        format!(
            "An error occurred ({}) when calling the {} operation{retries}: {}",
            self.code, self.operation, self.message
        )
    }

    /// A short hint for the errors whose cause users most often misread.
    pub fn hint(&self) -> Option<&'static str> {
        Some(match self.code.as_str() {
            "InvalidClientTokenId" | "InvalidAccessKeyId" => {
                "the access key id is not known to AWS: check which credentials are in use"
            }
            "SignatureDoesNotMatch" => {
                "the secret access key does not match the access key id, or the clock is wrong"
            }
            "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" => {
                "the session credentials have expired: get new ones"
            }
            "RequestTimeTooSkewed" => "this machine's clock is too far from AWS's: fix the clock",
            "AccessDenied" | "AccessDeniedException" | "Forbidden" | "403" => {
                "the credentials in use lack the permission for this call"
            }
            _ => return None,
        })
    }
}

impl std::fmt::Display for ServiceError {
    /// Our one line: `Code: Message (hint)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if self.retries > 0 {
            write!(f, " (after {} retries)", self.retries)?;
        }
        if let Some(hint) = self.hint() {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

/// Anything that can go wrong in one AWS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsError {
    Service(ServiceError),
    /// No response: connection, TLS, timeout.
    Transport {
        operation: &'static str,
        message: String,
    },
    /// A 2xx response that could not be understood.
    Response {
        operation: &'static str,
        message: String,
    },
    /// Bad configuration or credentials, found before sending.
    Setup(String),
}

/// The region in an S3 host a redirect names: `b.s3.eu-west-1.amazonaws.com`
/// or the older `b.s3-eu-west-1.amazonaws.com`.
fn region_of_host(host: &str) -> Option<String> {
    let host = host.strip_suffix(".amazonaws.com")?;
    let labels: Vec<&str> = host.split('.').collect();
    let at = labels
        .iter()
        .rposition(|l| *l == "s3" || l.starts_with("s3-"))?;
    let region = match labels[at].strip_prefix("s3-") {
        Some(r) => r,
        None => labels.get(at + 1)?,
    };
    (region.contains('-') && !region.starts_with("external")).then(|| region.to_string())
}

impl AwsError {
    /// The call may have taken effect although no usable answer came back.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            AwsError::Transport { .. } | AwsError::Response { .. } => true,
            // A server error says nothing about whether the change was made.
            AwsError::Service(e) => e.status >= 500,
            AwsError::Setup(_) => false,
        }
    }
}

impl std::fmt::Display for AwsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AwsError::Service(e) => e.fmt(f),
            AwsError::Transport { operation, message } => {
                write!(f, "{operation} failed: {message}")
            }
            AwsError::Response { operation, message } => {
                write!(
                    f,
                    "{operation} returned a response that could not be read: {message}"
                )
            }
            AwsError::Setup(message) => f.write_str(message),
        }
    }
}

impl From<AwsError> for crate::error::Error {
    fn from(e: AwsError) -> Self {
        crate::error::Error::Runtime(e.to_string())
    }
}

pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        411 => "Length Required",
        412 => "Precondition Failed",
        416 => "Requested Range Not Satisfiable",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_error_bodies() {
        let body = br#"<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The user with name fixture-user cannot be found.</Message><message>The user with name fixture-user cannot be found.</message></Error><RequestId>jTTY</RequestId></ErrorResponse>"#;
        let e = ServiceError::from_response("GetUser", 404, body, None);
        assert_eq!(e.code, "NoSuchEntity");
        assert_eq!(e.request_id.as_deref(), Some("jTTY"));
        assert_eq!(
            e.sdk_text(),
            "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name fixture-user cannot be found."
        );
        assert_eq!(
            e.to_string(),
            "NoSuchEntity: The user with name fixture-user cannot be found."
        );
    }

    #[test]
    fn s3_error_bodies_and_bodiless_errors() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>PermanentRedirect</Code><Message>Use the right endpoint.</Message><Region>eu-west-1</Region><RequestId>R</RequestId></Error>";
        let e = ServiceError::from_response("ListObjectsV2", 301, body, None);
        assert_eq!(
            (e.code.as_str(), e.region.as_deref()),
            ("PermanentRedirect", Some("eu-west-1"))
        );
        let e = ServiceError::from_response("HeadObject", 404, b"", None);
        assert_eq!(
            e.sdk_text(),
            "An error occurred (404) when calling the HeadObject operation: Not Found"
        );
        let e = ServiceError::from_response("X", 500, b"<Error></Error>", None);
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("Unknown", "Unknown")
        );
    }

    #[test]
    fn nested_errors_element() {
        let body = br#"<?xml version="1.0" encoding="utf-8"?>
<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message><Type>Sender</Type></Error></Errors></ErrorResponse>"#;
        let e = ServiceError::from_response("GetCallerIdentity", 403, body, None);
        assert_eq!(e.code, "SignatureDoesNotMatch");
    }

    #[test]
    fn hints_and_retries() {
        let mut e = ServiceError::from_response(
            "GetCallerIdentity",
            403,
            b"<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>m</Message></Error></ErrorResponse>",
            None,
        );
        assert!(
            e.to_string()
                .starts_with("SignatureDoesNotMatch: m (the secret access key")
        );
        e.retries = 2;
        assert!(
            e.sdk_text()
                .contains("operation (reached max retries: 2): m")
        );
    }

    #[test]
    fn a_redirect_names_its_region_in_the_endpoint_host() {
        assert_eq!(
            region_of_host("b.s3.eu-west-1.amazonaws.com").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            region_of_host("b.s3-ap-south-1.amazonaws.com").as_deref(),
            Some("ap-south-1")
        );
        assert_eq!(region_of_host("b.s3.amazonaws.com"), None);
        assert_eq!(region_of_host("example.com"), None);
        let body = b"<Error><Code>TemporaryRedirect</Code><Message>m</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint></Error>";
        let e = ServiceError::from_response("GetObject", 307, body, None);
        assert_eq!(e.region.as_deref(), Some("eu-west-1"));
    }
}
