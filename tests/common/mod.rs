//! What the command-line tests share: running the binary without colour, and a scratch
//! directory per test under cargo's target tmpdir.

#![allow(dead_code)] // each test crate uses its own part

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `authflow` binary, with colour off so output is plain and comparable, and the
/// human report by default wherever the tests run.
pub fn authflow() -> Command {
    let mut command = Command::cargo_bin("authflow").unwrap();
    command.env("NO_COLOR", "1");
    // Inside GitHub Actions `check` would default to workflow commands.
    command.env_remove("GITHUB_ACTIONS");
    command
}

/// The binary, run inside `dir`.
pub fn authflow_in(dir: &Path) -> Command {
    let mut command = authflow();
    command.current_dir(dir);
    command
}

/// An empty directory for one test, recreated on every run.
pub fn scratch(group: &str, test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every `*.flow` under `flows/`, sorted.
pub fn catalogue_flows() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "flow") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new("flows"), &mut out);
    out.sort();
    out
}
