//! Bucket commands: listings and settings (CORS, bucket policy, public access
//! block), and debug-bucket.
//!
//! Where upstream catches an AWS error and prints it, the message keeps upstream's
//! `An error occurred (…) when calling the … operation: …` text.

use super::{Console, check_connection, write_error};
use crate::aws::error::AwsError;
use crate::aws::s3::{
    self, HeadBucket, ListBuckets, ListObjectsV2, PutBucketCors, PutBucketPolicy,
    PutPublicAccessBlock,
};
use crate::aws::{self, Client};
use crate::cli::{
    BucketArgs, ListBucketArgs, ListBucketsArgs, SetBucketPolicyArgs, SetCorsPolicyArgs,
    SetPublicAccessBlockArgs,
};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::json::{self, Object, Value, to_string_compact, to_string_indent};
use crate::output::ListWriter;
use crate::policy::public_bucket_policy;
use crate::pyrepr;

/// An AWS failure as upstream prints the errors it catches.
fn caught(e: AwsError) -> Error {
    match e {
        AwsError::Service(s) => Error::Runtime(s.sdk_text()),
        other => other.into(),
    }
}

fn read<T>(parsed: std::result::Result<T, String>, operation: &str) -> Result<T> {
    parsed.map_err(|e| {
        Error::runtime(format!(
            "{operation} returned a response that could not be read: {e}"
        ))
    })
}

const BUCKET_FIELDS: &[&str] = &["Name", "CreationDate"];

fn bucket_fields(details: bool) -> Vec<&'static str> {
    let mut fields = BUCKET_FIELDS.to_vec();
    if details {
        fields.extend(["bucket_acl", "public_access_block", "bucket_website"]);
    }
    fields
}

/// `--details`: region, ACL, public access block and website of one bucket.
fn bucket_details(client: &Client, bucket: &mut Object) -> Result<()> {
    let name = bucket.text("Name");
    let acl = read(
        s3::read_acl(&client.call(&s3::get_bucket_acl(&name))?),
        "GetBucketAcl",
    )?;
    let region = read(
        s3::read_location(&client.call(&s3::get_bucket_location(&name))?),
        "GetBucketLocation",
    )?;
    let public_access_block = client
        .call(&s3::get_public_access_block(&name))
        .ok()
        .and_then(|body| s3::read_public_access_block(&body).ok())
        .map(Value::Object)
        .unwrap_or(Value::Null);
    let website = client
        .call(&s3::get_bucket_website(&name))
        .ok()
        .and_then(|body| s3::read_website(&body).ok())
        .map(|w| {
            Value::Object(w.with(
                "url",
                format!("http://{name}.s3-website.{region}.amazonaws.com/"),
            ))
        })
        .unwrap_or(Value::Null);
    bucket.insert("region", Value::from(region));
    bucket.insert("bucket_acl", Value::Object(acl));
    bucket.insert("public_access_block", public_access_block);
    bucket.insert("bucket_website", website);
    Ok(())
}

pub fn list_buckets(args: ListBucketsArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = aws::connect(args.connection, env)?;
    let fields = bucket_fields(args.details);
    let mut writer = ListWriter::new(args.format, &fields, console.out).map_err(write_error)?;
    for mut bucket in client.call(&ListBuckets)? {
        let name = bucket.text("Name");
        if !args.buckets.is_empty() && !args.buckets.contains(&name) {
            continue;
        }
        if args.details {
            bucket_details(&client, &mut bucket)?;
        }
        writer.push(bucket).map_err(write_error)?;
    }
    writer.finish().map_err(write_error)
}

pub fn list_bucket(args: ListBucketArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let mut fields = vec![
        "Key",
        "LastModified",
        "ETag",
        "Size",
        "StorageClass",
        "Owner",
    ];
    if args.urls {
        fields.push("URL");
    }
    let mut writer = ListWriter::new(args.format, &fields, console.out).map_err(write_error)?;
    let mut continuation = None;
    loop {
        let page = client
            .call(&ListObjectsV2 {
                bucket: args.bucket.clone(),
                prefix: args.prefix.clone(),
                continuation,
            })
            .map_err(caught)?;
        for mut object in page.objects {
            if args.urls {
                let key = object.text("Key");
                object.insert(
                    "URL",
                    Value::from(format!("https://s3.amazonaws.com/{}/{key}", args.bucket)),
                );
            }
            writer.push(object).map_err(write_error)?;
        }
        match page.next {
            Some(token) => continuation = Some(token),
            None => break,
        }
    }
    writer.finish().map_err(write_error)
}

pub fn get_cors_policy(args: BucketArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let body = client
        .call(&s3::get_bucket_cors(&args.bucket))
        .map_err(caught)?;
    let rules = read(s3::read_cors_rules(&body), "GetBucketCors")?;
    console.line(&to_string_indent(&Value::Array(rules), 4))
}

pub fn set_cors_policy(args: SetCorsPolicyArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    match client.call(&HeadBucket {
        bucket: args.bucket.clone(),
    }) {
        Ok(()) => {}
        Err(AwsError::Service(e)) if e.status == 404 => {
            return Err(Error::runtime(format!(
                "Bucket {} does not exists",
                args.bucket
            )));
        }
        Err(e) => return Err(Error::runtime(format!("Bucket {}: {e}", args.bucket))),
    }
    let or_default = |values: Vec<String>, default: &str| {
        if values.is_empty() {
            vec![default.to_string()]
        } else {
            values
        }
    };
    client
        .call(&PutBucketCors {
            bucket: args.bucket,
            id: "set-by-s3-credentials".into(),
            allowed_headers: args.allowed_headers,
            allowed_methods: or_default(args.allowed_methods, "GET"),
            allowed_origins: or_default(args.allowed_origins, "*"),
            expose_headers: args.expose_headers,
            max_age_seconds: args.max_age_seconds.filter(|s| *s != 0),
        })
        .map_err(caught)?;
    let _ = console;
    Ok(())
}

pub fn get_bucket_policy(args: BucketArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let body = client
        .call(&s3::get_bucket_policy(&args.bucket))
        .map_err(caught)?;
    let text = String::from_utf8_lossy(&body);
    let policy = json::parse(&text).map_err(|e| {
        Error::runtime(format!(
            "GetBucketPolicy returned a policy that is not JSON: {e}"
        ))
    })?;
    console.line(&to_string_indent(&policy, 4))
}

pub fn set_bucket_policy(
    args: SetBucketPolicyArgs,
    env: &Env,
    console: &mut Console,
) -> Result<()> {
    // Upstream reports the option errors once the client is built, before any call.
    check_connection(&args.connection)?;
    let policy = match (args.allow_all_get, args.policy_file) {
        (true, Some(_)) => {
            return Err(Error::runtime(
                "Cannot pass both --allow-all-get and --policy-file",
            ));
        }
        (true, None) => public_bucket_policy(&args.bucket),
        (false, Some(file)) => {
            let name = file.display_name();
            let text = file.read_text().map_err(|e| {
                Error::runtime(format!(
                    "--policy-file {name}: {}",
                    crate::cli::os_message(&e)
                ))
            })?;
            json::parse(&text).map_err(|e| {
                Error::runtime(format!("--policy-file {name} is not valid JSON: {e}"))
            })?
        }
        (false, None) => return Err(Error::runtime("Pass --policy-file or --allow-all-get")),
    };
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    client
        .call(&PutBucketPolicy {
            bucket: args.bucket,
            policy: to_string_compact(&policy),
        })
        .map_err(caught)?;
    console.note(&format!("Policy set:\n{}", to_string_indent(&policy, 4)))
}

pub fn get_public_access_block(args: BucketArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let body = client
        .call(&s3::get_public_access_block(&args.bucket))
        .map_err(caught)?;
    let config = read(s3::read_public_access_block(&body), "GetPublicAccessBlock")?;
    console.line(&to_string_indent(&Value::Object(config), 4))
}

pub fn set_public_access_block(
    args: SetPublicAccessBlockArgs,
    env: &Env,
    console: &mut Console,
) -> Result<()> {
    check_connection(&args.connection)?;
    let s = args.settings;
    let given = [
        ("BlockPublicAcls", s.block_public_acls),
        ("IgnorePublicAcls", s.ignore_public_acls),
        ("BlockPublicPolicy", s.block_public_policy),
        ("RestrictPublicBuckets", s.restrict_public_buckets),
    ];
    let settings: Vec<(&'static str, bool)> = if args.allow_public_access {
        given.iter().map(|(k, _)| (*k, false)).collect()
    } else {
        given
            .iter()
            .filter_map(|(k, v)| v.map(|v| (*k, v)))
            .collect()
    };
    if settings.is_empty() {
        return Err(Error::runtime(
            "No valid options provided. Use --help to see available options.",
        ));
    }
    let shown = settings
        .iter()
        .fold(Object::new(), |o, (k, v)| o.with(k, *v));
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    client.call(&PutPublicAccessBlock {
        bucket: args.bucket.clone(),
        settings,
    })?;
    console.note(&format!(
        "Updated public access block settings for bucket '{}': {}",
        args.bucket,
        pyrepr::value(&Value::Object(shown))
    ))
}

/// Three independent probes; every failure is printed and the exit code stays 0.
pub fn debug_bucket(args: BucketArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let bucket = args.bucket;
    let text = |e: AwsError| match e {
        AwsError::Service(s) => s.sdk_text(),
        other => other.to_string(),
    };
    match client
        .call(&s3::get_bucket_acl(&bucket))
        .map_err(text)
        .and_then(|b| s3::read_acl(&b))
    {
        Ok(acl) => console.line(&format!(
            "Bucket ACL:\n{}",
            to_string_indent(&Value::Object(acl), 4)
        ))?,
        Err(e) => console.line(&format!("Error checking bucket ACL: {e}"))?,
    }
    match client
        .call(&s3::get_bucket_policy_status(&bucket))
        .map_err(text)
        .and_then(|b| s3::read_policy_status(&b))
    {
        Ok(status) => console.line(&format!(
            "Bucket policy status:\n{}",
            to_string_indent(&Object::new().with("PolicyStatus", status).into(), 4)
        ))?,
        Err(e) => console.line(&format!("Error checking bucket policy status: {e}"))?,
    }
    match client
        .call(&s3::get_public_access_block(&bucket))
        .map_err(text)
        .and_then(|b| s3::read_public_access_block(&b))
    {
        Ok(config) => console.line(&format!(
            "Bucket public access block:\n{}",
            to_string_indent(
                &Object::new()
                    .with("PublicAccessBlockConfiguration", config)
                    .into(),
                4
            )
        ))?,
        Err(e) => console.line(&format!("Error checking bucket public access block: {e}"))?,
    }
    Ok(())
}
