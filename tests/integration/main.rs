//! The one integration-test binary: runs the real `s3-credentials` executable.
//!
//! `conformance` replays outputs recorded from the Python tool; `cli` checks the
//! command-line rules of the spec that the recorded sample does not cover.

mod cli;
mod common;
mod conformance;
