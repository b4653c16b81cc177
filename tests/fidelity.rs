//! `authflow replay` against a real authorization server: oidc-provider (panva's
//! OpenID-certified Node library) configured like the model's default world
//! (`tests/fidelity/server.mjs`). The test starts it on 127.0.0.1 on a free port,
//! replays the seed, the attack catalogue and the flows that probe redirect_uri, code
//! reuse, code expiry, token revocation, a separate consent page and a denial, compares the three-way tables with the
//! reviewed snapshot `tests/fidelity/oidc-provider.snap`, and stops the server by its
//! PID. Everything is bounded in time.
//!
//! Without Node or `npm ci` in `tests/fidelity` the test skips with a message; CI sets
//! `AUTHFLOW_REQUIRE_FIDELITY=1`, which turns the skip into a failure.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The flows replayed: every one makes AS requests; their waits total a few seconds
/// against the server's 300-times-faster clock.
const FLOWS: &[&str] = &[
    "flows/authorization_code.flow",
    "flows/attacks",
    "flows/redirect_uri_equal",
    "flows/code_single_use",
    "flows/code_lifetime/violated.flow",
    "flows/consent_before_code/satisfied_consent_page.flow",
    "flows/denied_no_code",
    "flows/token_valid_at_rs/violated.flow",
];

/// How long the server may take to print its URL, and the replay to finish.
const START_TIMEOUT: Duration = Duration::from_secs(30);
const REPLAY_TIMEOUT: Duration = Duration::from_secs(180);

/// The Node server, stopped by PID when the test ends, however it ends.
struct Server {
    child: Child,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn fidelity_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fidelity"))
}

/// Starts the server (with `args` after the port), or says why it cannot be started here.
fn start(args: &[&str]) -> Result<(Server, String), String> {
    let dir = fidelity_dir();
    if !dir.join("node_modules/oidc-provider").is_dir() {
        return Err("no tests/fidelity/node_modules: run `npm ci` in tests/fidelity".into());
    }
    let child = Command::new("node")
        .arg("server.mjs")
        .arg("0")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot run `node`: {error}"))?;
    let mut server = Server { child };
    let stdout = server.child.stdout.take().expect("stdout is piped");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = send.send(line);
    });
    let url = receive
        .recv_timeout(START_TIMEOUT)
        .map_err(|_| "the server printed no URL in time".to_string())?;
    let url = url.trim().to_string();
    if !url.starts_with("http://127.0.0.1:") {
        return Err(format!("the server printed `{url}` instead of its URL"));
    }
    Ok((server, url))
}

/// The started server, or `None` after saying why the test skips; under
/// `AUTHFLOW_REQUIRE_FIDELITY=1` a server that cannot start fails the test instead.
fn started(args: &[&str]) -> Option<(Server, String)> {
    match start(args) {
        Ok(started) => Some(started),
        Err(why) if std::env::var_os("AUTHFLOW_REQUIRE_FIDELITY").is_none_or(|v| v != "1") => {
            eprintln!("skipping the oidc-provider fidelity test: {why}");
            None
        }
        Err(why) => panic!("AUTHFLOW_REQUIRE_FIDELITY=1 but {why}"),
    }
}

#[test]
fn oidc_provider_departs_only_where_known() {
    let Some((_server, url)) = started(&[]) else {
        return;
    };
    let dump = common::scratch("fidelity", "oidc_provider").join("replay.http");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let output = common::authflow_in(root)
        .arg("replay")
        .args(FLOWS)
        .args(["--against", &url])
        .args(["--config", "tests/fidelity/oidc-provider.toml"])
        .arg("--dump")
        .arg("http")
        .arg(&dump)
        .timeout(REPLAY_TIMEOUT)
        .output()
        .expect("authflow runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "a departure not listed in oidc-provider.toml, or a failure:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    insta::with_settings!({ snapshot_path => "fidelity", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("oidc-provider", report);
    });
    // The dump has every exchange, and no secret of the world in clear.
    let dumped = std::fs::read_to_string(&dump).expect("the dump was written");
    assert!(dumped.contains("POST http://127.0.0.1:"), "{dumped}");
    for secret in [
        "secret-1",
        "alice-password",
        "mallory-password",
        "verifier-1-x",
    ] {
        assert!(!dumped.contains(secret), "`{secret}` in the dump");
    }
    eprintln!(
        "replayed {} flow paths in {:?}",
        FLOWS.len(),
        started.elapsed()
    );
}

/// The form driver needs no server-specific help: oidc-provider's own development login
/// and consent pages are driven as well as server.mjs's.
#[test]
fn oidc_provider_dev_interactions_are_driven_too() {
    let Some((_server, url)) = started(&["dev-interactions"]) else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = common::authflow_in(root)
        .args(["replay", "flows/authorization_code.flow", "--against", &url])
        .timeout(REPLAY_TIMEOUT)
        .output()
        .expect("authflow runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{report}");
    let answers: Vec<Vec<&str>> = report
        .lines()
        .skip(2)
        .take(3)
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        answers[1][..3],
        ["7", "auth_server_be -> fe", "code"],
        "{report}"
    );
    assert_eq!(answers[2][3], "tokens + refresh", "{report}");
}
