//! `s3-credentials`: parse, run, print; `main` owns the exit codes
//! (0 success, 1 runtime error, 2 usage error; a closed stdout pipe is success).

use std::io::Write;
use std::path::Path;

use s3_credentials::cli::{self, Invocation, spec};
use s3_credentials::cmd;
use s3_credentials::env::Env;
use s3_credentials::error::{Error, Scope};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn main() {
    let mut argv = std::env::args_os();
    let prog = argv
        .next()
        .as_deref()
        .and_then(|a| Path::new(a).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "s3-credentials".into());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // Not locked for the whole run: transfer threads write --debug lines and
    // progress to stderr too.
    let mut err = std::io::stderr();
    let result = match cli::parse(&prog, argv.collect()) {
        Ok(Invocation::Help(text)) => write!(out, "{text}").map_err(cmd::write_error),
        Ok(Invocation::Version) => {
            writeln!(out, "{prog}, version {VERSION}").map_err(cmd::write_error)
        }
        Ok(Invocation::Run(command)) => {
            let mut console = cmd::Console {
                out: &mut out,
                err: &mut err,
            };
            cmd::run(*command, &Env::from_process(), &mut console)
        }
        Err(e) => Err(e),
    };
    let flushed = out.flush().map_err(cmd::write_error);
    let code = match result.and(flushed) {
        Ok(()) => 0,
        Err(e) => {
            let _ = err.write_all(report(&prog, &e).as_bytes());
            e.exit_code()
        }
    };
    std::process::exit(code);
}

/// What goes to stderr for an error.
fn report(prog: &str, error: &Error) -> String {
    match error {
        Error::Usage { scope, message } => {
            let (usage, help) = match scope {
                Scope::TopLevel => (
                    format!("{prog} [OPTIONS] COMMAND [ARGS]..."),
                    format!("{prog} --help"),
                ),
                Scope::Command(name) => {
                    let usage = spec::find(name).map(|c| c.usage).unwrap_or_default();
                    (
                        format!("{prog} {name} {usage}"),
                        format!("{prog} {name} --help"),
                    )
                }
            };
            format!("Usage: {usage}\nTry '{help}' for help.\n\nError: {message}\n")
        }
        Error::NoArguments => cli::help::top_help(prog),
        Error::BareUsage(message) | Error::Runtime(message) => format!("Error: {message}\n"),
        Error::BrokenPipe => String::new(),
    }
}
