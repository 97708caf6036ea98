//! s3-credentials: create AWS credentials scoped to S3 buckets, and manage the
//! buckets and objects around them. A drop-in replacement for the Python tool.
//!
//! Data flows one way: `cli` parses argv into a plain [`cli::Command`], `cmd` runs
//! it, `policy` and `json` build and render documents, and `main` maps the result
//! to an exit code.

pub mod aws;
pub mod bucket_name;
pub mod cli;
pub mod cmd;
pub mod env;
pub mod error;
pub mod json;
pub mod output;
pub mod policy;
pub mod pyrepr;
