//! The extensions (issue 9) end to end against moto: `create --wait`, `--rotate`,
//! `--format env` and `credential-process`, repeated `--prefix`, `presign`, and the
//! shell completion scripts loaded in their shells.

use std::path::Path;
use std::process::Output;

use crate::common::{BIN, TempDir, as_admin_in, json_text, make_bucket, ok, run_env_in};
use crate::faults::{Fault, FaultProxy, count_keys};
use crate::moto::moto;

fn admin(dir: &Path, args: &[&str]) -> Output {
    as_admin_in(dir, &moto().url, args, "")
}

/// Runs a shell script with the binary on PATH and moto as the endpoint.
fn shell(dir: &Path, program: &str, script: &str) -> Output {
    let bin_dir = Path::new(BIN)
        .parent()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    std::process::Command::new(program)
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env_clear()
        .envs(crate::common::HERMETIC_ENV.iter().copied())
        .env("PATH", format!("{bin_dir}:/usr/bin:/bin"))
        .env("MOTO", &moto().url)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed (apt-get install {program}): {e}"))
}

#[test]
fn format_env_exports_work_in_a_shell() {
    let dir = TempDir::new("ext-env");
    make_bucket(&dir.0, "ext-env");
    let out = admin(
        &dir.0,
        &[
            "create",
            "ext-env",
            "--username",
            "env-format-user",
            "-f",
            "env",
        ],
    );
    let exports = ok(&out);
    let lines: Vec<&str> = exports.lines().collect();
    assert_eq!(lines.len(), 2, "{exports}");
    assert!(
        lines[0].starts_with("export AWS_ACCESS_KEY_ID=AKIA"),
        "{exports}"
    );
    assert!(
        lines[1].starts_with("export AWS_SECRET_ACCESS_KEY="),
        "{exports}"
    );
    std::fs::write(dir.0.join("creds.sh"), &exports).unwrap();
    let who = shell(
        &dir.0,
        "bash",
        ". ./creds.sh && s3-credentials whoami --endpoint-url \"$MOTO\"",
    );
    assert!(ok(&who).contains("user/env-format-user"), "{}", ok(&who));

    // A session: the token is exported too.
    let out = admin(&dir.0, &["create", "ext-env", "-d", "15m", "-f", "env"]);
    let exports = ok(&out);
    assert!(exports.contains("export AWS_SESSION_TOKEN="), "{exports}");
    std::fs::write(dir.0.join("session.sh"), &exports).unwrap();
    let who = shell(
        &dir.0,
        "bash",
        ". ./session.sh && s3-credentials whoami --endpoint-url \"$MOTO\"",
    );
    assert!(ok(&who).contains("assumed-role"), "{}", ok(&who));
}

#[test]
fn format_credential_process_feeds_a_profile() {
    let dir = TempDir::new("ext-cp");
    make_bucket(&dir.0, "ext-cp");
    let permanent = ok(&admin(
        &dir.0,
        &[
            "create",
            "ext-cp",
            "--username",
            "cp-user",
            "-f",
            "credential-process",
        ],
    ));
    assert!(
        permanent.starts_with("{\n    \"Version\": 1,\n    \"AccessKeyId\": \"AKIA"),
        "{permanent}"
    );
    assert!(!permanent.contains("Expiration"), "{permanent}");
    let session = ok(&admin(
        &dir.0,
        &["create", "ext-cp", "-d", "15m", "-f", "credential-process"],
    ));
    for key in ["\"SessionToken\"", "\"Expiration\": \"20"] {
        assert!(session.contains(key), "{session}");
    }
    for (name, json) in [("permanent", &permanent), ("session", &session)] {
        std::fs::write(dir.0.join(format!("{name}.json")), json).unwrap();
    }
    let config = format!(
        "[profile p]\ncredential_process = cat {0}/permanent.json\n\n[profile s]\ncredential_process = cat {0}/session.json\n",
        dir.0.display()
    );
    std::fs::write(dir.0.join("config"), config).unwrap();
    let config_path = dir.0.join("config").to_string_lossy().into_owned();
    for (profile, expect) in [("p", "user/cp-user"), ("s", "assumed-role")] {
        let out = run_env_in(
            &dir.0,
            &[
                "whoami",
                "--profile",
                profile,
                "--endpoint-url",
                &moto().url,
            ],
            &[("AWS_CONFIG_FILE", &config_path)],
            "",
        );
        assert!(ok(&out).contains(expect), "{profile}: {}", ok(&out));
    }
}

#[test]
fn wait_prints_keys_once_they_work() {
    let dir = TempDir::new("ext-wait");
    make_bucket(&dir.0, "ext-wait");
    let admin_id = moto().admin.id.clone();
    // The new key's first two GetCallerIdentity calls are refused, as IAM does
    // for seconds after CreateAccessKey.
    let not_admin = move |r: &crate::fake::Recorded| {
        String::from_utf8_lossy(&r.body).contains("Action=GetCallerIdentity")
            && !r.header("authorization").unwrap_or("").contains(&admin_id)
    };
    let proxy = FaultProxy::start(&moto().url, Fault::UnknownKey, 2, not_admin.clone());
    let out = as_admin_in(
        &dir.0,
        &proxy.url,
        &["create", "ext-wait", "--username", "wait-user", "--wait"],
        "",
    );
    let printed = ok(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(proxy.faulted(), 2);
    assert!(printed.contains("\"SecretAccessKey\""), "{printed}");
    assert!(stderr.contains("The new credentials work"), "{stderr}");
    assert!(!stderr.contains("can take 10-15 seconds"), "{stderr}");
    // The probes were signed with the printed key: two refused, then one answered.
    let key = json_text(&printed, "AccessKeyId");
    let probes: Vec<_> = proxy
        .hits()
        .into_iter()
        .filter(|h| h.authorization.contains(&format!("Credential={key}/")))
        .collect();
    assert_eq!(probes.len(), 3, "{probes:?}");
    assert!(probes[2].fault.is_none());

    // Never working: printed anyway (not lost), one Error line, exit 1.
    let proxy = FaultProxy::start(&moto().url, Fault::UnknownKey, usize::MAX, not_admin);
    let out = as_admin_in(
        &dir.0,
        &proxy.url,
        &[
            "create",
            "ext-wait",
            "--username",
            "wait-user-2",
            "--wait",
            "--wait-timeout",
            "1.5",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"SecretAccessKey\""));
    let last = stderr.lines().last().unwrap_or("");
    assert!(
        last.starts_with("Error: The new credentials still fail after")
            && last.contains("InvalidClientTokenId"),
        "{stderr}"
    );

    // Without --wait, a note says why a new key may fail at first.
    let out = admin(&dir.0, &["create", "ext-wait", "--username", "wait-user-3"]);
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("Note: a new access key can take 10-15 seconds to become active; add --wait"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rotate_replaces_the_oldest_of_two_keys() {
    let dir = TempDir::new("ext-rotate");
    make_bucket(&dir.0, "ext-rotate");
    let create = |extra: &[&str]| {
        let mut args = vec!["create", "ext-rotate", "--username", "rotate-user"];
        args.extend_from_slice(extra);
        admin(&dir.0, &args)
    };
    let keys = |out: &Output| {
        let printed = ok(out);
        (
            json_text(&printed, "AccessKeyId"),
            json_text(&printed, "SecretAccessKey"),
        )
    };
    let first = keys(&create(&[]));
    // CreateDate has one-second resolution: keep the two keys apart.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = keys(&create(&[]));
    assert_eq!(count_keys("rotate-user"), 2);

    let refused = create(&[]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("already has 2 access keys") && stderr.contains("--rotate"),
        "{stderr}"
    );

    let out = create(&["--rotate"]);
    let third = keys(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "Deleted access key {}, the oldest of user rotate-user's two keys (--rotate)",
            first.0
        )),
        "{stderr}"
    );
    assert_eq!(count_keys("rotate-user"), 2);
    // The oldest key no longer works; the other two do.
    for ((id, secret), works) in [(&first, false), (&second, true), (&third, true)] {
        let out = run_env_in(
            &dir.0,
            &[
                "whoami",
                "--access-key",
                id,
                "--secret-key",
                secret,
                "--endpoint-url",
                &moto().url,
            ],
            &[],
            "",
        );
        assert_eq!(
            out.status.code() == Some(0),
            works,
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = create(&["--rotate", "-d", "15m"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn several_prefixes_allow_each_and_nothing_else() {
    let dir = TempDir::new("ext-prefixes");
    make_bucket(&dir.0, "ext-prefixes");
    std::fs::write(dir.0.join("f.txt"), "content\n").unwrap();
    for key in ["a/1.txt", "b/2.txt", "c/3.txt"] {
        ok(&admin(
            &dir.0,
            &["put-object", "ext-prefixes", key, "f.txt", "-s"],
        ));
    }
    let printed = ok(&admin(
        &dir.0,
        &[
            "create",
            "ext-prefixes",
            "--username",
            "prefix-user",
            "--prefix",
            "a/",
            "--prefix",
            "b/",
        ],
    ));
    let (id, secret) = (
        json_text(&printed, "AccessKeyId"),
        json_text(&printed, "SecretAccessKey"),
    );
    let as_user = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend([
            "--access-key",
            &id,
            "--secret-key",
            &secret,
            "--endpoint-url",
            &moto().url,
        ]);
        run_env_in(&dir.0, &all, &[], "")
    };
    for key in ["a/1.txt", "b/2.txt"] {
        assert_eq!(
            ok(&as_user(&["get-object", "ext-prefixes", key])),
            "content\n",
            "{key}"
        );
        ok(&as_user(&[
            "put-object",
            "ext-prefixes",
            &format!("{key}.new"),
            "f.txt",
            "-s",
        ]));
    }
    let denied = as_user(&["get-object", "ext-prefixes", "c/3.txt"]);
    assert_eq!(denied.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&denied.stderr);
    // get-object asks HeadObject first, whose 403 has no body.
    assert!(stderr.contains("403: Forbidden"), "{stderr}");
    let denied = as_user(&["put-object", "ext-prefixes", "c/new.txt", "f.txt", "-s"]);
    assert_eq!(denied.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(stderr.contains("AccessDenied"), "{stderr}");
    // One prefix is exactly upstream's policy; two extend it.
    let one = ok(&crate::common::run(&["policy", "b1", "--prefix", "a/"]));
    let two = ok(&crate::common::run(&[
        "policy", "b1", "--prefix", "a/", "--prefix", "b/",
    ]));
    assert!(one.contains("\"a/*\"") && !one.contains("b/*"));
    assert!(
        two.contains("\"a/*\",\n") && two.contains("\"b/*\""),
        "{two}"
    );
}

/// botocore's signature for a presigned URL, at the URL's own X-Amz-Date.
fn botocore_signature(
    url: &str,
    method: &str,
    id: &str,
    secret: &str,
    token: Option<&str>,
) -> String {
    let script = crate::common::fixtures().join("scripts/botocore_presign_signature.py");
    let mut command = std::process::Command::new(crate::moto::moto_python());
    command.arg(script).args([url, method, id, secret]);
    if let Some(t) = token {
        command.arg(t);
    }
    let out = command.output().expect("the moto venv's python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn signature_of(url: &str) -> String {
    let after = url.split("X-Amz-Signature=").nth(1).unwrap_or("");
    after.split('&').next().unwrap_or("").trim().to_string()
}

#[test]
fn presigned_urls_match_botocore_and_work() {
    let dir = TempDir::new("ext-presign");
    // Signatures, checked against botocore: path style on a custom endpoint and
    // virtual-hosted on AWS, GET and PUT, with and without a session token.
    let cases: [(&[&str], Option<&str>); 4] = [
        (
            &[
                "presign",
                "bkt",
                "dir/a file+.txt",
                "--endpoint-url",
                "http://127.0.0.1:9",
            ],
            None,
        ),
        (
            &[
                "presign",
                "bkt",
                "k~ü (1).txt",
                "--method",
                "PUT",
                "--region",
                "eu-west-1",
            ],
            None,
        ),
        (
            &[
                "presign",
                "bkt",
                "x/y.bin",
                "--expires-in",
                "7d",
                "--region",
                "ap-south-1",
            ],
            Some("SESSIONTOKEN/+="),
        ),
        (
            &[
                "presign",
                "bkt",
                "z",
                "--method",
                "PUT",
                "--endpoint-url",
                "https://minio.example:9000",
            ],
            Some("tok"),
        ),
    ];
    for (args, token) in cases {
        let mut env = vec![
            ("AWS_ACCESS_KEY_ID", "AKIDPRESIGN"),
            ("AWS_SECRET_ACCESS_KEY", "presign/secret+key"),
        ];
        if let Some(t) = token {
            env.push(("AWS_SESSION_TOKEN", t));
        }
        let url = ok(&run_env_in(&dir.0, args, &env, ""));
        let url = url.trim_end();
        let method = if args.contains(&"PUT") { "PUT" } else { "GET" };
        assert_eq!(
            token.is_some(),
            url.contains("X-Amz-Security-Token="),
            "{url}"
        );
        assert_eq!(
            signature_of(url),
            botocore_signature(url, method, "AKIDPRESIGN", "presign/secret+key", token),
            "{args:?}: {url}"
        );
    }
    let virtual_hosted = ok(&run_env_in(
        &dir.0,
        &["presign", "bkt", "k", "--region", "eu-west-1"],
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDPRESIGN"),
            ("AWS_SECRET_ACCESS_KEY", "s"),
        ],
        "",
    ));
    assert!(
        virtual_hosted.starts_with(
            "https://bkt.s3.eu-west-1.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&"
        ),
        "{virtual_hosted}"
    );

    // Working URLs, against a moto that does not check signatures (see moto.rs).
    let m = crate::moto::moto_without_auth();
    let keys = [
        ("AWS_ACCESS_KEY_ID", "AKIDPRESIGN"),
        ("AWS_SECRET_ACCESS_KEY", "s"),
    ];
    let tool = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--endpoint-url", &m.url]);
        run_env_in(&dir.0, &all, &keys, "")
    };
    ok(&tool(&[
        "create",
        "ext-presign",
        "-c",
        "--username",
        "presign-seed",
    ]));
    std::fs::write(dir.0.join("f.txt"), "presigned content\n").unwrap();
    ok(&tool(&[
        "put-object",
        "ext-presign",
        "dir/a file+.txt",
        "f.txt",
        "-s",
    ]));
    let http = reqwest::blocking::Client::new();
    let url = ok(&tool(&[
        "presign",
        "ext-presign",
        "dir/a file+.txt",
        "--expires-in",
        "1h",
    ]));
    assert!(url.contains("X-Amz-Expires=3600"), "{url}");
    let got = http.get(url.trim_end()).send().unwrap();
    assert_eq!(got.status().as_u16(), 200, "{url}");
    assert_eq!(got.text().unwrap(), "presigned content\n");
    let url = ok(&tool(&[
        "presign",
        "ext-presign",
        "uploaded.txt",
        "--method",
        "PUT",
    ]));
    let put = http
        .put(url.trim_end())
        .body("via presigned PUT\n")
        .send()
        .unwrap();
    assert_eq!(put.status().as_u16(), 200);
    assert_eq!(
        ok(&tool(&["get-object", "ext-presign", "uploaded.txt"])),
        "via presigned PUT\n"
    );

    // At most 7 days; nothing is sent to make a URL.
    let out = tool(&["presign", "ext-presign", "k", "--expires-in", "8d"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        crate::common::last_line(&out.stderr),
        "Error: Invalid value for '--expires-in': Expiry must be between 1 second and 7 days (604800 seconds), the longest SigV4 allows"
    );
    let offline = run_env_in(
        &dir.0,
        &[
            "presign",
            "ext-presign",
            "k",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        &keys,
        "",
    );
    assert!(ok(&offline).starts_with("http://127.0.0.1:9/ext-presign/k?"));
}

#[test]
fn completion_scripts_load_and_complete_in_their_shells() {
    let dir = TempDir::new("ext-completions");
    for shell_name in ["bash", "zsh", "fish"] {
        let out = crate::common::run(&["completions", shell_name]);
        std::fs::write(dir.0.join(format!("c.{shell_name}")), ok(&out)).unwrap();
    }
    let bash = shell(
        &dir.0,
        "bash",
        "source ./c.bash; \
         COMP_WORDS=(s3-credentials pre); COMP_CWORD=1; _s3_credentials; echo \"${COMPREPLY[*]}\"; \
         COMP_WORDS=(s3-credentials create -f ''); COMP_CWORD=3; _s3_credentials; echo \"${COMPREPLY[*]}\"; \
         COMP_WORDS=(s3-credentials presign --me); COMP_CWORD=2; _s3_credentials; echo \"${COMPREPLY[*]}\"; \
         complete -p s3-credentials",
    );
    assert_eq!(
        ok(&bash),
        "presign\nini json env credential-process\n--method\ncomplete -o default -F _s3_credentials s3-credentials\n"
    );
    let zsh = shell(
        &dir.0,
        "zsh",
        "autoload -Uz compinit && compinit -u -D && source ./c.zsh && print -r -- ${+functions[_s3_credentials]} ${_comps[s3-credentials]}",
    );
    assert_eq!(ok(&zsh), "1 _s3_credentials\n");
    let fish = shell(
        &dir.0,
        "fish",
        "source ./c.fish; complete -C's3-credentials pres'; complete -C's3-credentials create -f '",
    );
    let fish = ok(&fish);
    assert!(fish.starts_with("presign\t"), "{fish}");
    for format in ["ini", "json", "env", "credential-process"] {
        assert!(fish.contains(&format!("\n{format}\t")), "{fish}");
    }
}

#[test]
fn localserver_serves_credentials_for_several_prefixes() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = TempDir::new("ext-ls-prefixes");
    make_bucket(&dir.0, "ext-ls-prefixes");
    std::fs::write(dir.0.join("f.txt"), "content\n").unwrap();
    for key in ["a/1.txt", "b/2.txt", "c/3.txt"] {
        ok(&admin(
            &dir.0,
            &["put-object", "ext-ls-prefixes", key, "f.txt", "-s"],
        ));
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let m = moto();
    let mut child = std::process::Command::new(BIN)
        .args(["localserver", "ext-ls-prefixes", "--read-only", "-d", "15m"])
        .args(["--prefix", "a/", "--prefix", "b/", "--host", "127.0.0.1"])
        .args([
            "--port",
            &port.to_string(),
            "--endpoint-url",
            &m.url,
            "--debug",
        ])
        .env_clear()
        .envs(crate::common::HERMETIC_ENV.iter().copied())
        .env("AWS_ACCESS_KEY_ID", &m.admin.id)
        .env("AWS_SECRET_ACCESS_KEY", &m.admin.secret)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut startup = String::new();
    while !startup.contains("Press Ctrl+C to stop") {
        assert!(
            stderr.read_line(&mut startup).unwrap() > 0,
            "localserver exited: {startup}"
        );
    }
    // moto does not apply session policies (MOTO.md), so the policy is read from
    // the AssumeRole request itself (--debug shows it) rather than from a denial.
    let assume = startup
        .lines()
        .find(|l| l.starts_with("> Action=AssumeRole&"))
        .unwrap_or_else(|| panic!("no AssumeRole body: {startup}"));
    let sent = s3_credentials::aws::xml::percent_decode(assume, true);
    assert!(
        sent.contains(r#""s3:prefix": ["a/*", "b/*"]"#)
            && sent.contains(r#""Resource": ["arn:aws:s3:::ext-ls-prefixes/a/*", "arn:aws:s3:::ext-ls-prefixes/b/*"]"#),
        "{sent}"
    );
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .unwrap_or("");
    let (id, secret, token) = (
        json_text(body, "AccessKeyId"),
        json_text(body, "SecretAccessKey"),
        json_text(body, "SessionToken"),
    );
    let read = |key: &str| {
        run_env_in(
            &dir.0,
            &[
                "get-object",
                "ext-ls-prefixes",
                key,
                "--access-key",
                &id,
                "--secret-key",
                &secret,
                "--session-token",
                &token,
                "--endpoint-url",
                &m.url,
            ],
            &[],
            "",
        )
    };
    assert_eq!(ok(&read("a/1.txt")), "content\n");
    assert_eq!(ok(&read("b/2.txt")), "content\n");
}
