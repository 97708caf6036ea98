//! The AWS error parser (IAM/STS `<ErrorResponse>`, S3 `<Error>`, body-less HEAD
//! errors), and its renderings.
#![no_main]
use libfuzzer_sys::fuzz_target;
use s3_credentials::aws::error::{AwsError, ServiceError};

fuzz_target!(|data: &[u8]| {
    let status = data.first().map_or(400, |b| 300 + u16::from(*b) % 300);
    let region = data.get(1..9).map(String::from_utf8_lossy);
    let e = ServiceError::from_response("GetObject", status, data, region.as_deref());
    let _ = e.sdk_text();
    let _ = e.to_string();
    let _ = AwsError::Service(e).to_string();
});
