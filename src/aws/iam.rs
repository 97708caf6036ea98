//! IAM actions and the response shapes botocore prints.

use super::endpoint::Service;
use super::request::{Action, Request, Response, query_api};
use super::xml::{self, Element, Member, Shape, m};
use crate::json::Object;

const TAG: Shape = Shape::Struct(&[m("Key", Shape::Str), m("Value", Shape::Str)]);
const TAGS: Shape = Shape::List {
    item: &TAG,
    wrapper: "member",
};
const PERMISSIONS_BOUNDARY: Shape = Shape::Struct(&[
    m("PermissionsBoundaryType", Shape::Str),
    m("PermissionsBoundaryArn", Shape::Str),
]);

pub const USER: &[Member] = &[
    m("Path", Shape::Str),
    m("UserName", Shape::Str),
    m("UserId", Shape::Str),
    m("Arn", Shape::Str),
    m("CreateDate", Shape::Timestamp),
    m("PasswordLastUsed", Shape::Timestamp),
    m("PermissionsBoundary", PERMISSIONS_BOUNDARY),
    m("Tags", TAGS),
];

/// One page of a Marker-paginated IAM list.
#[derive(Debug, Default)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The marker for the next page, when the list is truncated.
    pub next: Option<String>,
}

fn result<'a>(root: &'a Element, action: &str) -> Result<&'a Element, String> {
    root.child(&format!("{action}Result"))
        .ok_or_else(|| format!("no {action}Result element"))
}

fn page_marker(result: &Element) -> Option<String> {
    (result.text_of("IsTruncated") == Some("true"))
        .then(|| result.text_of("Marker").map(str::to_string))
        .flatten()
}

/// `ListUsers`, one page.
pub struct ListUsers {
    pub marker: Option<String>,
}

impl Action for ListUsers {
    type Output = Page<Object>;

    fn request(&self) -> Request {
        let mut params = Vec::new();
        if let Some(marker) = &self.marker {
            params.push(("Marker", marker.as_str()));
        }
        query_api(Service::Iam, "ListUsers", &params)
    }

    fn parse(&self, response: Response) -> Result<Page<Object>, String> {
        let root = xml::parse(&response.body)?;
        let result = result(&root, "ListUsers")?;
        let items = result
            .child("Users")
            .map(|users| {
                users
                    .children_named("member")
                    .map(|u| xml::to_object(u, USER))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Page {
            items,
            next: page_marker(result),
        })
    }
}
