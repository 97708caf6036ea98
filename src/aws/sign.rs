//! SigV4 signing with aws-sigv4: the per-service settings and one pure function.
//!
//! S3 needs single percent-encoding, no path normalisation and an
//! `x-amz-content-sha256` header; IAM and STS use the defaults. The URL handed in
//! must already be percent-encoded.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as SdkCredentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode, sign as sigv4_sign,
};
use aws_sigv4::sign::v4;

use super::credentials::Credentials;
use super::endpoint::Service;

/// What is signed about the body.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    Bytes(&'a [u8]),
    /// A precomputed lowercase hex SHA-256.
    Sha256(&'a str),
    Unsigned,
}

/// One request to sign.
pub struct SignInput<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: &'a [(String, String)],
    pub payload: Payload<'a>,
    pub service: Service,
    pub region: &'a str,
    pub time: SystemTime,
    /// `Some`: a presigned URL valid this long (signature in the query string).
    pub presign: Option<Duration>,
}

/// What signing adds: headers (or, when presigning, query parameters).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Signed {
    pub headers: Vec<(String, String)>,
    pub query: Vec<(String, String)>,
    pub signature: String,
}

pub fn settings_for(service: Service, presign: Option<Duration>) -> SigningSettings {
    let mut settings = SigningSettings::default();
    if service == Service::S3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = if presign.is_some() {
            PayloadChecksumKind::NoHeader
        } else {
            PayloadChecksumKind::XAmzSha256
        };
    }
    if let Some(expires) = presign {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(expires);
    }
    settings
}

/// Signs with explicit settings (the test-suite runner chooses its own).
pub fn sign_with(
    input: &SignInput,
    credentials: &Credentials,
    service_name: &str,
    settings: SigningSettings,
) -> Result<Signed, String> {
    let identity = SdkCredentials::new(
        &credentials.access_key_id,
        &credentials.secret_access_key,
        credentials.session_token.clone(),
        None,
        "s3-credentials",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(input.region)
        .name(service_name)
        .time(input.time)
        .settings(settings)
        .build()
        .map_err(|e| format!("signing parameters: {e}"))?
        .into();
    let body = match input.payload {
        Payload::Bytes(b) => SignableBody::Bytes(b),
        Payload::Sha256(h) => SignableBody::Precomputed(h.to_string()),
        Payload::Unsigned => SignableBody::UnsignedPayload,
    };
    let request = SignableRequest::new(
        input.method,
        input.url,
        input.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        body,
    )
    .map_err(|e| format!("cannot sign request to {}: {e}", input.url))?;
    let output = sigv4_sign(request, &params).map_err(|e| format!("signing failed: {e}"))?;
    let signature = output.signature().to_string();
    let (headers, query) = output.into_parts().0.into_parts();
    Ok(Signed {
        headers: headers
            .into_iter()
            .map(|h| (h.name().to_string(), h.value().to_string()))
            .collect(),
        query: query
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_owned()))
            .collect(),
        signature,
    })
}

/// Signs a request for `input.service` with that service's settings.
pub fn sign(input: &SignInput, credentials: &Credentials) -> Result<Signed, String> {
    let mut settings = settings_for(input.service, input.presign);
    settings.session_token_mode = SessionTokenMode::Include;
    sign_with(input, credentials, input.service.signing_name(), settings)
}
