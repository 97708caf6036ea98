//! AWS XML responses: a small element tree read with quick-xml, and shape tables
//! that turn an element into the JSON object botocore would print.
//!
//! botocore prints response members in its *model* order, only those present,
//! typed by the model (integers, booleans, timestamps, lists). A [`Shape`] is that
//! model as data, so each response type is described once.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::timestamp;
use crate::json::{Object, Value};

/// One XML element: local name (namespace prefix dropped), attributes, text, children.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of a direct child.
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// A descendant along a path of names.
    pub fn find(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |e, name| e.child(name))
    }

    /// The first element with this name, depth first, this one included.
    pub fn descendant(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.descendant(name))
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, local)) => local.to_string(),
        None => name.to_string(),
    }
}

/// AWS responses nest a handful of levels; deeper is hostile (and the tree's
/// recursive walks and drop must stay within the stack).
const MAX_DEPTH: usize = 100;

/// Parses a document into its root element.
pub fn parse(text: &[u8]) -> Result<Element, String> {
    let mut reader = Reader::from_reader(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let start = |e: &quick_xml::events::BytesStart| -> Result<Element, String> {
        let mut attrs = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|e| e.to_string())?;
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?
                .into_owned();
            attrs.push((local(a.key.as_ref()), value));
        }
        Ok(Element {
            name: local(e.name().as_ref()),
            attrs,
            ..Element::default()
        })
    };
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("XML nested deeper than {MAX_DEPTH} elements"));
                }
                stack.push(start(&e)?)
            }
            Event::Empty(e) => {
                let element = start(&e)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or("unbalanced XML")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    match r.resolve_char_ref().map_err(|e| e.to_string())? {
                        Some(c) => top.text.push(c),
                        None => {
                            let entity = quick_xml::escape::resolve_predefined_entity(&r)
                                .ok_or_else(|| format!("unknown XML entity &{};", &*r))?;
                            top.text.push_str(entity);
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !stack.is_empty() {
        return Err("truncated XML: unclosed elements at end of input".into());
    }
    root.ok_or_else(|| "empty XML document".to_string())
}

/// How one response member is typed.
#[derive(Debug)]
pub enum Shape {
    Str,
    Int,
    Bool,
    Timestamp,
    /// URL-encoded JSON text (IAM policy documents), printed as parsed JSON.
    PolicyDocument,
    Struct(&'static [Member]),
    /// `<Key><member>…</member>…</Key>`, items named `item`.
    List {
        item: &'static Shape,
        wrapper: &'static str,
    },
    /// Repeated `<Name>…</Name>` elements directly in the parent.
    Flat(&'static Shape),
}

/// A member: the key botocore prints, the XML element it comes from, its shape.
/// An `xml` name starting with `@` reads an attribute instead.
#[derive(Debug)]
pub struct Member {
    pub key: &'static str,
    pub xml: &'static str,
    pub shape: Shape,
}

pub const fn m(key: &'static str, shape: Shape) -> Member {
    Member {
        key,
        xml: key,
        shape,
    }
}

pub const fn m_xml(key: &'static str, xml: &'static str, shape: Shape) -> Member {
    Member { key, xml, shape }
}

/// An element's members as an ordered object (only those present).
pub fn to_object(element: &Element, members: &[Member]) -> Object {
    let mut obj = Object::new();
    for member in members {
        if let Some(attr) = member.xml.strip_prefix('@') {
            if let Some(v) = element.attr(attr) {
                obj.insert(member.key, Value::from(v));
            }
            continue;
        }
        let value = match &member.shape {
            Shape::Flat(item) => {
                let items: Vec<Value> = element
                    .children_named(member.xml)
                    .map(|e| to_value(e, item))
                    .collect();
                if items.is_empty() {
                    continue;
                }
                Value::Array(items)
            }
            shape => match element.child(member.xml) {
                Some(child) => to_value(child, shape),
                None => continue,
            },
        };
        obj.insert(member.key, value);
    }
    obj
}

/// One element typed by its shape.
pub fn to_value(element: &Element, shape: &Shape) -> Value {
    let text = element.text.trim();
    match shape {
        Shape::Str => Value::from(element.text.as_str()),
        Shape::Int => match text.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => Value::from(element.text.as_str()),
        },
        Shape::Bool => Value::Bool(text == "true"),
        Shape::Timestamp => match timestamp::python_str(text) {
            Some(s) => Value::from(s),
            None => Value::from(element.text.as_str()),
        },
        Shape::PolicyDocument => policy_document(&element.text),
        Shape::Struct(members) => Value::Object(to_object(element, members)),
        Shape::List { item, wrapper } => Value::Array(
            element
                .children_named(wrapper)
                .map(|e| to_value(e, item))
                .collect(),
        ),
        Shape::Flat(item) => to_value(element, item),
    }
}

/// IAM policy documents: percent-decoded (`+` stays), then JSON if it parses.
pub fn policy_document(raw: &str) -> Value {
    let decoded = percent_decode(raw, false);
    crate::json::parse(&decoded).unwrap_or_else(|_| Value::from(decoded))
}

/// `%XX` decoding; with `plus_as_space`, form decoding.
pub fn percent_decode(raw: &str, plus_as_space: bool) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus_as_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::to_string_compact;

    const TAG: Shape = Shape::Struct(&[m("Key", Shape::Str), m("Value", Shape::Str)]);
    const USER: &[Member] = &[
        m("Path", Shape::Str),
        m("UserName", Shape::Str),
        m("CreateDate", Shape::Timestamp),
        m(
            "Tags",
            Shape::List {
                item: &TAG,
                wrapper: "member",
            },
        ),
    ];

    #[test]
    fn members_print_in_model_order_only_when_present() {
        let xml = b"<User><CreateDate>2026-11-27T23:04:05.342532Z</CreateDate><UserName>u &amp; v</UserName><Path>/</Path><Tags/></User>";
        let e = parse(xml).unwrap();
        assert_eq!(
            to_string_compact(&to_object(&e, USER).into()),
            r#"{"Path": "/", "UserName": "u & v", "CreateDate": "2026-11-27 23:04:05.342532+00:00", "Tags": []}"#
        );
    }

    #[test]
    fn flat_lists_attributes_and_namespaces() {
        const GRANTEE: Shape =
            Shape::Struct(&[m("ID", Shape::Str), m_xml("Type", "@type", Shape::Str)]);
        const OBJ: &[Member] = &[
            m("Key", Shape::Str),
            m_xml(
                "ChecksumAlgorithm",
                "ChecksumAlgorithm",
                Shape::Flat(&Shape::Str),
            ),
            m("Size", Shape::Int),
            m("Grantee", GRANTEE),
        ];
        let xml = br#"<x:C xmlns:x="u" xmlns:xsi="i"><Key>k</Key><Size>12</Size><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Grantee xsi:type="CanonicalUser"><ID>abc</ID></Grantee></x:C>"#;
        let e = parse(xml).unwrap();
        assert_eq!(e.name, "C");
        assert_eq!(
            to_string_compact(&to_object(&e, OBJ).into()),
            r#"{"Key": "k", "ChecksumAlgorithm": ["CRC32"], "Size": 12, "Grantee": {"ID": "abc", "Type": "CanonicalUser"}}"#
        );
    }

    #[test]
    fn truncated_documents_are_errors() {
        assert!(parse(b"<a><b>x</b>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<a><b></a>").is_err());
    }

    #[test]
    fn policy_documents_decode_without_plus() {
        let v = policy_document("%7B%22a%22%3A%20%22x+y%22%7D");
        assert_eq!(to_string_compact(&v), r#"{"a": "x+y"}"#);
        assert_eq!(
            to_string_compact(&policy_document("not%20json")),
            r#""not json""#
        );
        assert_eq!(percent_decode("a+b%2Fc%", true), "a b/c%");
    }
}
