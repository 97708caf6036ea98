//! The static binary in an empty root: a directory holding only the binary,
//! `/etc/hosts` and `/etc/resolv.conf`, entered with `unshare -r chroot` and an
//! environment that has only the AWS variables set here. This stands in for a
//! `FROM scratch` container.
//!
//! The test builds the static binary (`cargo build --release --target
//! x86_64-unknown-linux-musl`, a no-op when `.ci/run` already did it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use crate::common::TempDir;
use crate::moto::{Keys, moto};

const TARGET: &str = "x86_64-unknown-linux-musl";

fn static_binary() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--target", TARGET])
        .current_dir(root)
        .status()
        .expect("run cargo");
    assert!(
        status.success(),
        "the static build failed: it needs `apt-get install musl-tools` and `rustup target add {TARGET}` (.ci/run does both)"
    );
    root.join("target")
        .join(TARGET)
        .join("release/s3-credentials")
}

/// An empty root with the binary at `/s3-credentials`.
fn empty_root() -> TempDir {
    let dir = TempDir::new("root");
    std::fs::create_dir_all(dir.0.join("etc")).unwrap();
    std::fs::write(dir.0.join("etc/hosts"), "127.0.0.1 localhost\n").unwrap();
    std::fs::write(dir.0.join("etc/resolv.conf"), "nameserver 127.0.0.1\n").unwrap();
    std::fs::copy(static_binary(), dir.0.join("s3-credentials")).unwrap();
    dir
}

/// A program's absolute path (the environment inside is empty, so no PATH).
fn program(name: &str) -> PathBuf {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':')
        .chain(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
        .map(|dir| Path::new(dir).join(name))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("{name} not found: the empty-root test needs util-linux's unshare and coreutils' chroot"))
}

/// Runs `/s3-credentials args` inside `root` with only `env`.
fn inside(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(program("unshare"))
        .arg("-r")
        .arg(program("chroot"))
        .arg(root)
        .arg("/s3-credentials")
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("unshare and chroot (util-linux, coreutils)")
}

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn keys_env(k: &Keys) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", k.id.clone()),
        ("AWS_SECRET_ACCESS_KEY", k.secret.clone()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn arn(whoami: &str) -> String {
    whoami
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"Arn\": \""))
        .and_then(|a| a.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn policy_whoami_create_and_profiles_in_an_empty_root() {
    let root = empty_root();
    let r = &root.0;
    let policy = ok(&inside(r, &["policy", "b"], &[]));
    assert!(
        policy.starts_with("{\n    \"Version\": \"2012-10-17\","),
        "{policy}"
    );

    let m = moto();
    let mut env = keys_env(&m.admin);
    env.push(("AWS_ENDPOINT_URL", m.url.clone()));
    let who = ok(&inside(r, &["whoami"], &refs(&env)));
    assert_eq!(arn(&who), "arn:aws:iam::123456789012:user/admin");
    let created = ok(&inside(
        r,
        &["create", "root-e2e", "-c", "--read-only"],
        &refs(&env),
    ));
    assert!(
        created.contains("\"UserName\": \"s3.read-only.root-e2e\""),
        "{created}"
    );

    // The shared credentials file with HOME inside the root.
    let k = &m.users["default-user"];
    std::fs::create_dir_all(r.join("home/.aws")).unwrap();
    std::fs::write(
        r.join("home/.aws/credentials"),
        format!(
            "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            k.id, k.secret
        ),
    )
    .unwrap();
    let env = [("HOME", "/home"), ("AWS_ENDPOINT_URL", m.url.as_str())];
    let who = ok(&inside(r, &["whoami"], &env));
    assert_eq!(arn(&who), "arn:aws:iam::123456789012:user/default-user");
}

/// A CA and a certificate for 127.0.0.1 signed by it, made with `openssl`.
fn make_certificates(dir: &Path) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=s3-credentials test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        dir.join("san.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
}

/// A TLS front for moto: each connection carries one request, answered and closed.
fn tls_front(dir: &Path, backend: String) -> String {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .unwrap()
        .map(|c| c.unwrap())
        .collect();
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "https://127.0.0.1:{}",
        listener.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (config, backend) = (Arc::clone(&config), backend.clone());
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let _ = relay_one(&mut tls, &backend);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    url
}

/// Reads one HTTP request from `client`, sends it to `backend`, writes back the answer.
fn relay_one(client: &mut impl ReadWrite, backend: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(ClientRef(client));
    let mut head = Vec::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().unwrap_or(0);
            }
            if k.eq_ignore_ascii_case("connection") {
                continue;
            }
        }
        if line == "\r\n" {
            head.extend_from_slice(b"Connection: close\r\n\r\n");
            break;
        }
        head.extend_from_slice(line.as_bytes());
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let mut upstream = TcpStream::connect(backend.trim_start_matches("http://"))?;
    upstream.write_all(&head)?;
    upstream.write_all(&body)?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer)?;
    drop(reader);
    client.write_all(&answer)?;
    client.flush()
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

struct ClientRef<'a, T: ReadWrite>(&'a mut T);
impl<T: ReadWrite> Read for ClientRef<'_, T> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

#[test]
fn https_with_a_ca_bundle_and_a_clear_error_without_it() {
    let root = empty_root();
    let r = &root.0;
    make_certificates(r);
    let front = tls_front(r, moto().url.clone());
    let mut env = keys_env(&moto().admin);
    env.push(("AWS_ENDPOINT_URL", front.clone()));
    let without = inside(r, &["whoami"], &refs(&env));
    assert_eq!(without.status.code(), Some(1));
    let line = String::from_utf8_lossy(&without.stderr).into_owned();
    assert_eq!(
        line,
        format!(
            "Error: could not connect to {front}/: invalid peer certificate: UnknownIssuer (the server's certificate is not trusted: set AWS_CA_BUNDLE to a PEM file with the CA that signed it)\n"
        )
    );
    env.push(("AWS_CA_BUNDLE", "/ca.pem".into()));
    let who = ok(&inside(r, &["whoami"], &refs(&env)));
    assert_eq!(arn(&who), "arn:aws:iam::123456789012:user/admin");
}
