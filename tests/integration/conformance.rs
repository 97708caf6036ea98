//! Replays every recorded case in `fixtures/conformance/cases`: stdout byte for
//! byte, the exit code, and the final `Error:` line must equal the Python tool's.
//! Full stderr identity is counted and must hold too.

use crate::common::{BIN, TempDir, copy_tree, fixtures, last_line, run_in};
use s3_credentials::json::{self, Value};
use std::process::Command;

fn case_args(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("args.json")).expect("args.json");
    match json::parse(&text).expect("args.json is JSON") {
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str_lossy().expect("args are strings"))
            .collect(),
        other => panic!("args.json is not an array: {other:?}"),
    }
}

#[test]
fn every_recorded_case_matches_the_python_tool() {
    let root = fixtures().join("conformance/cases");
    let mut ids: Vec<String> = std::fs::read_dir(&root)
        .expect("cases dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.chars().all(|c| c.is_ascii_digit()))
        .collect();
    ids.sort();
    assert!(
        ids.len() >= 95,
        "expected the whole corpus, found {}",
        ids.len()
    );

    let mut failures = Vec::new();
    let mut stderr_identical = 0;
    for id in &ids {
        let case = root.join(id);
        let args = case_args(&case);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stdin = std::fs::read(case.join("stdin")).unwrap_or_default();
        let want_out = std::fs::read(case.join("stdout")).expect("stdout");
        let want_err = std::fs::read(case.join("stderr")).expect("stderr");
        let want_code: i32 = std::fs::read_to_string(case.join("exit_code"))
            .expect("exit_code")
            .trim()
            .parse()
            .expect("exit code is a number");
        let work = TempDir::new("case");
        if case.join("files").is_dir() {
            copy_tree(&case.join("files"), &work.0);
        }
        let got = run_in(&work.0, &args, &stdin);
        let mut problems = Vec::new();
        if got.status.code() != Some(want_code) {
            problems.push(format!("exit {:?} != {want_code}", got.status.code()));
        }
        if got.stdout != want_out {
            problems.push(format!(
                "stdout differs:\n--- want\n{}\n--- got\n{}",
                String::from_utf8_lossy(&want_out),
                String::from_utf8_lossy(&got.stdout)
            ));
        }
        if want_code != 0 && last_line(&got.stderr) != last_line(&want_err) {
            problems.push(format!(
                "error line {:?} != {:?}",
                last_line(&got.stderr),
                last_line(&want_err)
            ));
        }
        // The top-level help also lists our extension commands.
        if without_extension_commands(&got.stderr) == want_err {
            stderr_identical += 1;
        } else {
            problems.push(format!(
                "stderr differs:\n--- want\n{}\n--- got\n{}",
                String::from_utf8_lossy(&want_err),
                String::from_utf8_lossy(&got.stderr)
            ));
        }
        if !problems.is_empty() {
            failures.push(format!("case {id} {args:?}: {}", problems.join("; ")));
        }
    }
    eprintln!(
        "conformance: {} of {} cases pass; stderr byte-identical in {stderr_identical}",
        ids.len() - failures.len(),
        ids.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Text with the top-level help's lines for extension commands (`presign`,
/// `completions`) removed; other text is unchanged.
fn without_extension_commands(text: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(text);
    let extensions: Vec<&str> = s3_credentials::cli::spec::COMMANDS
        .iter()
        .filter(|c| c.extension)
        .map(|c| c.name)
        .collect();
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let listed = extensions
            .iter()
            .any(|name| line.starts_with(&format!("  {name}  ")));
        if !listed {
            out.push_str(line);
        }
    }
    out.into_bytes()
}

/// Options this tool adds to upstream's commands.
const EXTENSION_OPTIONS: &[&str] = &[
    "--region TEXT",
    "--debug",
    "--profile TEXT",
    "--connect-timeout N",
    "--read-timeout N",
    "--output FILE",
    "--force",
    "--wait",
    "--wait-timeout SECONDS",
    "--rotate",
    // Upstream's `-f, --format [ini|json]`, with the extension formats added.
    "-f, --format FORMAT",
];

/// Upstream options whose help line an extension changes (`-f, --format [ini|json]`
/// names two more formats here); its one-line description does not wrap.
const MODIFIED_OPTIONS: &[&str] = &["-f, --format [ini|json]"];

#[test]
fn every_help_text_matches_the_python_tool() {
    let help = fixtures().join("conformance/help");
    let mut checked = 0;
    for entry in std::fs::read_dir(&help).expect("help dir") {
        let path = entry.expect("entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if path.extension().is_none_or(|e| e != "txt") || name.ends_with(".stderr") {
            continue;
        }
        let args: Vec<&str> = if name == "_top" {
            vec!["--help"]
        } else {
            vec![name.as_str(), "--help"]
        };
        let out = Command::new(BIN).args(&args).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{name}");
        // Our extension options (COMPATIBILITY.md) are the only additions.
        let mut ours = String::new();
        let mut skipping = false;
        let stdout = without_extension_commands(&out.stdout);
        for line in String::from_utf8_lossy(&stdout).lines() {
            let is_extension = EXTENSION_OPTIONS
                .iter()
                .any(|o| line.starts_with(&format!("  {o}")));
            // A wrapped description continues on lines indented past the option column.
            skipping = is_extension || (skipping && line.starts_with("   "));
            if !skipping {
                ours.push_str(line);
                ours.push('\n');
            }
        }
        // Upstream options whose line the extensions change are left out of both.
        let upstream: String = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .filter(|l| {
                !MODIFIED_OPTIONS
                    .iter()
                    .any(|o| l.starts_with(&format!("  {o}")))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(ours, upstream, "help for {name}");
        checked += 1;
    }
    assert_eq!(checked, 23, "the top-level help and 22 commands");
}
