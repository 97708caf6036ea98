//! STS actions.

use super::endpoint::Service;
use super::request::{Action, Request, Response, query_api};
use super::xml::{self, Member, Shape, m};
use crate::json::Object;

const CALLER_IDENTITY: &[Member] = &[
    m("UserId", Shape::Str),
    m("Account", Shape::Str),
    m("Arn", Shape::Str),
];

/// Who the credentials belong to.
pub struct GetCallerIdentity;

impl Action for GetCallerIdentity {
    type Output = Object;

    fn request(&self) -> Request {
        query_api(Service::Sts, "GetCallerIdentity", &[])
    }

    fn parse(&self, response: Response) -> Result<Object, String> {
        let root = xml::parse(&response.body)?;
        let result = root
            .child("GetCallerIdentityResult")
            .ok_or("no GetCallerIdentityResult element")?;
        Ok(xml::to_object(result, CALLER_IDENTITY))
    }
}

pub const CREDENTIALS: &[Member] = &[
    m("AccessKeyId", Shape::Str),
    m("SecretAccessKey", Shape::Str),
    m("SessionToken", Shape::Str),
    m("Expiration", Shape::Timestamp),
];

/// Temporary credentials as STS returns them: the printable object and the keys.
/// `Debug` shows the credentials redacted and not the response object, which holds
/// the secret too.
pub struct Temporary {
    pub object: Object,
    pub credentials: crate::aws::credentials::Credentials,
    /// As STS sent it (ISO 8601).
    pub expiration: Option<String>,
}

fn temporary(response: &Response, action: &str, source: &'static str) -> Result<Temporary, String> {
    let root = xml::parse(&response.body)?;
    let element = root
        .find(&[&format!("{action}Result"), "Credentials"])
        .ok_or_else(|| format!("no {action}Result/Credentials element"))?;
    let text = |name: &str| {
        element
            .text_of(name)
            .map(str::to_string)
            .ok_or_else(|| format!("no {name} in the {action} credentials"))
    };
    Ok(Temporary {
        expiration: element.text_of("Expiration").map(str::to_string),
        object: xml::to_object(element, CREDENTIALS),
        credentials: crate::aws::credentials::Credentials {
            access_key_id: text("AccessKeyId")?,
            secret_access_key: text("SecretAccessKey")?,
            session_token: Some(text("SessionToken")?).filter(|t| !t.is_empty()),
            source,
        },
    })
}

/// `AssumeRole`, signed with the caller's credentials.
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: String,
    pub policy: Option<String>,
    pub duration_seconds: Option<u32>,
    pub external_id: Option<String>,
}

impl Action for AssumeRole {
    type Output = Temporary;

    fn request(&self) -> Request {
        let duration = self.duration_seconds.map(|d| d.to_string());
        let mut params = vec![
            ("RoleArn", self.role_arn.as_str()),
            ("RoleSessionName", self.session_name.as_str()),
        ];
        if let Some(p) = &self.policy {
            params.push(("Policy", p));
        }
        if let Some(d) = &duration {
            params.push(("DurationSeconds", d));
        }
        if let Some(e) = &self.external_id {
            params.push(("ExternalId", e));
        }
        query_api(Service::Sts, "AssumeRole", &params)
    }

    fn parse(&self, response: Response) -> Result<Temporary, String> {
        temporary(&response, "AssumeRole", "assumed role")
    }
}

/// `AssumeRoleWithWebIdentity`: sent unsigned, the token is the proof.
pub struct AssumeRoleWithWebIdentity {
    pub role_arn: String,
    pub session_name: String,
    pub token: String,
}

impl Action for AssumeRoleWithWebIdentity {
    type Output = Temporary;

    fn request(&self) -> Request {
        query_api(
            Service::Sts,
            "AssumeRoleWithWebIdentity",
            &[
                ("RoleArn", self.role_arn.as_str()),
                ("RoleSessionName", self.session_name.as_str()),
                ("WebIdentityToken", self.token.as_str()),
            ],
        )
    }

    fn parse(&self, response: Response) -> Result<Temporary, String> {
        temporary(&response, "AssumeRoleWithWebIdentity", "web identity")
    }
}

impl std::fmt::Debug for Temporary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Temporary")
            .field("credentials", &self.credentials)
            .finish_non_exhaustive()
    }
}
