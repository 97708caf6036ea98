//! Object commands: put-object(s), get-object(s), delete-objects. What to move is
//! decided here (directory walks, patterns, safe paths); `transfer` moves bytes.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::transfer::{self, Progress, human_size, workers};
use super::{Console, check_connection};
use crate::aws::Client;
use crate::aws::request::Action as _;
use crate::aws::s3::{DeleteObjects, GetObject, ListObjectsV2, PutObject};
use crate::cli::{
    DeleteObjectsArgs, GetObjectArgs, GetObjectsArgs, InputFile, PresignArgs, PutObjectArgs,
    PutObjectsArgs,
};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::json::Value;

/// One file `put-objects` will upload.
#[derive(Debug, PartialEq, Eq)]
pub struct Upload {
    /// The path as printed: the argument, normalised, plus the walk below it.
    pub path: String,
    pub key: String,
}

/// A path as Python's `pathlib.PurePosixPath` normalises it: no `.` parts, no
/// empty parts, no trailing slash.
fn pure_path(raw: &str) -> (String, Vec<String>) {
    let root = if raw.starts_with("//") && !raw.starts_with("///") {
        "//"
    } else if raw.starts_with('/') {
        "/"
    } else {
        ""
    };
    let parts = raw
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
        .collect();
    (root.to_string(), parts)
}

fn join(root: &str, parts: &[String]) -> String {
    let joined = parts.join("/");
    match (root.is_empty(), joined.is_empty()) {
        (true, true) => ".".into(),
        (true, false) => joined,
        (false, _) => format!("{root}{joined}"),
    }
}

/// What `put-objects` uploads for its arguments, in upstream's order: a file as its
/// base name, a directory recursively with keys relative to its parent, anything
/// else skipped. Unreadable directories are reported on `warnings`.
pub fn uploads(
    objects: &[String],
    prefix: Option<&str>,
    warnings: &mut Vec<String>,
) -> Vec<Upload> {
    let prefix = match prefix {
        Some(p) if !p.is_empty() && !p.ends_with('/') => format!("{p}/"),
        Some(p) => p.to_string(),
        None => String::new(),
    };
    let mut out = Vec::new();
    for raw in objects {
        let (root, parts) = pure_path(raw);
        let shown = join(&root, &parts);
        let Ok(meta) = std::fs::metadata(&shown) else {
            continue;
        };
        if meta.is_file() {
            let name = parts.last().cloned().unwrap_or_default();
            out.push(Upload {
                path: shown,
                key: format!("{prefix}{name}"),
            });
        } else if meta.is_dir() {
            let parent_len = parts.len().saturating_sub(1);
            let mut relatives = Vec::new();
            walk(Path::new(&shown), &mut Vec::new(), &mut relatives, warnings);
            for relative in relatives {
                let mut full = parts.clone();
                full.extend(relative);
                out.push(Upload {
                    path: join(&root, &full),
                    key: format!("{prefix}{}", full[parent_len..].join("/")),
                });
            }
        }
    }
    out
}

/// pathlib's `glob("**/*")` then `is_file()`: a directory's own entries first, then
/// each subdirectory in listing order; symlinked directories are not descended.
fn walk(
    dir: &Path,
    below: &mut Vec<String>,
    files: &mut Vec<Vec<String>>,
    warnings: &mut Vec<String>,
) {
    let here: PathBuf = below.iter().fold(dir.to_path_buf(), |p, part| p.join(part));
    let entries = match std::fs::read_dir(&here) {
        Ok(entries) => entries,
        Err(e) => {
            warnings.push(format!("Skipping directory {}: {e}", here.display()));
            return;
        }
    };
    let mut subdirs = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_file() {
            let mut rel = below.clone();
            rel.push(name.clone());
            files.push(rel);
        }
        let is_real_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
        if is_real_dir {
            subdirs.push(name);
        }
    }
    for sub in subdirs {
        below.push(sub);
        walk(dir, below, files, warnings);
        below.pop();
    }
}

pub fn put_objects(args: PutObjectsArgs, env: &Env, console: &mut Console) -> Result<()> {
    check_connection(&args.connection)?;
    let mut warnings = Vec::new();
    let uploads = uploads(&args.objects, args.prefix.as_deref(), &mut warnings);
    for warning in &warnings {
        console.note(warning)?;
    }
    if args.dry_run {
        for u in &uploads {
            console.line(&format!("{} => s3://{}/{}", u.path, args.bucket, u.key))?;
        }
        return Ok(());
    }
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let total: u64 = uploads
        .iter()
        .filter_map(|u| std::fs::metadata(&u.path).ok())
        .map(|m| m.len())
        .sum();
    let s = if uploads.len() == 1 { "" } else { "s" };
    console.out.flush().map_err(super::write_error)?;
    let progress = Progress::new(
        &format!(
            "Uploading {} ({} file{s})",
            human_size(total),
            uploads.len()
        ),
        total,
        !args.silent,
    );
    for u in &uploads {
        let mut file = File::open(&u.path)
            .map_err(|e| Error::runtime(format!("{}: {}", u.path, crate::cli::os_message(&e))))?;
        transfer::upload(
            &client,
            &args.bucket,
            &u.key,
            &mut file,
            None,
            workers(env),
            &progress,
        )
        .map_err(|e| match e {
            Error::Runtime(m) => Error::runtime(format!(
                "Failed to upload {} to {}/{}: {m}",
                u.path, args.bucket, u.key
            )),
            other => other,
        })?;
    }
    progress.finish();
    Ok(())
}

pub fn put_object(args: PutObjectArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let content_type = args.content_type.clone().or_else(|| match &args.path {
        InputFile::File { path, .. } => {
            transfer::guess_content_type(&path.to_string_lossy()).map(str::to_string)
        }
        InputFile::Stdin => None,
    });
    let (mut reader, size): (Box<dyn Read>, u64) = match args.path {
        InputFile::Stdin => (Box::new(std::io::stdin().lock()), 0),
        InputFile::File { file, .. } => {
            let size = file.metadata().map(|m| m.len()).unwrap_or(0);
            (Box::new(file), size)
        }
    };
    console.out.flush().map_err(super::write_error)?;
    let progress = Progress::new("Uploading", size, !args.silent);
    transfer::upload(
        &client,
        &args.bucket,
        &args.key,
        &mut reader,
        content_type.as_deref(),
        workers(env),
        &progress,
    )?;
    progress.finish();
    Ok(())
}

pub fn get_object(args: GetObjectArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let progress = Progress::new("", 0, false);
    match &args.output {
        Some(path) => transfer::download_file(
            &client,
            &args.bucket,
            &args.key,
            path,
            None,
            workers(env),
            &progress,
        ),
        None => transfer::download_to(&client, &args.bucket, &args.key, console.out, &progress),
    }
}

/// A key as a relative path under the output directory; `None` for keys that
/// would escape it (`..`, absolute) or name no file.
fn safe_relative(key: &str) -> Option<PathBuf> {
    let mut path = PathBuf::new();
    for part in key.split('/') {
        match part {
            "" | "." => continue,
            ".." => return None,
            p => path.push(p),
        }
    }
    (!path.as_os_str().is_empty() && !key.ends_with('/')).then_some(path)
}

/// Shell-style pattern match as Python's `fnmatch` on POSIX: `*` (also across
/// `/`), `?`, `[seq]`, `[!seq]`.
pub fn fnmatch(name: &str, pattern: &str) -> bool {
    enum Token {
        Star,
        One(Box<dyn Fn(char) -> bool>),
    }
    let p: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < p.len() {
        let token = match p[i] {
            '*' => Token::Star,
            '?' => Token::One(Box::new(|_| true)),
            // As Python: a `]` right after `[` or `[!` is part of the set.
            '[' => match p
                .iter()
                .skip(i + 1 + usize::from(p.get(i + 1) == Some(&'!')) + 1)
                .position(|&c| c == ']')
                .map(|k| k + i + 2 + usize::from(p.get(i + 1) == Some(&'!')))
            {
                Some(close) => {
                    let mut set = &p[i + 1..close];
                    let negate = set.first() == Some(&'!');
                    if negate {
                        set = &set[1..];
                    }
                    let mut ranges = Vec::new();
                    let mut k = 0;
                    while k < set.len() {
                        if k + 2 < set.len() && set[k + 1] == '-' {
                            ranges.push((set[k], set[k + 2]));
                            k += 3;
                        } else {
                            ranges.push((set[k], set[k]));
                            k += 1;
                        }
                    }
                    i = close;
                    Token::One(Box::new(move |c| {
                        ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != negate
                    }))
                }
                None => Token::One(Box::new(|c| c == '[')),
            },
            literal => Token::One(Box::new(move |c| c == literal)),
        };
        tokens.push(token);
        i += 1;
    }
    // Greedy matching that backtracks only to the last star: O(len(name) * len(pattern)).
    let n: Vec<char> = name.chars().collect();
    let (mut ni, mut ti) = (0, 0);
    let mut last_star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match tokens.get(ti) {
            Some(Token::Star) => {
                last_star = Some((ti, ni));
                ti += 1;
            }
            Some(Token::One(accepts)) if accepts(n[ni]) => {
                ni += 1;
                ti += 1;
            }
            _ => match last_star {
                Some((star, from)) => {
                    ti = star + 1;
                    ni = from + 1;
                    last_star = Some((star, from + 1));
                }
                None => return false,
            },
        }
    }
    tokens[ti..].iter().all(|t| matches!(t, Token::Star))
}

/// Every key under `prefix` (all keys for `None`), with sizes.
fn list_keys(client: &Client, bucket: &str, prefix: Option<&str>) -> Result<Vec<(String, u64)>> {
    let mut keys = Vec::new();
    let mut continuation = None;
    loop {
        let page = client.call(&ListObjectsV2 {
            bucket: bucket.into(),
            prefix: prefix.map(str::to_string),
            continuation,
        })?;
        for o in page.objects {
            let key = o.text("Key");
            let size = match o.get("Size") {
                Some(Value::Int(n)) => n.parse().unwrap_or(0),
                _ => 0,
            };
            keys.push((key, size));
        }
        match page.next {
            Some(t) => continuation = Some(t),
            None => return Ok(keys),
        }
    }
}

pub fn get_objects(args: GetObjectsArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let mut wanted: Vec<(String, Option<u64>)> =
        args.keys.iter().map(|k| (k.clone(), None)).collect();
    if args.keys.is_empty() || !args.patterns.is_empty() {
        let listed = list_keys(&client, &args.bucket, None)?;
        if args.patterns.is_empty() {
            wanted.extend(listed.into_iter().map(|(k, s)| (k, Some(s))));
        } else {
            for pattern in &args.patterns {
                wanted.extend(
                    listed
                        .iter()
                        .filter(|(k, _)| fnmatch(k, pattern))
                        .map(|(k, s)| (k.clone(), Some(*s))),
                );
            }
        }
    }
    if !args.silent {
        // Sizes for the progress label, as upstream learns them.
        for (key, size) in wanted.iter_mut().filter(|(_, s)| s.is_none()) {
            *size = transfer::object_size(&client, &args.bucket, key).ok();
        }
    }
    let dir = args.output.clone().unwrap_or_else(|| PathBuf::from("."));
    std::fs::create_dir_all(&dir).map_err(|e| {
        Error::runtime(format!("{}: {}", dir.display(), crate::cli::os_message(&e)))
    })?;
    let total: u64 = wanted.iter().filter_map(|(_, s)| *s).sum();
    let distinct: std::collections::BTreeSet<&str> =
        wanted.iter().map(|(k, _)| k.as_str()).collect();
    let s = if distinct.len() == 1 { "" } else { "s" };
    console.out.flush().map_err(super::write_error)?;
    let progress = Progress::new(
        &format!(
            "Downloading {} ({} file{s})",
            human_size(total),
            distinct.len()
        ),
        total,
        !args.silent,
    );
    // Several files: files in parallel, each file's parts in turn. One file: its
    // parts in parallel.
    let (file_workers, part_workers) = match wanted.len() {
        0 | 1 => (1, workers(env)),
        n => (workers(env).min(n), 1),
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let problems: std::sync::Mutex<Vec<(usize, String)>> = std::sync::Mutex::new(Vec::new());
    let seed = client.seed();
    std::thread::scope(|scope| {
        for _ in 0..file_workers {
            let (seed, next, problems, wanted, dir, progress) =
                (seed.clone(), &next, &problems, &wanted, &dir, &progress);
            let bucket = &args.bucket;
            scope.spawn(move || {
                let client = seed.build();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some((key, size)) = wanted.get(n) else {
                        break;
                    };
                    let problem = match safe_relative(key) {
                        None => Some(format!(
                            "Not downloaded (the key leads outside the output directory): {key}"
                        )),
                        Some(relative) => {
                            let target = dir.join(relative);
                            if let Some(parent) = target.parent() {
                                let _ = std::fs::create_dir_all(parent);
                            }
                            transfer::download_file(
                                &client,
                                bucket,
                                key,
                                &target,
                                *size,
                                part_workers,
                                progress,
                            )
                            .err()
                            .map(|e| match e {
                                Error::Runtime(m) if m.starts_with("NoSuchKey") => {
                                    format!("Not found: {key}")
                                }
                                Error::Runtime(m) => m,
                                other => format!("{other:?}"),
                            })
                        }
                    };
                    if let Some(p) = problem {
                        problems.lock().expect("problems lock").push((n, p));
                    }
                }
            });
        }
    });
    let mut problems = problems.into_inner().expect("problems lock");
    problems.sort();
    let problems: Vec<String> = problems.into_iter().map(|(_, p)| p).collect();
    progress.finish();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::runtime(problems.join("\n")))
    }
}

pub fn delete_objects(args: DeleteObjectsArgs, env: &Env, console: &mut Console) -> Result<()> {
    check_connection(&args.connection)?;
    let prefix = args
        .prefix
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    match (args.keys.is_empty(), &prefix) {
        (false, Some(_)) => return Err(Error::runtime("Cannot pass both keys and --prefix")),
        (true, None) => return Err(Error::runtime("Specify one or more keys or use --prefix")),
        _ => {}
    }
    let client = if prefix.is_some() || !args.dry_run {
        Some(super::connect_to_bucket(
            args.connection,
            env,
            &args.bucket,
        )?)
    } else {
        None
    };
    let keys: Vec<String> = match (&prefix, &client) {
        (Some(p), Some(c)) => list_keys(c, &args.bucket, Some(p))?
            .into_iter()
            .map(|(k, _)| k)
            .collect(),
        _ => args.keys.clone(),
    };
    if !args.silent {
        let s = if keys.len() == 1 { "" } else { "s" };
        console.note(&format!(
            "Deleting {} object{s} from {}",
            keys.len(),
            args.bucket
        ))?;
    }
    if args.dry_run {
        console.line("The following keys would be deleted:")?;
        for key in &keys {
            console.line(key)?;
        }
        return Ok(());
    }
    let Some(client) = client else { return Ok(()) };
    let mut errors = Vec::new();
    for batch in keys.chunks(1000) {
        errors.extend(client.call(&DeleteObjects {
            bucket: args.bucket.clone(),
            keys: batch.to_vec(),
        })?);
    }
    if errors.is_empty() {
        return Ok(());
    }
    let list = Value::Array(errors.into_iter().map(Value::Object).collect());
    Err(Error::runtime(format!(
        "Errors deleting objects: {}",
        crate::pyrepr::value(&list)
    )))
}

/// `presign`: a SigV4 presigned GET or PUT URL for one object.
pub fn presign(args: PresignArgs, env: &Env, console: &mut Console) -> Result<()> {
    let client = super::connect_to_bucket(args.connection, env, &args.bucket)?;
    let request = match args.method.as_str() {
        "PUT" => PutObject {
            bucket: args.bucket.clone(),
            key: args.key.clone(),
            body: bytes::Bytes::new(),
            content_type: None,
        }
        .request(),
        _ => GetObject {
            bucket: args.bucket.clone(),
            key: args.key.clone(),
        }
        .request(),
    };
    let url = client.presign(
        &request,
        std::time::Duration::from_secs(u64::from(args.expires_in)),
    )?;
    console.line(&url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalise_like_pathlib() {
        let show = |raw: &str| {
            let (root, parts) = pure_path(raw);
            join(&root, &parts)
        };
        assert_eq!(show("./a"), "a");
        assert_eq!(show("dir/"), "dir");
        assert_eq!(show("a//b/./c/"), "a/b/c");
        assert_eq!(show("."), ".");
        assert_eq!(show("/"), "/");
        assert_eq!(show("/x/y"), "/x/y");
        assert_eq!(show("../x"), "../x");
        assert_eq!(show("//x"), "//x");
        assert_eq!(show("///x"), "/x");
    }

    #[test]
    fn directory_walk_lists_own_files_before_subdirectories() {
        let tmp = std::env::temp_dir().join(format!("s3c-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(tmp.join("d/sub/deeper")).unwrap();
        std::fs::write(tmp.join("d/sub/deeper/z.txt"), "z").unwrap();
        std::fs::write(tmp.join("d/sub/b.js"), "b").unwrap();
        std::fs::write(tmp.join("d/a.txt"), "a").unwrap();
        std::fs::write(tmp.join("d/.hidden"), "h").unwrap();
        std::fs::write(tmp.join("one.txt"), "1").unwrap();
        let base = tmp.display().to_string();
        let mut warnings = Vec::new();
        let got = uploads(
            &[
                format!("{base}/one.txt"),
                format!("{base}/d/"),
                format!("{base}/missing"),
            ],
            Some("pre"),
            &mut warnings,
        );
        let keys: Vec<&str> = got.iter().map(|u| u.key.as_str()).collect();
        assert_eq!(keys[0], "pre/one.txt");
        // The directory's own files (in listing order) come before its subdirectory's.
        let mut own: Vec<&str> = keys[1..3].to_vec();
        own.sort_unstable();
        assert_eq!(own, ["pre/d/.hidden", "pre/d/a.txt"]);
        assert_eq!(&keys[3..], ["pre/d/sub/b.js", "pre/d/sub/deeper/z.txt"]);
        assert_eq!(got[3].path, format!("{base}/d/sub/b.js"));
        assert!(warnings.is_empty());
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn downloads_never_leave_the_output_directory() {
        assert_eq!(safe_relative("a/b.txt"), Some(PathBuf::from("a/b.txt")));
        assert_eq!(safe_relative("a//./b.txt"), Some(PathBuf::from("a/b.txt")));
        assert_eq!(safe_relative("/abs/x"), Some(PathBuf::from("abs/x")));
        assert_eq!(safe_relative("../evil"), None);
        assert_eq!(safe_relative("a/../../evil"), None);
        assert_eq!(safe_relative("dir/"), None);
        assert_eq!(safe_relative(""), None);
    }

    #[test]
    fn fnmatch_like_python() {
        assert!(fnmatch("a/b/c.js", "*.js"));
        assert!(fnmatch("a/b/c.js", "*/*.js"));
        assert!(!fnmatch("c.js", "*/*.js"));
        assert!(fnmatch("file1.txt", "file?.txt"));
        assert!(fnmatch("b.txt", "[abc].txt"));
        assert!(!fnmatch("d.txt", "[abc].txt"));
        assert!(fnmatch("d.txt", "[!abc].txt"));
        assert!(fnmatch("].txt", "[]].txt"));
        assert!(fnmatch("x.txt", "[!]].txt"));
        assert!(!fnmatch("].txt", "[!]].txt"));
        assert!(fnmatch("[.txt", "[.txt"));
        // Backtracking stays polynomial: this took exponential time with naive recursion.
        let name = "a".repeat(60);
        assert!(!fnmatch(&name, &format!("{}b", "*a".repeat(30))));
        assert!(fnmatch(&name, &"*a".repeat(30)));
        assert!(!fnmatch(&"x".repeat(10_000), &"x".repeat(100_000)));
        assert!(fnmatch("5.txt", "[0-9].txt"));
        assert!(!fnmatch("A.txt", "a.txt"));
    }

    #[test]
    fn prefixes_gain_a_slash_and_empty_prefix_is_none() {
        let mut w = Vec::new();
        let got = uploads(&["Cargo.toml".into()], Some(""), &mut w);
        assert_eq!(got[0].key, "Cargo.toml");
        let got = uploads(&["Cargo.toml".into()], Some("a/"), &mut w);
        assert_eq!(got[0].key, "a/Cargo.toml");
    }
}
