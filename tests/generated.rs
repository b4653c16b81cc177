//! Shell completions and man pages, generated from the clap definitions: checked by the
//! programs that read them (bash completes with the script; the roff carries every
//! command).

mod common;

use std::process::Command;

use common::{authflow, scratch};

const COMMANDS: [&str; 9] = [
    "render",
    "check",
    "trace",
    "invariants",
    "fmt",
    "docs",
    "completions",
    "man",
    "mdbook",
];

fn stdout(args: &[&str]) -> String {
    let output = authflow().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// What bash's completion offers after `words`, with the script loaded as a user would.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let line = words.join(" ");
    let program = format!(
        "{script}\nCOMP_WORDS=({line}); COMP_CWORD={}; COMP_LINE='{line}'; COMP_POINT=${{#COMP_LINE}}; _authflow authflow '{}' '{}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words.len() - 1,
        words.last().unwrap(),
        words[words.len() - 2],
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_and_flags() {
    let script = stdout(&["completions", "bash"]);
    let offered = bash_completes(&script, &["authflow", "ch"]);
    assert_eq!(offered, ["check"]);
    let offered = bash_completes(&script, &["authflow", "check", "--rep"]);
    assert_eq!(offered, ["--report"]);
    let offered = bash_completes(&script, &["authflow", "check", "--format", "s"]);
    assert_eq!(offered, ["sarif"]);
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&["completions", shell]);
        for command in COMMANDS {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    authflow().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn the_man_page_documents_every_command() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH authflow 1"), "{page}");
    for command in COMMANDS {
        assert!(
            page.contains(&format!("authflow\\-{command}(1)")),
            "{command}"
        );
    }
    let dir = scratch("generated", "man");
    authflow()
        .args(["man", "--dir"])
        .arg(&dir)
        .assert()
        .success();
    let check = std::fs::read_to_string(dir.join("authflow-check.1")).unwrap();
    assert!(check.contains(".TH authflow-check 1"), "{check}");
    assert!(
        check.contains("0.1.0"),
        "the version reaches the page: {check}"
    );
    assert!(check.contains("\\-\\-report"), "{check}");
}
