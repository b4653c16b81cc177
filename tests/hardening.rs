//! Hostile conditions around the input rather than in it: a rewrite that cannot finish,
//! a closed or full standard output, unreadable paths in a directory walk, and file names
//! and front-matter strings that try to drive the terminal or break a report. Each test is
//! the reproducer of a defect of issue 9.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{authflow, authflow_in, scratch};

const MESSY: &str = "fe->be :\"x\"\n";
const CANONICAL: &str = "fe -> be: \"x\"\n";
const MARKDOWN: &str = "# Doc\n\n```authflow\nfe -> be: \"x\"\n```\n";

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_authflow")
}

/// Runs `authflow ARGS` in `dir` under `sh` with a file-size limit of zero bytes: the
/// first byte written to any file fails, as on a full disk. With `ignore_signal` the
/// write returns EFBIG; without it the kernel kills the process mid-write (SIGXFSZ), as
/// `kill -9` would.
fn with_no_room(dir: &Path, ignore_signal: bool, args: &str) -> std::process::Output {
    let trap = if ignore_signal { "trap '' XFSZ; " } else { "" };
    Command::new("sh")
        .arg("-c")
        .arg(format!("{trap}ulimit -f 0; exec \"{}\" {args}", binary()))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn rewrites_never_leave_a_truncated_file() {
    let dir = scratch("hardening", "no_room");
    std::fs::write(dir.join("a.flow"), MESSY).unwrap();
    std::fs::write(dir.join("a.md"), MARKDOWN).unwrap();
    for (args, file, original) in [
        ("fmt a.flow", "a.flow", MESSY),
        ("docs a.md", "a.md", MARKDOWN),
    ] {
        // The write fails: reported, exit 2, the original untouched.
        let output = with_no_room(&dir, true, args);
        assert_eq!(output.status.code(), Some(2), "{args}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&format!("cannot write `{file}`")),
            "{stderr}"
        );
        assert!(stderr.contains("left as it was"), "{stderr}");
        assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), original);
        // Killed mid-write: the original is still whole.
        let output = with_no_room(&dir, false, args);
        assert_eq!(output.status.code(), None, "{args}: killed by SIGXFSZ");
        assert_eq!(std::fs::read_to_string(dir.join(file)).unwrap(), original);
    }
    // `render -o` over an existing file, likewise.
    std::fs::write(dir.join("out.txt"), "previous drawing\n").unwrap();
    for ignore_signal in [true, false] {
        let output = with_no_room(&dir, ignore_signal, "render a.flow -o out.txt");
        assert_ne!(output.status.code(), Some(0), "{output:?}");
        assert_eq!(
            std::fs::read_to_string(dir.join("out.txt")).unwrap(),
            "previous drawing\n"
        );
    }
    // The failed attempts cleaned up after themselves where they could run on.
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".authflow-"))
        .collect();
    assert!(leftovers.len() <= 3, "{leftovers:?}");
}

#[test]
fn rewrites_keep_permissions_and_follow_symlinks() {
    let dir = scratch("hardening", "permissions");
    std::fs::write(dir.join("a.flow"), MESSY).unwrap();
    std::fs::set_permissions(dir.join("a.flow"), std::fs::Permissions::from_mode(0o640)).unwrap();
    std::fs::write(dir.join("a.md"), MARKDOWN).unwrap();
    std::fs::set_permissions(dir.join("a.md"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("a.flow", dir.join("link.flow")).unwrap();
    authflow_in(&dir)
        .args(["fmt", "link.flow"])
        .assert()
        .code(0);
    authflow_in(&dir).args(["docs", "a.md"]).assert().code(0);
    assert_eq!(
        std::fs::read_to_string(dir.join("a.flow")).unwrap(),
        CANONICAL
    );
    assert!(
        std::fs::symlink_metadata(dir.join("link.flow"))
            .unwrap()
            .is_symlink()
    );
    let mode = |name: &str| {
        std::fs::metadata(dir.join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("a.flow"), 0o640);
    assert_eq!(mode("a.md"), 0o600);
    assert!(
        std::fs::read_to_string(dir.join("a.md"))
            .unwrap()
            .contains("```txt")
    );
}

/// Runs `authflow ARGS` in `dir` with `stdin` as input and standard output already
/// closed by its reader, as `authflow ... | head -0` does.
fn with_closed_stdout(dir: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// `fmt | head -1` panicked (exit 101) on the closed pipe; every command now stops
/// quietly, with the exit code its work deserves.
#[test]
fn a_closed_pipe_is_a_quiet_stop() {
    let dir = scratch("hardening", "pipe");
    for i in 0..50 {
        std::fs::write(dir.join(format!("f{i:03}.flow")), MESSY).unwrap();
    }
    std::fs::write(dir.join("a.md"), MARKDOWN.repeat(50)).unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("flows/authorization_code.flow");
    let seed = seed.to_str().unwrap();
    for (args, code) in [
        (vec!["fmt", "--check", "."], 1),
        (vec!["fmt", "-"], 0),
        (vec!["docs", "--check", "a.md"], 1),
        (vec!["docs", "-"], 0),
        (vec!["check", seed, seed, seed], 0),
        (vec!["trace", seed], 0),
        (vec!["render", seed], 0),
        (vec!["invariants"], 0),
    ] {
        let stdin = if args.contains(&"fmt") {
            MESSY
        } else {
            MARKDOWN
        };
        let output = with_closed_stdout(&dir, &args, stdin);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
    }
}

/// `> /dev/full`: the write error is reported and the exit code says so.
#[test]
fn a_full_stdout_is_reported() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let dir = scratch("hardening", "full");
    std::fs::write(dir.join("a.flow"), MESSY).unwrap();
    std::fs::write(dir.join("a.md"), MARKDOWN).unwrap();
    for args in [
        vec!["fmt", "--check", "a.flow"],
        vec!["fmt", "-"],
        vec!["docs", "--check", "a.md"],
        vec!["docs", "-"],
        vec!["invariants"],
    ] {
        let stdin = if args.contains(&"fmt") {
            MESSY
        } else {
            MARKDOWN
        };
        let output = {
            use std::io::Write;
            let mut child = Command::new(binary())
                .args(&args)
                .current_dir(&dir)
                .stdin(Stdio::piped())
                .stdout(std::fs::File::create("/dev/full").unwrap())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
            child.wait_with_output().unwrap()
        };
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cannot write to standard output"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn unreadable_paths_in_a_walk_are_reported_and_the_walk_goes_on() {
    let dir = scratch("hardening", "walk");
    std::fs::create_dir_all(dir.join("flows/locked")).unwrap();
    std::fs::write(dir.join("flows/good.flow"), CANONICAL).unwrap();
    std::fs::write(dir.join("flows/locked/hidden.flow"), CANONICAL).unwrap();
    std::os::unix::fs::symlink("nowhere.flow", dir.join("flows/dangling.flow")).unwrap();
    std::os::unix::fs::symlink("loop.flow", dir.join("flows/loop.flow")).unwrap();
    let locked = dir.join("flows/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads a locked directory anyway: then authflow runs as `nobody` when setpriv
    // can arrange it, and only without it are the links the only unreadable paths.
    let privileged = std::fs::read_dir(&locked).is_ok();
    let setpriv = Path::new("/usr/bin/setpriv").exists();
    let run = |args: &[&str]| {
        let mut command = if privileged && setpriv {
            let mut command = Command::new("/usr/bin/setpriv");
            command.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary()]);
            command
        } else {
            Command::new(binary())
        };
        command.args(args).current_dir(&dir).output().unwrap()
    };
    let locked_out = !privileged || setpriv;

    let output = run(&["fmt", "--check", "flows"]);
    let check = run(&["check", "flows"]);
    let json = run(&["check", "--format", "json", "flows"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();

    for output in [&output, &check] {
        assert_eq!(output.status.code(), Some(2), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("cannot read `flows/dangling.flow`"),
            "{stderr}"
        );
        assert!(stderr.contains("cannot read `flows/loop.flow`"), "{stderr}");
        // Named as itself, not as the directory the walk started from.
        assert_eq!(
            stderr.contains("cannot read `flows/locked`"),
            locked_out,
            "{stderr}"
        );
    }
    // The readable file was still checked, and the broken links are in the report.
    let stdout = String::from_utf8_lossy(&check.stdout);
    // A passing file is counted in the summary line, not listed.
    assert!(stdout.contains("checked 4 flows: 1 passed"), "{stdout}");
    assert!(
        stdout.contains("flows/dangling.flow: NOT CHECKED"),
        "{stdout}"
    );
    // The machine-readable report lists every path that was not checked.
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let listed: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|file| file["file"].as_str().unwrap())
        .collect();
    for name in ["flows/good.flow", "flows/dangling.flow", "flows/loop.flow"] {
        assert!(listed.contains(&name), "{listed:?}");
    }
    assert_eq!(listed.contains(&"flows/locked"), locked_out, "{listed:?}");
}

#[test]
fn docs_takes_directories() {
    let dir = scratch("hardening", "docs_dir");
    std::fs::create_dir_all(dir.join("docs/deep")).unwrap();
    std::fs::write(dir.join("docs/a.md"), MARKDOWN).unwrap();
    std::fs::write(dir.join("docs/deep/b.md"), MARKDOWN).unwrap();
    std::fs::write(dir.join("docs/notes.txt"), "```authflow\nbroken\n```\n").unwrap();
    authflow_in(&dir)
        .args(["docs", "--check", "docs"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("docs/a.md:3: diagram is missing"))
        .stdout(predicates::str::contains(
            "docs/deep/b.md:3: diagram is missing",
        ));
    authflow_in(&dir)
        .args(["docs", "docs"])
        .assert()
        .code(0)
        .stdout("docs/a.md:3: diagram inserted\ndocs/deep/b.md:3: diagram inserted\n");
    authflow_in(&dir)
        .args(["docs", "--check", "docs"])
        .assert()
        .code(0)
        .stdout("");
}

/// A file name and front-matter strings with escapes, C1 controls and U+202E reach no
/// output as themselves; the JUnit report stays well-formed and the JSON report means the
/// same.
#[test]
fn input_strings_are_escaped_in_every_report() {
    let dir = scratch("hardening", "escapes");
    let name = "evil\u{1b}[2J\u{202E}.flow";
    // YAML's own escapes put the controls into the strings.
    let flow = r#"---
client: { id: "c\x9b31m\u202E" }
expect: [state_match, "x\e]0;pwned\a"]
---
fe -> be: "x"
"#;
    std::fs::write(dir.join(name), flow).unwrap();
    let hostile = |text: &str| {
        text.chars()
            .any(|c| matches!(c, '\u{1b}' | '\u{9b}' | '\u{202E}' | '\u{7}'))
    };
    for format in ["human", "json", "junit", "sarif", "github"] {
        let output = authflow_in(&dir)
            .args(["check", "--format", format, name])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{format}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!hostile(&stdout), "{format}: {stdout:?}");
        assert!(!hostile(&stderr), "{format}: {stderr:?}");
        assert!(stderr.contains("evil\\u{1b}[2J\\u{202e}.flow"), "{stderr}");
        match format {
            "json" => {
                let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let file = report["files"][0]["file"].as_str().unwrap();
                assert!(file.starts_with("evil"), "{file}");
            }
            "sarif" => {
                serde_json::from_str::<serde_json::Value>(&stdout).expect("valid JSON");
            }
            "junit" => {
                roxmltree::Document::parse(&stdout).expect("well-formed XML");
            }
            _ => {}
        }
    }
    // trace shows the client id the front matter gave, escaped.
    let clean =
        "---\nclient: { id: \"c\\x9b31m\\u202E\" }\n---\nfe -> auth_server_be: \"redirect\"\n";
    let output = authflow()
        .args(["trace", "-"])
        .write_stdin(clean)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("client_id = c\\u{9b}31m\\u{202e}"),
        "{stdout}"
    );
    assert!(!hostile(&stdout), "{stdout:?}");
    // fmt and docs name the file escaped.
    let output = authflow_in(&dir)
        .args(["fmt", "--check", name])
        .output()
        .unwrap();
    assert!(!hostile(&String::from_utf8_lossy(&output.stderr)));
    let md = "evil\u{1b}[2J.md";
    std::fs::write(dir.join(md), MARKDOWN).unwrap();
    let output = authflow_in(&dir)
        .args(["docs", "--check", md])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("evil\\u{1b}[2J.md:3: diagram is missing"),
        "{stdout}"
    );
    assert!(!hostile(&stdout), "{stdout:?}");
}
