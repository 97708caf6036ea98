//! The one error type a command can end with, and how `main` prints it.
//!
//! Its variants are the three layouts upstream uses: a usage error (exit 2) with or
//! without the usage header, and a runtime error (exit 1). The message is the one
//! line a user sees after `Error: `.

/// Where a usage error happened, for its `Usage:` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    TopLevel,
    Command(&'static str),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// Exit 2, with the `Usage:` and `Try ... for help.` lines first.
    Usage { scope: Scope, message: String },
    /// Exit 2, only the `Error:` line (missing option value, value given to a flag).
    BareUsage(String),
    /// Exit 2: no arguments at all; the top-level help goes to stderr.
    NoArguments,
    /// Exit 1.
    Runtime(String),
    /// Stdout was closed by its reader (`| head`): stop quietly, exit 0.
    BrokenPipe,
}

impl Error {
    pub fn runtime(message: impl Into<String>) -> Self {
        Error::Runtime(message.into())
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Runtime(_) => 1,
            Error::BrokenPipe => 0,
            _ => 2,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
