//! Helpers shared by the integration tests: a hermetic way to run the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

pub const BIN: &str = env!("CARGO_BIN_EXE_s3-credentials");

/// The environment the conformance corpus was recorded with, and nothing else.
pub const HERMETIC_ENV: &[(&str, &str)] = &[
    ("PATH", "/usr/bin:/bin"),
    ("HOME", "/nonexistent"),
    ("LANG", "C.UTF-8"),
    ("LC_ALL", "C.UTF-8"),
    ("AWS_CONFIG_FILE", "/dev/null"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
];

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A fresh empty directory, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!("s3c-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Runs the binary in `dir` with only the hermetic environment, feeding `stdin`.
pub fn run_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(HERMETIC_ENV.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run s3-credentials");
    {
        use std::io::Write;
        let mut input = child.stdin.take().expect("stdin");
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("wait for s3-credentials")
}

/// Runs the binary in a fresh empty directory.
pub fn run(args: &[&str]) -> Output {
    let dir = TempDir::new("run");
    run_in(&dir.0, args, b"")
}

/// The last non-blank stderr line.
pub fn last_line(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string()
}

/// Runs the binary in a fresh directory with the hermetic environment plus `env`.
pub fn run_env(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let dir = TempDir::new("env");
    run_env_in(&dir.0, args, env, stdin)
}

/// `run_env` in a given working directory.
pub fn run_env_in(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_clear()
        .envs(HERMETIC_ENV.iter().copied())
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run s3-credentials");
    {
        use std::io::Write;
        let _ = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
    }
    child.wait_with_output().expect("wait for s3-credentials")
}

/// Runs the binary in `dir` as moto's admin against `endpoint` (moto or a proxy).
pub fn as_admin_in(dir: &Path, endpoint: &str, args: &[&str], stdin: &str) -> Output {
    let m = crate::moto::moto();
    let mut all = args.to_vec();
    all.extend(["--endpoint-url", endpoint]);
    run_env_in(
        dir,
        &all,
        &[
            ("AWS_ACCESS_KEY_ID", &m.admin.id),
            ("AWS_SECRET_ACCESS_KEY", &m.admin.secret),
        ],
        stdin,
    )
}

/// Runs the binary as moto's admin, in a fresh directory.
pub fn as_admin(args: &[&str]) -> Output {
    let dir = TempDir::new("admin");
    as_admin_in(&dir.0, &crate::moto::moto().url, args, "")
}

/// Stdout of a successful run; otherwise the test fails showing stderr.
pub fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Creates a bucket in moto as the admin (with a seed user named after it).
pub fn make_bucket(dir: &Path, bucket: &str) {
    ok(&as_admin_in(
        dir,
        &crate::moto::moto().url,
        &[
            "create",
            bucket,
            "-c",
            "--username",
            &format!("seed-{bucket}"),
        ],
        "",
    ));
}

/// A string member of indented JSON output (`"Key": "value"`), read as text.
pub fn json_text(json: &str, key: &str) -> String {
    let marker = format!("\"{key}\": \"");
    let start = json
        .find(&marker)
        .unwrap_or_else(|| panic!("{key} in {json}"))
        + marker.len();
    let end = json[start..].find('"').unwrap() + start;
    json[start..end].to_string()
}
