//! Object commands end to end against moto: uploads (files, stdin, directories,
//! multipart), downloads (stdout, files, patterns), deletes; and a download cut
//! mid-body by a scripted server, which must leave no file behind.

use crate::common::{TempDir, as_admin_in, make_bucket, ok, run_env};
use crate::fake::{Canned, FakeServer};
use crate::moto::moto;

#[test]
fn files_stdin_and_directories_round_trip() {
    let dir = TempDir::new("objects");
    let d = &dir.0;
    let url = moto().url.clone();
    make_bucket(d, "obj-e2e");
    std::fs::create_dir_all(d.join("up/sub")).unwrap();
    std::fs::write(d.join("up/a.txt"), "alpha\n").unwrap();
    std::fs::write(d.join("up/sub/b.js"), "beta\n").unwrap();
    std::fs::write(d.join("hello.txt"), "hello\n").unwrap();

    let out = as_admin_in(
        d,
        &url,
        &["put-object", "obj-e2e", "hello.txt", "hello.txt"],
        "",
    );
    ok(&out);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "Uploading\n");
    ok(&as_admin_in(
        d,
        &url,
        &["put-object", "obj-e2e", "piped.txt", "-", "-s"],
        "from stdin\n",
    ));
    let dry = ok(&as_admin_in(
        d,
        &url,
        &[
            "put-objects",
            "obj-e2e",
            "up",
            "--prefix",
            "pre",
            "--dry-run",
        ],
        "",
    ));
    assert_eq!(
        dry,
        "up/a.txt => s3://obj-e2e/pre/up/a.txt\nup/sub/b.js => s3://obj-e2e/pre/up/sub/b.js\n"
    );
    let out = as_admin_in(
        d,
        &url,
        &["put-objects", "obj-e2e", "up", "--prefix", "pre"],
        "",
    );
    ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Uploading 11.0 bytes (2 files)\n"
    );

    let listing = ok(&as_admin_in(d, &url, &["list-bucket", "obj-e2e"], ""));
    assert!(
        listing.contains("\"ChecksumAlgorithm\": [\n      \"CRC32\"\n    ],"),
        "{listing}"
    );
    assert_eq!(listing.matches("\"Key\"").count(), 4);

    assert_eq!(
        ok(&as_admin_in(
            d,
            &url,
            &["get-object", "obj-e2e", "piped.txt"],
            ""
        )),
        "from stdin\n"
    );
    ok(&as_admin_in(
        d,
        &url,
        &["get-object", "obj-e2e", "hello.txt", "-o", "copy.txt"],
        "",
    ));
    assert_eq!(
        std::fs::read_to_string(d.join("copy.txt")).unwrap(),
        "hello\n"
    );

    let out = as_admin_in(
        d,
        &url,
        &[
            "get-objects",
            "obj-e2e",
            "-o",
            "down",
            "-p",
            "*.js",
            "-p",
            "hello*",
        ],
        "",
    );
    ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Downloading 11.0 bytes (2 files)\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("down/pre/up/sub/b.js")).unwrap(),
        "beta\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("down/hello.txt")).unwrap(),
        "hello\n"
    );
    assert!(!d.join("down/pre/up/a.txt").exists());

    let missing = as_admin_in(
        d,
        &url,
        &[
            "get-objects",
            "obj-e2e",
            "nope.txt",
            "hello.txt",
            "-o",
            "two",
            "-s",
        ],
        "",
    );
    assert_eq!(missing.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&missing.stderr),
        "Error: Not found: nope.txt\n"
    );
    assert!(d.join("two/hello.txt").exists());

    let out = as_admin_in(
        d,
        &url,
        &["delete-objects", "obj-e2e", "--prefix", "pre/"],
        "",
    );
    ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Deleting 2 objects from obj-e2e\n"
    );
    let left = ok(&as_admin_in(
        d,
        &url,
        &["list-bucket", "obj-e2e", "--nl"],
        "",
    ));
    assert_eq!(left.lines().count(), 2, "{left}");
}

#[test]
fn missing_keys_are_one_line_and_leave_no_file() {
    let dir = TempDir::new("missing");
    let d = &dir.0;
    make_bucket(d, "miss-e2e");
    let out = as_admin_in(
        d,
        &moto().url,
        &["get-object", "miss-e2e", "a.txt", "-o", "a.txt"],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: NoSuchKey: The specified key does not exist. (key: a.txt)\n"
    );
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 0, "nothing written");
}

#[test]
fn keys_with_dot_segments_are_refused_clearly() {
    let dir = TempDir::new("dots");
    let out = as_admin_in(
        &dir.0,
        &moto().url,
        &["put-object", "any-bucket", "a/../b.txt", "-", "-s"],
        "x",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: The key a/../b.txt has a '.' or '..' path segment, which HTTP clients rewrite; such keys are not supported (key: a/../b.txt)\n"
    );
}

#[test]
fn large_files_use_parallel_multipart_and_round_trip() {
    let dir = TempDir::new("large");
    let d = &dir.0;
    make_bucket(d, "large-e2e");
    // 64 MiB of non-repeating bytes.
    let mut data = Vec::with_capacity(64 << 20);
    let mut x: u32 = 12345;
    while data.len() < 64 << 20 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        data.extend_from_slice(&x.to_le_bytes());
    }
    std::fs::write(d.join("big.bin"), &data).unwrap();
    let proxy = FakeServer::forwarding(64, &moto().url);
    ok(&as_admin_in(
        d,
        &proxy.url,
        &["put-object", "large-e2e", "big.bin", "big.bin", "-s"],
        "",
    ));
    let parts = proxy
        .recorded()
        .iter()
        .filter(|r| r.path.contains("partNumber="))
        .count();
    assert_eq!(parts, 8, "64 MiB in 8 MiB parts");
    assert!(
        proxy
            .recorded()
            .iter()
            .any(|r| r.path.ends_with("?uploads"))
    );
    ok(&as_admin_in(
        d,
        &moto().url,
        &["get-object", "large-e2e", "big.bin", "-o", "back.bin"],
        "",
    ));
    let back = std::fs::read(d.join("back.bin")).unwrap();
    assert!(back == data, "downloaded bytes differ");
}

#[test]
fn a_download_cut_mid_body_leaves_no_partial_file() {
    let dir = TempDir::new("cut");
    let d = &dir.0;
    let server = FakeServer::with_handler(8, |request| match request.method.as_str() {
        "HEAD" => Canned {
            status: 200,
            headers: vec![("Content-Length", "1000".into())],
            body: String::new(),
        },
        _ => Canned {
            status: 206,
            headers: vec![("Content-Length", "1000".into())],
            body: "only part of the body".into(),
        },
    });
    let out = run_env(
        &[
            "get-object",
            "bkt",
            "k.bin",
            "-o",
            d.join("k.bin").to_str().unwrap(),
            "--access-key",
            "AK",
            "--secret-key",
            "SK",
            "--endpoint-url",
            &server.url,
        ],
        &[("AWS_MAX_ATTEMPTS", "2")],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("Error: GetObject failed: ") && stderr.ends_with("(key: k.bin)\n"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(d).unwrap().count(),
        0,
        "no partial or temporary file is left"
    );
}

#[test]
fn per_key_delete_errors_are_reported_with_exit_1() {
    // moto authorises bulk DeleteObjects against the bucket ARN, so a key whose
    // policy names only `bucket/*` gets every key back under <Error>.
    let dir = TempDir::new("delete-errors");
    let d = &dir.0;
    let key = ok(&as_admin_in(
        d,
        &moto().url,
        &["create", "delerr-e2e", "-c", "--write-only"],
        "",
    ));
    ok(&as_admin_in(
        d,
        &moto().url,
        &["put-object", "delerr-e2e", "k.txt", "-", "-s"],
        "x",
    ));
    let field = |name: &str| {
        key.lines()
            .find_map(|l| l.trim().strip_prefix(&format!("\"{name}\": \"")))
            .and_then(|v| v.strip_suffix("\",").or_else(|| v.strip_suffix('"')))
            .unwrap()
            .to_string()
    };
    let (id, secret) = (field("AccessKeyId"), field("SecretAccessKey"));
    let out = run_env(
        &[
            "delete-objects",
            "delerr-e2e",
            "k.txt",
            "--endpoint-url",
            &moto().url,
        ],
        &[
            ("AWS_ACCESS_KEY_ID", &id),
            ("AWS_SECRET_ACCESS_KEY", &secret),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Deleting 1 object from delerr-e2e\nError: Errors deleting objects: [{'Key': 'k.txt', 'Code': 'AccessDenied', 'Message': 'Access Denied'}]\n"
    );
}

#[test]
fn a_failed_multipart_upload_is_aborted() {
    let dir = TempDir::new("abort");
    std::fs::write(dir.0.join("big.bin"), vec![7u8; 20 << 20]).unwrap();
    let server = FakeServer::with_handler(16, |request| {
        let (method, path) = (request.method.as_str(), request.path.as_str());
        if method == "POST" && path.ends_with("?uploads") {
            Canned { status: 200, headers: vec![], body: "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>".into() }
        } else if method == "PUT" && path.contains("partNumber=") {
            Canned {
                status: 500,
                headers: vec![],
                body: "<Error><Code>InternalError</Code><Message>boom</Message></Error>".into(),
            }
        } else {
            Canned {
                status: 204,
                headers: vec![],
                body: String::new(),
            }
        }
    });
    let out = run_env(
        &[
            "put-object",
            "bkt",
            "big.bin",
            dir.0.join("big.bin").to_str().unwrap(),
            "-s",
            "--access-key",
            "AK",
            "--secret-key",
            "SK",
            "--endpoint-url",
            &server.url,
        ],
        &[("AWS_MAX_ATTEMPTS", "1")],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: InternalError: boom (key: big.bin)\n"
    );
    let aborted = server
        .recorded()
        .iter()
        .any(|r| r.method == "DELETE" && r.path == "/bkt/big.bin?uploadId=up-1");
    assert!(aborted, "AbortMultipartUpload was sent");
}
