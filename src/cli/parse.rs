//! The table-driven parser: lexopt tokens in, converted values out, in click's order.
//!
//! 1. Tokenise the whole command line (unknown options, missing values and values
//!    given to flags fail here).
//! 2. `--help` wins once the line has tokenised.
//! 3. Convert the options that were given, in order of first appearance (a
//!    single-valued option converts only its last value), then the positional
//!    arguments in declaration order, reporting a missing one.
//! 4. Report required options that were not given, in declaration order.
//! 5. Report leftover positional arguments.

use std::ffi::OsString;

use lexopt::Arg as Token;

use super::convert::{Val, convert};
use super::spec::{CommandSpec, Kind, Opt};
use super::suggest::close_matches;
use crate::error::{Error, Scope};
use crate::pyrepr::repr;

/// What the command line asked for, once converted.
#[derive(Debug, Default)]
pub struct Matches {
    options: Vec<(&'static str, Vec<Val>)>,
    args: Vec<(&'static str, Vec<Val>)>,
}

pub enum Parsed {
    Help,
    Matches(Matches),
}

/// `No such option 'X'.`, with suggestions among `candidates` for long options.
pub fn no_such_option(scope: Scope, typed: &str, candidates: &[&str]) -> Error {
    let mut message = format!("No such option {}.", repr(typed));
    if typed.starts_with("--") {
        append_suggestion(&mut message, &close_matches(typed, candidates));
    }
    Error::Usage { scope, message }
}

/// click's "Did you mean" tail.
pub fn append_suggestion(message: &mut String, matches: &[&str]) {
    let quoted: Vec<String> = matches.iter().map(|m| repr(m)).collect();
    match quoted.len() {
        0 => {}
        1 => message.push_str(&format!(" Did you mean {}?", quoted[0])),
        _ => message.push_str(&format!(" (Did you mean one of: {}?)", quoted.join(", "))),
    }
}

fn utf8(raw: OsString, hint: &str, scope: Scope) -> Result<String, Error> {
    raw.into_string().map_err(|raw| Error::Usage {
        scope,
        message: format!(
            "Invalid value for {hint}: {} is not valid UTF-8.",
            repr(&raw.to_string_lossy())
        ),
    })
}

pub fn parse_command(spec: &'static CommandSpec, argv: Vec<OsString>) -> Result<Parsed, Error> {
    let scope = Scope::Command(spec.name);
    let usage = |message: String| Error::Usage { scope, message };
    let opts: Vec<&'static Opt> = spec.options().collect();
    let mut long_names: Vec<String> = opts.iter().map(|o| format!("--{}", o.long)).collect();
    long_names.push("--help".into());

    // Step 1: tokenise. `given` keeps options in order of first appearance.
    let mut given: Vec<(usize, Vec<OsString>)> = Vec::new();
    let mut positionals: Vec<OsString> = Vec::new();
    let mut help = false;
    let mut parser = lexopt::Parser::from_args(argv);
    parser.set_short_equals(false);
    loop {
        let token = match parser.next() {
            Ok(Some(Token::Long(name))) => Ok(name.to_string()),
            Ok(Some(Token::Short(c))) => Err(c),
            Ok(Some(Token::Value(v))) => {
                positionals.push(v);
                continue;
            }
            Ok(None) => break,
            Err(e) => return Err(Error::BareUsage(e.to_string())),
        };
        let (index, typed) = match token {
            Ok(name) if name == "help" => {
                if parser.optional_value().is_some() {
                    return Err(Error::BareUsage(
                        "Option '--help' does not take a value.".into(),
                    ));
                }
                help = true;
                continue;
            }
            Ok(name) => {
                let typed = format!("--{name}");
                match opts.iter().position(|o| o.long == name) {
                    Some(i) => (i, typed),
                    None => {
                        let names: Vec<&str> = long_names.iter().map(String::as_str).collect();
                        return Err(no_such_option(scope, &typed, &names));
                    }
                }
            }
            Err(c) => {
                let typed = format!("-{c}");
                match opts.iter().position(|o| o.short == Some(c)) {
                    Some(i) => (i, typed),
                    None => return Err(no_such_option(scope, &typed, &[])),
                }
            }
        };
        let opt = opts[index];
        let value = if opt.value.is_some() {
            let v = parser.value().map_err(|_| {
                Error::BareUsage(format!("Option {} requires an argument.", repr(&typed)))
            })?;
            Some(v)
        } else {
            if typed.starts_with("--") && parser.optional_value().is_some() {
                return Err(Error::BareUsage(format!(
                    "Option {} does not take a value.",
                    repr(&typed)
                )));
            }
            None
        };
        match given.iter_mut().find(|(i, _)| *i == index) {
            Some((_, values)) => values.extend(value),
            None => given.push((index, value.into_iter().collect())),
        }
    }

    // Step 2.
    if help {
        return Ok(Parsed::Help);
    }

    // Step 3: given options, then arguments.
    let mut matches = Matches::default();
    for (index, raws) in given.iter_mut() {
        let opt = opts[*index];
        let values = match opt.value {
            None => vec![Val::Flag],
            Some(kind) => {
                let chosen: Vec<OsString> = if opt.multiple {
                    std::mem::take(raws)
                } else {
                    raws.pop().into_iter().collect()
                };
                let mut values = Vec::with_capacity(chosen.len());
                for raw in chosen {
                    let raw = utf8(raw, &opt.hint(), scope)?;
                    let value = convert(kind, &raw).map_err(|detail| {
                        usage(format!("Invalid value for {}: {detail}", opt.hint()))
                    })?;
                    values.push(value);
                }
                values
            }
        };
        matches.options.push((opt.long, values));
    }

    let mut remaining = positionals.into_iter();
    for (n, arg) in spec.args.iter().enumerate() {
        let raws: Vec<OsString> = if arg.many {
            let fixed_after = spec.args[n + 1..].iter().filter(|a| !a.many).count();
            let take = remaining.len().saturating_sub(fixed_after);
            remaining.by_ref().take(take).collect()
        } else {
            remaining.next().into_iter().collect()
        };
        let hint = format!("'{}'", arg.metavar());
        if raws.is_empty() && arg.required {
            return Err(usage(format!("Missing argument {hint}.")));
        }
        let mut values = Vec::with_capacity(raws.len());
        for raw in raws {
            let raw = utf8(raw, &hint, scope)?;
            let value = match arg.kind {
                Kind::Text => Val::Text(raw),
                kind => convert(kind, &raw)
                    .map_err(|detail| usage(format!("Invalid value for {hint}: {detail}")))?,
            };
            values.push(value);
        }
        matches.args.push((arg.name, values));
    }

    // Step 4.
    for opt in &opts {
        if opt.required && !matches.options.iter().any(|(long, _)| *long == opt.long) {
            return Err(usage(format!("Missing option {}.", opt.hint())));
        }
    }

    // Step 5.
    let extra: Vec<String> = remaining
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    if !extra.is_empty() {
        let noun = if extra.len() == 1 {
            "argument"
        } else {
            "arguments"
        };
        return Err(usage(format!(
            "Got unexpected extra {noun} ({})",
            extra.join(" ")
        )));
    }
    Ok(Parsed::Matches(matches))
}

impl Matches {
    fn values(&mut self, long: &str) -> Vec<Val> {
        self.options
            .iter_mut()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| std::mem::take(v))
            .unwrap_or_default()
    }

    fn last(&mut self, long: &str) -> Option<Val> {
        self.values(long).pop()
    }

    pub fn flag(&self, long: &str) -> bool {
        self.options.iter().any(|(l, _)| *l == long)
    }

    pub fn text(&mut self, long: &str) -> Option<String> {
        match self.last(long)? {
            Val::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn texts(&mut self, long: &str) -> Vec<String> {
        self.values(long)
            .into_iter()
            .filter_map(|v| match v {
                Val::Text(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    pub fn take(&mut self, long: &str) -> Option<Val> {
        self.last(long)
    }

    pub fn take_all(&mut self, long: &str) -> Vec<Val> {
        self.values(long)
    }

    pub fn arg_vals(&mut self, name: &str) -> Vec<Val> {
        self.args
            .iter_mut()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| std::mem::take(v))
            .unwrap_or_default()
    }

    pub fn arg_texts(&mut self, name: &str) -> Vec<String> {
        self.arg_vals(name)
            .into_iter()
            .filter_map(|v| match v {
                Val::Text(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    /// A required single argument (the parser has already checked it is there).
    pub fn arg_text(&mut self, name: &str) -> String {
        self.arg_texts(name).pop().unwrap_or_default()
    }
}
