//! `authflow replay` on bad input: every problem is a clear `error:` line and exit 2,
//! before any flow is replayed; no server is needed.

mod common;

use common::{authflow, scratch};
use predicates::prelude::*;
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

/// `flows/fragments/violated_retry_honoured.flow` replayed with `extra` arguments against
/// endpoints on the loopback's discard port, named in a config so no discovery is needed.
fn fragments_replay(test: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    let config = scratch("replay_cli", test).join("server.toml");
    std::fs::write(
        &config,
        "[endpoints]\nauthorization = \"http://127.0.0.1:9/authorize\"\ntoken = \"http://127.0.0.1:9/token\"\n",
    )
    .unwrap();
    authflow()
        .args([
            "replay",
            "flows/fragments/violated_retry_honoured.flow",
            "--config",
        ])
        .arg(&config)
        .args(extra)
        .assert()
}

#[test]
fn a_flow_with_fragments_needs_a_path_before_any_request() {
    fragments_replay("fragments_no_path", &[])
        .code(2)
        .stderr(contains("cannot be replayed against a server"))
        .stderr(contains("violated_retry_honoured.flow:20:1"))
        .stderr(contains("`authflow replay --path N` replays one of them"))
        .stderr(contains("GET").not());
}

#[test]
fn a_path_past_the_last_is_an_input_error() {
    fragments_replay("fragments_path_9", &["--path", "9"])
        .code(2)
        .stderr(contains(
            "there is no path 9: the flow's fragments give 2 path(s)",
        ))
        .stderr(contains("GET").not());
}

#[test]
fn the_chosen_path_is_named_and_replayed() {
    // The replay starts on path 2 (the `else` branch) and stops at the first request,
    // since nothing listens on the discard port.
    fragments_replay("fragments_path_2", &["--path", "2"])
        .code(2)
        .stderr(contains(
            "replaying path 2 of 2 through the flow's fragments: else \"the response was lost\"",
        ))
        .stderr(contains("GET http://127.0.0.1:9"));
}
