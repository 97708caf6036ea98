//! The one integration-test binary: runs the real `s3-credentials` executable.
//!
//! `conformance` replays outputs recorded from the Python tool; `cli` checks the
//! command-line rules of the spec that the recorded sample does not cover;
//! `identity` runs commands end to end against moto (`moto`) with signature
//! checking on, and against a scripted server (`fake`) for faults; `redirect`
//! drives the client library against the scripted server.

mod buckets;
mod chain;
mod cli;
mod common;
mod conformance;
mod create;
mod create_sequences;
mod empty_root;
mod extensions;
mod fake;
mod faults;
mod hostile;
mod identity;
mod localserver;
mod moto;
mod objects;
mod profiles;
mod providers;
mod redirect;
mod scenarios;
mod secrets;
mod vectors;
mod wire;
