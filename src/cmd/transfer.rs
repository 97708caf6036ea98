//! Moving object bytes: uploads (one PutObject below the part size, multipart above
//! it with parts in parallel) and downloads (ranged GETs in parallel into a
//! temporary file renamed into place), with progress on a terminal.
//!
//! Memory stays bounded: at most `workers + 1` parts of 8 MiB are held at once.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use crate::aws::error::AwsError;
use crate::aws::s3::{
    AbortMultipartUpload, CompleteMultipartUpload, CreateMultipartUpload, GetObjectRange,
    HeadObject, Part, PutObject, UploadPart,
};
use crate::aws::{Client, ClientSeed};
use crate::env::Env;
use crate::error::{Error, Result};

pub const PART_SIZE: u64 = 8 * 1024 * 1024;

/// Parallel parts per transfer: `S3_CREDENTIALS_MAX_CONCURRENCY`, default 4.
pub fn workers(env: &Env) -> usize {
    env.non_empty("S3_CREDENTIALS_MAX_CONCURRENCY")
        .and_then(|n| n.parse::<usize>().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(4)
        .min(64)
}

/// An S3 failure on one object, as one line naming the key.
pub fn object_error(e: AwsError, key: &str) -> Error {
    match e {
        AwsError::Service(mut s) => {
            if s.status == 404 && s.code == "404" {
                s.code = "NoSuchKey".into();
                s.message = "The specified key does not exist.".into();
            }
            Error::runtime(format!("{}: {} (key: {key})", s.code, s.message))
        }
        other => Error::runtime(format!("{other} (key: {key})")),
    }
}

/// `1.5 KB`, as upstream formats sizes.
pub fn human_size(bytes: u64) -> String {
    let mut size = bytes as f64;
    for unit in ["bytes", "KB", "MB", "GB", "TB"] {
        if size < 1024.0 {
            return format!("{size:.1} {unit}");
        }
        size /= 1024.0;
    }
    format!("{size:.1}")
}

/// Transfer progress: a bar with bytes, rate and ETA on a terminal; otherwise the
/// label once, as upstream prints it.
pub struct Progress {
    done: AtomicU64,
    total: u64,
    label: String,
    started: Instant,
    terminal: bool,
    enabled: bool,
}

impl Progress {
    pub fn new(label: &str, total: u64, enabled: bool) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        if enabled && !terminal {
            let _ = writeln!(std::io::stderr(), "{label}");
        }
        Progress {
            done: AtomicU64::new(0),
            total,
            label: label.to_string(),
            started: Instant::now(),
            terminal,
            enabled,
        }
    }

    pub fn add(&self, bytes: u64) {
        let done = self.done.fetch_add(bytes, Ordering::SeqCst) + bytes;
        if !(self.enabled && self.terminal) {
            return;
        }
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / secs;
        let eta = if rate > 0.0 && self.total > done {
            format!("{:.0}s", (self.total - done) as f64 / rate)
        } else {
            "0s".into()
        };
        let width = 30usize;
        let filled = if self.total > 0 {
            ((done as f64 / self.total as f64) * width as f64) as usize
        } else {
            width
        }
        .min(width);
        let _ = write!(
            std::io::stderr(),
            "\r{} [{}{}] {} / {} {}/s ETA {eta}   ",
            self.label,
            "#".repeat(filled),
            " ".repeat(width - filled),
            human_size(done),
            human_size(self.total),
            human_size(rate as u64)
        );
    }

    pub fn finish(&self) {
        if self.enabled && self.terminal {
            let _ = writeln!(std::io::stderr());
        }
    }
}

/// Reads up to `PART_SIZE` bytes (short only at the end of the input).
fn read_part(reader: &mut dyn Read) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(PART_SIZE as usize);
    reader.take(PART_SIZE).read_to_end(&mut buf)?;
    Ok(buf)
}

/// Uploads everything `reader` yields to `bucket/key`.
pub fn upload(
    client: &Client,
    bucket: &str,
    key: &str,
    reader: &mut dyn Read,
    content_type: Option<&str>,
    workers: usize,
    progress: &Progress,
) -> Result<()> {
    let first =
        read_part(reader).map_err(|e| Error::runtime(format!("reading input for {key}: {e}")))?;
    if (first.len() as u64) < PART_SIZE {
        let len = first.len() as u64;
        client
            .call(&PutObject {
                bucket: bucket.into(),
                key: key.into(),
                body: first.into(),
                content_type: content_type.map(str::to_string),
            })
            .map_err(|e| object_error(e, key))?;
        progress.add(len);
        return Ok(());
    }
    let upload_id = client
        .call(&CreateMultipartUpload {
            bucket: bucket.into(),
            key: key.into(),
            content_type: content_type.map(str::to_string),
        })
        .map_err(|e| object_error(e, key))?;
    match upload_parts(
        client.seed(),
        bucket,
        key,
        &upload_id,
        first,
        reader,
        workers,
        progress,
    ) {
        Ok(parts) => client
            .call(&CompleteMultipartUpload {
                bucket: bucket.into(),
                key: key.into(),
                upload_id: upload_id.clone(),
                parts,
            })
            .map_err(|e| {
                abort(client, bucket, key, &upload_id);
                object_error(e, key)
            }),
        Err(e) => {
            abort(client, bucket, key, &upload_id);
            Err(e)
        }
    }
}

/// A failed multipart upload is aborted so no parts stay stored (and billed).
fn abort(client: &Client, bucket: &str, key: &str, upload_id: &str) {
    let _ = client.call(&AbortMultipartUpload {
        bucket: bucket.into(),
        key: key.into(),
        upload_id: upload_id.into(),
    });
}

/// Reads parts on this thread and hands them to `workers` uploading threads.
#[allow(clippy::too_many_arguments)]
fn upload_parts(
    seed: ClientSeed,
    bucket: &str,
    key: &str,
    upload_id: &str,
    first: Vec<u8>,
    reader: &mut dyn Read,
    workers: usize,
    progress: &Progress,
) -> Result<Vec<Part>> {
    let (sender, receiver) = std::sync::mpsc::sync_channel::<(u32, Vec<u8>)>(0);
    let receiver = Mutex::new(receiver);
    let parts: Mutex<Vec<Part>> = Mutex::new(Vec::new());
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let failed = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let seed = seed.clone();
            let (receiver, parts, failure, failed) = (&receiver, &parts, &failure, &failed);
            scope.spawn(move || {
                let client = seed.build();
                loop {
                    let next = receiver.lock().map(|r| r.recv()).ok().and_then(|r| r.ok());
                    let Some((number, body)) = next else { break };
                    if failed.load(Ordering::SeqCst) {
                        continue;
                    }
                    let len = body.len() as u64;
                    let action = UploadPart {
                        bucket: bucket.into(),
                        key: key.into(),
                        upload_id: upload_id.into(),
                        number,
                        body: body.into(),
                    };
                    match client.call(&action) {
                        Ok(part) => {
                            progress.add(len);
                            parts.lock().expect("parts lock").push(part);
                        }
                        Err(e) => {
                            failed.store(true, Ordering::SeqCst);
                            failure
                                .lock()
                                .expect("failure lock")
                                .get_or_insert(object_error(e, key));
                        }
                    }
                }
            });
        }
        let mut number = 1u32;
        let mut body = first;
        loop {
            if failed.load(Ordering::SeqCst) || sender.send((number, body)).is_err() {
                break;
            }
            match read_part(reader) {
                Ok(next) if next.is_empty() => break,
                Ok(next) => {
                    body = next;
                    number += 1;
                }
                Err(e) => {
                    failed.store(true, Ordering::SeqCst);
                    failure
                        .lock()
                        .expect("failure lock")
                        .get_or_insert(Error::runtime(format!("reading input for {key}: {e}")));
                    break;
                }
            }
        }
        drop(sender);
    });
    if let Some(e) = failure.into_inner().expect("failure lock") {
        return Err(e);
    }
    let mut parts = parts.into_inner().expect("parts lock");
    parts.sort_by_key(|p| p.number);
    Ok(parts)
}

/// The size of `bucket/key`.
pub fn object_size(client: &Client, bucket: &str, key: &str) -> Result<u64> {
    client
        .call(&HeadObject {
            bucket: bucket.into(),
            key: key.into(),
        })
        .map_err(|e| object_error(e, key))
}

fn fetch(client: &Client, bucket: &str, key: &str, first: u64, last: u64) -> Result<bytes::Bytes> {
    client
        .call(&GetObjectRange {
            bucket: bucket.into(),
            key: key.into(),
            first,
            last,
        })
        .map_err(|e| object_error(e, key))
}

/// Writes the object to `out` in order, part by part.
pub fn download_to(
    client: &Client,
    bucket: &str,
    key: &str,
    out: &mut dyn Write,
    progress: &Progress,
) -> Result<()> {
    let size = object_size(client, bucket, key)?;
    let mut offset = 0;
    while offset < size {
        let last = (offset + PART_SIZE).min(size) - 1;
        let bytes = fetch(client, bucket, key, offset, last)?;
        out.write_all(&bytes).map_err(super::write_error)?;
        progress.add(bytes.len() as u64);
        offset = last + 1;
    }
    Ok(())
}

/// A temporary name next to `path`, so the final rename stays on one filesystem.
fn temporary_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(
        ".{name}.{}.s3-credentials-partial",
        std::process::id()
    ))
}

/// Downloads to `path` through a temporary file renamed at the end: a failure
/// leaves no partial file under the real name.
pub fn download_file(
    client: &Client,
    bucket: &str,
    key: &str,
    path: &Path,
    known_size: Option<u64>,
    workers: usize,
    progress: &Progress,
) -> Result<()> {
    let size = match known_size {
        Some(s) => s,
        None => object_size(client, bucket, key)?,
    };
    let temp = temporary_path(path);
    let result = fill(client, bucket, key, &temp, size, workers, progress).and_then(|()| {
        std::fs::rename(&temp, path).map_err(|e| {
            Error::runtime(format!(
                "{}: {}",
                path.display(),
                crate::cli::os_message(&e)
            ))
        })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

fn fill(
    client: &Client,
    bucket: &str,
    key: &str,
    temp: &Path,
    size: u64,
    workers: usize,
    progress: &Progress,
) -> Result<()> {
    let file = File::create(temp).map_err(|e| {
        Error::runtime(format!(
            "{}: {}",
            temp.display(),
            crate::cli::os_message(&e)
        ))
    })?;
    let parts = size.div_ceil(PART_SIZE) as usize;
    if parts <= 1 {
        if size > 0 {
            let bytes = fetch(client, bucket, key, 0, size - 1)?;
            file.write_all_at(&bytes, 0)
                .map_err(|e| Error::runtime(format!("{}: {e}", temp.display())))?;
            progress.add(size);
        }
        return Ok(());
    }
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let seed = client.seed();
    std::thread::scope(|scope| {
        for _ in 0..workers.min(parts) {
            let seed = seed.clone();
            let (next, failure, file) = (&next, &failure, &file);
            scope.spawn(move || {
                let client = seed.build();
                loop {
                    let n = next.fetch_add(1, Ordering::SeqCst);
                    if n >= parts || failure.lock().expect("failure lock").is_some() {
                        break;
                    }
                    let first = n as u64 * PART_SIZE;
                    let last = (first + PART_SIZE).min(size) - 1;
                    let written = fetch(&client, bucket, key, first, last).and_then(|bytes| {
                        file.write_all_at(&bytes, first)
                            .map_err(|e| Error::runtime(format!("writing {key}: {e}")))?;
                        progress.add(bytes.len() as u64);
                        Ok(())
                    });
                    if let Err(e) = written {
                        failure.lock().expect("failure lock").get_or_insert(e);
                        break;
                    }
                }
            });
        }
    });
    match failure.into_inner().expect("failure lock") {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Python's `mimetypes.guess_type` for the common extensions (upstream's answer
/// also depends on the host's mime.types files).
pub fn guess_content_type(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "txt" | "text" | "log" => "text/plain",
        "html" | "htm" => "text/html",
        "css" => "text/css",
        "csv" => "text/csv",
        "md" | "markdown" => "text/markdown",
        "js" | "mjs" => "text/javascript",
        "json" => "application/json",
        "xml" => "text/xml",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "tar" => "application/x-tar",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" | "jpe" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "ico" => "image/vnd.microsoft.icon",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "mp3" => "audio/mpeg",
        "wav" => "audio/x-wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "py" => "text/x-python",
        "sh" => "application/x-sh",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_as_upstream() {
        assert_eq!(human_size(20), "20.0 bytes");
        assert_eq!(human_size(0), "0.0 bytes");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(64 * 1024 * 1024), "64.0 MB");
    }

    #[test]
    fn content_types() {
        assert_eq!(guess_content_type("a/b.TXT"), Some("text/plain"));
        assert_eq!(guess_content_type("x.json"), Some("application/json"));
        assert_eq!(guess_content_type("archive.tar.gz"), None);
        assert_eq!(guess_content_type("README"), None);
    }
}
