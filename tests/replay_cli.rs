//! `authflow replay` on bad input: every problem is a clear `error:` line and exit 2,
//! before any flow is replayed; no server is needed.

mod common;

use common::{authflow, scratch};
use predicates::str::contains;

#[test]
fn a_server_is_required() {
    authflow()
        .args(["replay", "flows/authorization_code.flow"])
        .assert()
        .code(2)
        .stderr(contains("--against"));
}

/// The seed replayed with a config file holding `toml`, written for test `test`.
fn with_config(test: &str, toml: &str) -> assert_cmd::assert::Assert {
    let config = scratch("replay_cli", test).join("server.toml");
    std::fs::write(&config, toml).unwrap();
    authflow()
        .args(["replay", "flows/authorization_code.flow", "--config"])
        .arg(&config)
        .assert()
}

#[test]
fn a_config_with_an_unknown_key_names_it_and_its_file() {
    with_config(
        "unknown_key",
        "[endpoints]\ntokn = \"http://127.0.0.1:9/token\"\n",
    )
    .code(2)
    .stderr(contains("server.toml"))
    .stderr(contains("tokn"))
    .stderr(contains("line 2"));
}

#[test]
fn endpoints_must_be_http_urls() {
    let toml =
        "[endpoints]\nauthorization = \"file:///etc/passwd\"\ntoken = \"http://127.0.0.1:9/t\"\n";
    with_config("file_url", toml).code(2).stderr(contains(
        "`endpoints.authorization`: `file:///etc/passwd` is not an http(s) URL",
    ));
}

#[test]
fn an_unreachable_server_is_an_error_not_a_verdict() {
    // Port 9 (discard) on the loopback: nothing listens there in a test environment.
    authflow()
        .args([
            "replay",
            "flows/authorization_code.flow",
            "--against",
            "http://127.0.0.1:9",
        ])
        .assert()
        .code(2)
        .stderr(contains("error: GET http://127.0.0.1:9"));
}

#[test]
fn only_http_dumps_exist() {
    authflow()
        .args([
            "replay",
            "flows/authorization_code.flow",
            "--against",
            "http://127.0.0.1:9",
        ])
        .args(["--dump", "json", "out.json"])
        .assert()
        .code(2)
        .stderr(contains("the only dump format is `http`"));
}
