//! Levels (`-A`, `-W`, `-D`, `-D warnings`) and `authflow.toml`, end to end, with the
//! precedence the README documents: command line > nearest config > defaults; a flow's
//! front matter > the config's `[world]` > the built-in world.

mod common;

use std::path::Path;

use common::{authflow, scratch};

const SEED: &str = "flows/authorization_code.flow";

/// The seed (no `expect:`; two warnings: `pkce_required`, `token_response_to_requester`)
/// copied to `dir/sub/seed.flow`, with `root` as `dir/authflow.toml` and `nearer`, if
/// any, as `dir/sub/authflow.toml`.
fn project(test: &str, root: &str, nearer: Option<&str>) -> std::path::PathBuf {
    let dir = scratch("levels", test);
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::copy(SEED, dir.join("sub/seed.flow")).unwrap();
    std::fs::write(dir.join("authflow.toml"), root).unwrap();
    if let Some(nearer) = nearer {
        std::fs::write(dir.join("sub/authflow.toml"), nearer).unwrap();
    }
    dir
}

/// `check --format json` on `path`: exit code and each finding as `id:severity`.
fn findings(path: &Path, args: &[&str]) -> (i32, Vec<String>) {
    let output = authflow()
        .args(["check", "--format", "json"])
        .args(args)
        .arg(path)
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&output.stderr)));
    let found = value["files"][0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{}:{}",
                v["id"].as_str().unwrap(),
                v["severity"].as_str().unwrap()
            )
        })
        .collect();
    (output.status.code().unwrap(), found)
}

#[test]
fn command_line_levels() {
    let seed = Path::new(SEED);
    assert_eq!(
        findings(seed, &[]),
        (
            0,
            vec![
                "pkce_required:warning".to_string(),
                "token_response_to_requester:warning".to_string()
            ]
        )
    );
    assert_eq!(
        findings(seed, &["-D", "pkce_required"]),
        (
            1,
            vec![
                "pkce_required:error".to_string(),
                "token_response_to_requester:warning".to_string()
            ]
        )
    );
    assert_eq!(
        findings(
            seed,
            &[
                "-A",
                "pkce_required",
                "--allow",
                "token_response_to_requester"
            ]
        ),
        (0, vec![])
    );
    // -D warnings raises what is left; an allowed id stays allowed.
    assert_eq!(
        findings(seed, &["-D", "warnings", "-A", "pkce_required"]),
        (1, vec!["token_response_to_requester:error".to_string()])
    );
    // As on rustc's command line, the later flag for the same id wins.
    assert_eq!(
        findings(seed, &["-D", "pkce_required", "-W", "pkce_required"]).0,
        0
    );
    assert_eq!(
        findings(seed, &["-W", "pkce_required", "-D", "pkce_required"]).0,
        1
    );
}

#[test]
fn a_state_match_error_can_be_lowered_to_a_warning() {
    let dir = scratch("levels", "lowered");
    let flow = std::fs::read_to_string("flows/state_match/violated.flow")
        .unwrap()
        .replace("expect: [state_match]\n", "");
    std::fs::write(dir.join("a.flow"), flow).unwrap();
    let path = dir.join("a.flow");
    assert_eq!(
        findings(&path, &[]),
        (1, vec!["state_match:error".to_string()])
    );
    assert_eq!(
        findings(&path, &["-W", "state_match"]),
        (0, vec!["state_match:warning".to_string()])
    );
}

#[test]
fn levels_do_not_touch_what_a_file_expects() {
    let path = Path::new("flows/state_match/violated.flow");
    // Allowing or lowering the expected id must not make the file miss its finding.
    assert_eq!(
        findings(path, &["-A", "state_match"]),
        (0, vec!["state_match:error".to_string()])
    );
}

#[test]
fn unknown_ids_are_usage_errors_with_a_suggestion() {
    authflow()
        .args(["check", "-D", "pkce_requried", SEED])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `pkce_required`?"));
    authflow()
        .args(["check", "--deny", "errors", SEED])
        .assert()
        .code(2);
}

#[test]
fn the_nearest_config_applies_and_the_command_line_beats_it() {
    let dir = project(
        "precedence",
        "[check]\ndeny = [\"token_response_to_requester\"]\n",
        Some("[check]\ndeny = [\"pkce_required\"]\n"),
    );
    let seed = dir.join("sub/seed.flow");
    // The nearest config (sub/) decides, not the one above it.
    assert_eq!(
        findings(&seed, &[]),
        (
            1,
            vec![
                "pkce_required:error".to_string(),
                "token_response_to_requester:warning".to_string()
            ]
        )
    );
    // The command line beats the config.
    assert_eq!(findings(&seed, &["-W", "pkce_required"]).0, 0);
    assert_eq!(
        findings(&seed, &["-A", "pkce_required"]),
        (0, vec!["token_response_to_requester:warning".to_string()])
    );
    // Without the nearer config, the root one governs.
    std::fs::remove_file(dir.join("sub/authflow.toml")).unwrap();
    assert_eq!(
        findings(&seed, &[]),
        (
            1,
            vec![
                "pkce_required:warning".to_string(),
                "token_response_to_requester:error".to_string()
            ]
        )
    );
}

#[test]
fn config_world_defaults_yield_to_front_matter() {
    let dir = project("world", "[world]\npkce = \"required\"\n", None);
    let seed = dir.join("sub/seed.flow");
    // The AS now demands PKCE, so the seed's missing challenge is an error.
    let (code, found) = findings(&seed, &[]);
    assert_eq!(code, 1);
    assert!(
        found.contains(&"pkce_required:error".to_string()),
        "{found:?}"
    );
    // A front matter that says otherwise wins over the config's default.
    let text = std::fs::read_to_string(SEED).unwrap();
    std::fs::write(&seed, format!("---\npkce: optional\n---\n{text}")).unwrap();
    assert_eq!(findings(&seed, &[]).0, 0);
}

#[test]
fn config_preview_runs_the_preview_invariants() {
    let dir = scratch("levels", "preview");
    std::fs::copy("flows/iss_match/violated.flow", dir.join("a.flow")).unwrap();
    let text = std::fs::read_to_string(dir.join("a.flow")).unwrap();
    std::fs::write(dir.join("a.flow"), text.replace("preview: true\n", "")).unwrap();
    // Without preview the file's `expect: [iss_match]` names a rule that does not run.
    authflow()
        .arg("check")
        .arg(dir.join("a.flow"))
        .assert()
        .code(2);
    std::fs::write(dir.join("authflow.toml"), "[check]\npreview = true\n").unwrap();
    authflow()
        .arg("check")
        .arg(dir.join("a.flow"))
        .assert()
        .code(0);
}

#[test]
fn a_broken_config_is_an_input_error_with_a_suggestion_reported_once() {
    let dir = project("broken", "[check]\ndenny = [\"state_match\"]\n", None);
    std::fs::copy(SEED, dir.join("sub/other.flow")).unwrap();
    let output = authflow()
        .arg("check")
        .arg(dir.join("sub"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.matches("unknown field `denny`").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `deny`?"), "{stderr}");
    assert!(stderr.contains("authflow.toml:2:1"), "{stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("checked 2 flows: 0 passed, 0 failed, 2 not checked"),
        "{stdout}"
    );
}

#[test]
fn unknown_ids_in_a_config_point_at_the_id() {
    let dir = project("unknown_id", "[check]\nallow = [\"state_mach\"]\n", None);
    authflow()
        .arg("check")
        .arg(dir.join("sub/seed.flow"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("did you mean `state_match`?"))
        .stderr(predicates::str::contains("authflow.toml:2:10"));
}
