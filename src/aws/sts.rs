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
