//! Help text: the hand-written description of each command plus an option table laid
//! out exactly as click 8 does (78 columns, Python `textwrap` line breaking).

use super::spec::{COMMANDS, CommandSpec, Opt};

const WIDTH: usize = 78;

/// The top-level help (`s3-credentials --help`, and no arguments at all).
pub fn top_help(prog: &str) -> String {
    let mut out = format!(
        "Usage: {prog} [OPTIONS] COMMAND [ARGS]...\n\n  \
         A tool for creating credentials for accessing S3 buckets\n\n  \
         Documentation: https://s3-credentials.readthedocs.io/\n\n"
    );
    out.push_str("Options:\n");
    out.push_str(&definition_list(&[
        ("--version".into(), "Show the version and exit.".into()),
        ("--help".into(), "Show this message and exit.".into()),
    ]));
    out.push_str("\nCommands:\n");
    let rows: Vec<(String, String)> = COMMANDS
        .iter()
        .map(|c| (c.name.to_string(), c.summary.to_string()))
        .collect();
    out.push_str(&definition_list(&rows));
    out
}

/// `s3-credentials CMD --help`.
pub fn command_help(prog: &str, cmd: &CommandSpec) -> String {
    let mut out = format!("Usage: {prog} {} {}\n\n", cmd.name, cmd.usage);
    out.push_str(cmd.about);
    out.push_str("\nOptions:\n");
    let mut rows: Vec<(String, String)> = cmd
        .options()
        .map(|o| {
            let help = if o.required {
                format!("{}  [required]", o.help)
            } else {
                o.help.to_string()
            };
            (o.display(), help)
        })
        .collect();
    rows.push(("--help".into(), "Show this message and exit.".into()));
    out.push_str(&definition_list(&rows));
    out
}

impl Opt {
    /// `-d, --duration DURATION`, as the first column of the option table.
    pub fn display(&self) -> String {
        let mut s = match self.short {
            Some(c) => format!("-{c}, --{}", self.long),
            None => format!("--{}", self.long),
        };
        if self.value.is_some() {
            s.push(' ');
            s.push_str(self.metavar);
        }
        s
    }
}

/// click's `HelpFormatter.write_dl` at indent 2.
fn definition_list(rows: &[(String, String)]) -> String {
    const INDENT: usize = 2;
    const COL_MAX: usize = 30;
    const SPACING: usize = 2;
    let widest = rows
        .iter()
        .map(|(f, _)| f.chars().count())
        .max()
        .unwrap_or(0);
    let first_col = widest.min(COL_MAX) + SPACING;
    let text_width = (WIDTH - first_col - INDENT).max(10);
    let mut out = String::new();
    for (first, second) in rows {
        out.push_str(&" ".repeat(INDENT));
        out.push_str(first);
        if second.is_empty() {
            out.push('\n');
            continue;
        }
        let len = first.chars().count();
        if len <= first_col - SPACING {
            out.push_str(&" ".repeat(first_col - len));
        } else {
            out.push('\n');
            out.push_str(&" ".repeat(first_col + INDENT));
        }
        for (n, line) in wrap(second, text_width).iter().enumerate() {
            if n > 0 {
                out.push_str(&" ".repeat(first_col + INDENT));
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Python `textwrap.wrap(text, width)` with its defaults (hyphen-aware breaking).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut chunks: Vec<String> = split_chunks(text);
    chunks.reverse();
    let mut lines: Vec<String> = Vec::new();
    let is_space = |s: &str| s.trim().is_empty();
    while !chunks.is_empty() {
        let mut line: Vec<String> = Vec::new();
        let mut len = 0;
        if !lines.is_empty() && chunks.last().is_some_and(|c| is_space(c)) {
            chunks.pop();
        }
        while let Some(chunk) = chunks.last() {
            let l = chunk.chars().count();
            if len + l > width {
                break;
            }
            len += l;
            line.push(chunks.pop().expect("checked by last()"));
        }
        if chunks.last().is_some_and(|c| c.chars().count() > width) {
            break_long_word(&mut chunks, &mut line, len, width);
        }
        if line.last().is_some_and(|c| is_space(c)) {
            line.pop();
        }
        if !line.is_empty() {
            lines.push(line.concat());
        }
    }
    lines
}

fn break_long_word(chunks: &mut [String], line: &mut Vec<String>, len: usize, width: usize) {
    let space_left = if width < 1 { 1 } else { width - len };
    let Some(chunk) = chunks.last_mut() else {
        return;
    };
    let chars: Vec<char> = chunk.chars().collect();
    let mut end = space_left;
    if chars.len() > space_left {
        let hyphen = chars[..space_left].iter().rposition(|&c| c == '-');
        if let Some(h) = hyphen.filter(|&h| h > 0 && chars[..h].iter().any(|&c| c != '-')) {
            end = h + 1;
        }
    }
    let end = end.min(chars.len());
    line.push(chars[..end].iter().collect());
    *chunk = chars[end..].iter().collect();
}

/// `TextWrapper.wordsep_re.split`: whitespace runs, words, and hyphenated word parts.
fn split_chunks(text: &str) -> Vec<String> {
    let s: Vec<char> = text.chars().collect();
    let is_ws = |c: char| matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ');
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let is_letter = |c: char| is_word(c) && !c.is_numeric();
    let is_punct = |c: char| is_word(c) || "!\"'&.,?".contains(c);
    let at = |i: usize| s.get(i).copied();
    // (?=-{2,}\w) at position p
    let em_dash_ahead = |p: usize| {
        let mut q = p;
        while at(q) == Some('-') {
            q += 1;
        }
        q - p >= 2 && at(q).is_some_and(is_word)
    };
    let mut chunks = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let start = i;
        if is_ws(s[i]) {
            while i < s.len() && is_ws(s[i]) {
                i += 1;
            }
        } else if i > 0 && is_punct(s[i - 1]) && em_dash_ahead(i) {
            while at(i) == Some('-') {
                i += 1;
            }
        } else {
            let mut p = i + 1;
            loop {
                let hyphen_break = at(p) == Some('-')
                    && ((p >= 2 && is_letter(s[p - 1]) && is_letter(s[p - 2]))
                        || (p >= 3
                            && is_letter(s[p - 1])
                            && s[p - 2] == '-'
                            && is_letter(s[p - 3])))
                    && at(p + 1).is_some_and(is_letter)
                    && (at(p + 2).is_some_and(is_letter)
                        || (at(p + 2) == Some('-') && at(p + 3).is_some_and(is_letter)));
                if hyphen_break {
                    p += 1;
                    break;
                }
                if p >= s.len() || is_ws(s[p]) || (is_punct(s[p - 1]) && em_dash_ahead(p)) {
                    break;
                }
                p += 1;
            }
            i = p;
        }
        chunks.push(s[start..i].iter().collect());
    }
    chunks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_like_textwrap() {
        assert_eq!(
            wrap(
                "Custom permissions boundary to use for created users, or 'none' to create without. Defaults to limiting to S3 based on --read-only and --write-only options.",
                44
            ),
            [
                "Custom permissions boundary to use for",
                "created users, or 'none' to create without.",
                "Defaults to limiting to S3 based on --read-",
                "only and --write-only options.",
            ]
        );
        assert_eq!(wrap("a b", 10), ["a b"]);
        assert_eq!(wrap("", 10), Vec::<String>::new());
        assert_eq!(wrap("abcdefghijkl", 5), ["abcde", "fghij", "kl"]);
    }

    #[test]
    fn splits_hyphenated_words_and_em_dashes() {
        assert_eq!(split_chunks("--read-only x"), ["--read-", "only", " ", "x"]);
        assert_eq!(split_chunks("well-known"), ["well-", "known"]);
        assert_eq!(split_chunks("a--b"), ["a", "--", "b"]);
        assert_eq!(split_chunks("x-1"), ["x-1"]);
    }
}
