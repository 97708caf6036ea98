//! `policy`: print the policy document `create` would use, with no AWS access.

use super::{Console, check_read_write};
use crate::cli::{PolicyArgs, permission};
use crate::error::{Error, Result};
use crate::json::to_string_indent;
use crate::policy::{buckets_policy, public_bucket_policy};

pub fn run(args: &PolicyArgs, console: &mut Console) -> Result<()> {
    check_read_write(args.read_only, args.write_only)?;
    let document = if args.public_bucket {
        match args.buckets.as_slice() {
            [bucket] => public_bucket_policy(bucket),
            _ => {
                return Err(Error::runtime(
                    "--public-bucket policy can only be generated for a single bucket",
                ));
            }
        }
    } else {
        buckets_policy(
            &args.buckets,
            permission(args.read_only, args.write_only),
            &args.prefixes,
            &args.statements,
        )
    };
    console.line(&to_string_indent(&document, 4))
}
