//! A snapshot of the process environment, taken once in `main`, so everything that
//! depends on it is a pure function of this value (and testable with any map).

use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Env(HashMap<String, String>);

impl Env {
    /// The current process environment (variables that are not UTF-8 are skipped).
    pub fn from_process() -> Env {
        Env(std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Env {
        Env(pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect())
    }

    /// A variable's value, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// A variable's value if set and not empty.
    pub fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|v| !v.is_empty())
    }
}

/// Reading files named by the environment or config (`~/.aws/*`, token files).
/// Tests root it in a fixture directory, so `/home/.aws/config` is read from there.
#[derive(Debug, Clone, Default)]
pub struct Fs {
    root: Option<std::path::PathBuf>,
}

impl Fs {
    /// The real filesystem.
    pub fn real() -> Fs {
        Fs { root: None }
    }

    /// Every path, absolute or relative, is taken below `root`.
    pub fn rooted(root: impl Into<std::path::PathBuf>) -> Fs {
        Fs {
            root: Some(root.into()),
        }
    }

    pub fn path(&self, path: &str) -> std::path::PathBuf {
        match &self.root {
            Some(root) => root.join(path.trim_start_matches('/')),
            None => path.into(),
        }
    }

    pub fn read_to_string(&self, path: &str) -> std::io::Result<String> {
        std::fs::read_to_string(self.path(path))
    }

    /// The file's text, `None` if it does not exist; other errors are messages.
    pub fn read_optional(&self, path: &str) -> Result<Option<String>, String> {
        match self.read_to_string(path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{path}: {}", crate::cli::os_message(&e))),
        }
    }
}
