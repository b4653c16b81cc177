//! The terminal and files: `--color` for every command and both streams, `render -o` by
//! extension, and the inputs `check` must not call conformant or count twice.

mod common;

use assert_cmd::Command;
use common::scratch;

const SEED: &str = "flows/authorization_code.flow";
const ESC: &str = "\u{1b}[";

/// The binary with no colour settings from the environment the tests run in.
fn bare() -> Command {
    let mut command = Command::cargo_bin("authflow").unwrap();
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "GITHUB_ACTIONS"] {
        command.env_remove(var);
    }
    command
}

fn streams(command: &mut Command) -> (String, String) {
    let output = command.output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn color_always_colours_reports_and_diagnostics_even_into_a_pipe() {
    let (out, _) = streams(bare().args(["--color", "always", "check", SEED]));
    assert!(out.contains(ESC), "{out}");
    // The flag works after the subcommand too, and reaches standard error.
    let (_, err) = streams(
        bare()
            .args(["render", "-", "--color", "always"])
            .write_stdin("fe be\n"),
    );
    assert!(err.contains(ESC), "{err}");
    // `always` beats NO_COLOR: an explicit flag is the user's latest word.
    let (out, _) = streams(
        bare()
            .env("NO_COLOR", "1")
            .args(["check", "--color=always", SEED]),
    );
    assert!(out.contains(ESC), "{out}");
}

#[test]
fn color_auto_is_plain_into_a_pipe_and_honours_the_environment() {
    let (out, err) = streams(bare().args(["check", SEED, "-"]).write_stdin("fe be\n"));
    assert!(out.contains("warning[pkce_required]"), "{out}");
    assert!(!out.contains(ESC) && !err.contains(ESC), "{out}{err}");
    let (out, err) = streams(
        bare()
            .env("CLICOLOR_FORCE", "1")
            .args(["check", SEED, "-"])
            .write_stdin("fe be\n"),
    );
    assert!(out.contains(ESC) && err.contains(ESC), "{out}{err}");
    // NO_COLOR wins over CLICOLOR_FORCE, as both conventions agree.
    let (out, _) = streams(
        bare()
            .env("CLICOLOR_FORCE", "1")
            .env("NO_COLOR", "1")
            .args(["check", SEED]),
    );
    assert!(!out.contains(ESC), "{out}");
    let (out, err) = streams(
        bare()
            .env("CLICOLOR_FORCE", "1")
            .args(["--color", "never", "check", SEED, "-"])
            .write_stdin("fe be\n"),
    );
    assert!(!out.contains(ESC) && !err.contains(ESC), "{out}{err}");
}

/// Help and usage errors come from clap while it parses; `--color` governs them too.
#[test]
fn color_governs_help_and_usage_errors() {
    let (help, _) = streams(bare().args(["--color", "always", "--help"]));
    assert!(help.contains(ESC) && help.contains("Usage"), "{help}");
    let (help, _) = streams(bare().args(["check", "--help", "--color=never"]));
    assert!(!help.contains(ESC) && help.contains("Usage"), "{help}");
    let (_, error) = streams(bare().args(["check", "--color=always", "--no-such-flag"]));
    assert!(
        error.contains(ESC) && error.contains("--no-such-flag"),
        "{error}"
    );
    // The last one wins, as clap reads it; after `--` it is an operand.
    let (help, _) = streams(bare().args(["--color", "always", "--color", "never", "--help"]));
    assert!(!help.contains(ESC), "{help}");
    let (_, error) = streams(bare().args(["check", "--bad", "--", "--color=always"]));
    assert!(!error.contains(ESC) && error.contains("--bad"), "{error}");
}

#[test]
fn render_picks_the_format_from_the_output_extension() {
    let dir = scratch("terminal", "render_extension");
    for (name, starts) in [
        ("d.svg", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg"),
        ("d.SVG", "<?xml"),
        ("d.mmd", "sequenceDiagram\n"),
        ("d.mermaid", "sequenceDiagram\n"),
        ("d.txt", "┌────┐"),
        ("d.out", "┌────┐"),
    ] {
        let path = dir.join(name);
        bare()
            .args(["render", SEED, "-o"])
            .arg(&path)
            .assert()
            .success()
            .stdout("");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(starts), "{name}: {text}");
    }
    // An explicit --format beats the extension.
    let path = dir.join("forced.svg");
    bare()
        .args(["render", SEED, "--format", "mermaid", "-o"])
        .arg(&path)
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("sequenceDiagram")
    );
    // --ascii on an SVG by extension is the same conflict as with --format svg.
    bare()
        .args(["render", SEED, "--ascii", "-o"])
        .arg(dir.join("x.svg"))
        .assert()
        .code(2);
}

#[test]
fn render_dash_o_dash_is_standard_output() {
    let expected = bare().args(["render", SEED]).output().unwrap().stdout;
    let got = bare().args(["render", SEED, "-o", "-"]).output().unwrap();
    assert!(got.status.success());
    assert_eq!(got.stdout, expected);
    assert!(!std::path::Path::new("-").exists());
}

#[test]
fn an_empty_flow_is_an_input_error_not_conformant() {
    let dir = scratch("terminal", "empty");
    std::fs::write(dir.join("empty.flow"), "").unwrap();
    std::fs::write(
        dir.join("only_front_matter.flow"),
        "---\ntitle: nothing yet\n---\n# a comment\nparticipant fe\n",
    )
    .unwrap();
    for name in ["empty.flow", "only_front_matter.flow"] {
        let (out, err) = streams(bare().arg("check").arg(dir.join(name)));
        assert!(
            err.contains("error: the flow has no messages: there is nothing to check"),
            "{err}"
        );
        assert!(err.contains(&format!("{name}:1:1")), "{err}");
        assert!(out.contains("NOT CHECKED"), "{out}");
        bare().arg("check").arg(dir.join(name)).assert().code(2);
    }
}

#[test]
fn paths_given_twice_are_checked_once() {
    let (out, _) = streams(bare().args([
        "check",
        "flows/state_match",
        "flows/state_match/violated.flow",
        "./flows/state_match/violated.flow",
        "flows/state_match",
    ]));
    let count = std::fs::read_dir("flows/state_match")
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "flow")
        })
        .count();
    assert!(
        out.contains(&format!("checked {count} flows: {count} passed")),
        "{out}"
    );
}
