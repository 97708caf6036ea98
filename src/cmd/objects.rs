//! Object commands: uploads, downloads and deletes. The parts that need no AWS
//! call live here now: choosing what `put-objects` uploads and `delete-objects`
//! deletes, and their dry runs.

use std::path::{Path, PathBuf};

use super::{Console, check_connection, not_implemented};
use crate::cli::{DeleteObjectsArgs, PutObjectsArgs};
use crate::error::{Error, Result};

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

pub fn put_objects(args: PutObjectsArgs, console: &mut Console) -> Result<()> {
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
    not_implemented("put-objects")
}

pub fn delete_objects(args: DeleteObjectsArgs, console: &mut Console) -> Result<()> {
    check_connection(&args.connection)?;
    let prefix = args.prefix.as_deref().filter(|p| !p.is_empty());
    match (args.keys.is_empty(), prefix) {
        (false, Some(_)) => return Err(Error::runtime("Cannot pass both keys and --prefix")),
        (true, None) => return Err(Error::runtime("Specify one or more keys or use --prefix")),
        (true, Some(_)) => return not_implemented("delete-objects --prefix"),
        (false, None) => {}
    }
    let keys = &args.keys;
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
        for key in keys {
            console.line(key)?;
        }
        return Ok(());
    }
    not_implemented("delete-objects")
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
    fn prefixes_gain_a_slash_and_empty_prefix_is_none() {
        let mut w = Vec::new();
        let got = uploads(&["Cargo.toml".into()], Some(""), &mut w);
        assert_eq!(got[0].key, "Cargo.toml");
        let got = uploads(&["Cargo.toml".into()], Some("a/"), &mut w);
        assert_eq!(got[0].key, "a/Cargo.toml");
    }
}
