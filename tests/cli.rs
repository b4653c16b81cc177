//! The command line as users meet it: exit codes, streams, formats.

mod common;

use authflow::check::{INVARIANTS, Status};
use common::authflow;

use predicates::prelude::*;

const SEED: &str = "flows/authorization_code.flow";

fn seed_diagram() -> String {
    std::fs::read_to_string("tests/fixtures/seed_diagram.txt").unwrap()
}

#[test]
fn render_prints_the_seed_diagram_byte_for_byte() {
    authflow()
        .args(["render", SEED])
        .assert()
        .success()
        .stdout(seed_diagram());
}

#[test]
fn render_reads_standard_input() {
    let source = std::fs::read_to_string(SEED).unwrap();
    authflow()
        .args(["render", "-"])
        .write_stdin(source.clone())
        .assert()
        .success()
        .stdout(seed_diagram());
    authflow()
        .arg("render")
        .write_stdin(source)
        .assert()
        .success()
        .stdout(seed_diagram());
}

#[test]
fn render_writes_to_a_file() {
    let dir = std::env::temp_dir().join(format!("authflow-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("seed.txt");
    authflow()
        .args(["render", SEED, "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), seed_diagram());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn render_trim_and_ascii() {
    let output = authflow()
        .args(["render", "--ascii", "--trim", SEED])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.is_ascii());
    assert!(text.lines().all(|l| !l.ends_with(' ')));
    assert_eq!(text.lines().count(), seed_diagram().lines().count());
}

#[test]
fn malformed_input_exits_2_with_location_and_caret() {
    authflow()
        .arg("render")
        .write_stdin("fe -> be: \"ok\"\nfe -> be \"x\"\n")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("--> <stdin>:2:10").and(predicate::str::contains("^")));
}

#[test]
fn missing_file_exits_2() {
    authflow()
        .args(["check", "flows/no-such.flow"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read `flows/no-such.flow`"));
}

#[test]
fn usage_errors_exit_2() {
    authflow().arg("frobnicate").assert().code(2);
    authflow()
        .args(["check", SEED, "--format", "yaml"])
        .assert()
        .code(2);
    authflow()
        .args(["check", SEED, "--deny", "errors"])
        .assert()
        .code(2);
}

#[test]
fn help_and_version() {
    authflow()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    authflow()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn seed_is_conformant_with_two_warnings() {
    authflow()
        .args(["check", SEED])
        .assert()
        .success()
        .stdout(predicate::str::contains("warning[pkce_required]"))
        .stdout(predicate::str::contains(
            "warning[token_response_to_requester]",
        ))
        .stdout(predicate::str::contains(
            "conformant (0 error(s), 2 warning(s))",
        ));
}

#[test]
fn deny_warnings_fails_the_seed() {
    authflow()
        .args(["check", "--deny", "warnings", SEED])
        .assert()
        .code(1);
}

#[test]
fn violations_exit_1() {
    authflow()
        .arg("check")
        .arg("-")
        .write_stdin(
            std::fs::read_to_string(SEED)
                .unwrap()
                .replace("\"code\"", "\"code\" { state: \"forged\" }"),
        )
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[state_match]"))
        .stdout(predicate::str::contains("--> <stdin>:9:1"));
}

#[test]
fn json_output() {
    let output = authflow()
        .args(["check", "--format", "json", SEED])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["version"], 1);
    let file = &value["files"][0];
    assert_eq!(file["file"], SEED);
    assert_eq!(file["conformant"], true);
    let violations = file["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 2);
    assert_eq!(violations[0]["id"], "pkce_required");
    assert_eq!(violations[0]["severity"], "warning");
    assert_eq!(violations[0]["line"], 2);
    assert_eq!(violations[0]["column"], 1);
    assert_eq!(violations[0]["reference"], "RFC 9700 §2.1.1");
    assert_eq!(violations[0]["expected"], false);
    assert_eq!(violations[1]["id"], "token_response_to_requester");
    assert_eq!(violations[1]["line"], 10);
    assert_eq!(violations[1]["related"][0]["line"], 9);
    assert_eq!(violations[1]["related"][0]["message"], "token request here");
}

#[test]
fn junit_output_has_one_testcase_per_file() {
    let output = authflow()
        .args(["check", "--format", "junit", "--deny", "warnings", SEED])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    let xml = roxmltree::Document::parse(&text).unwrap();
    let cases: Vec<_> = xml
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert_eq!(
        failure.attribute("message"),
        Some("NOT conformant (2 error(s), 0 warning(s))")
    );
    assert!(
        failure
            .text()
            .unwrap()
            .contains("flows/authorization_code.flow:2:1: error[pkce_required]"),
        "{text}"
    );
}

#[test]
fn participants_without_a_role_are_input_errors() {
    authflow()
        .arg("check")
        .arg("-")
        .write_stdin("fe -> mystery: \"hello\"\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "participant `mystery` has no role",
        ))
        .stderr(predicate::str::contains("<stdin>:1:7"));
}

#[test]
fn malicious_takes_true_or_false_and_attackers_are_malicious_already() {
    for (declaration, label) in [
        (
            "participant evil as authorization_server { malicious: yes }",
            "not `true` or `false`",
        ),
        (
            "participant attacker { malicious: false }",
            "an attacker is malicious by definition",
        ),
    ] {
        authflow()
            .arg("check")
            .arg("-")
            .write_stdin(format!("{declaration}\nfe -> evil: \"hello\"\n"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "`malicious` takes `true` or `false`",
            ))
            .stderr(predicate::str::contains(label))
            .stderr(predicate::str::contains("<stdin>:1:"));
    }
}

#[test]
fn participants_named_after_roles_bind_in_any_spelling() {
    // The RFC's roles as an outside author writes them: capitalised, run together,
    // with separators. Each binds to its role, so the honest flow is conformant and
    // the trace names the roles.
    let flow = "---\nclient: { pkce: true }\nexpect: []\n---\n\
        Browser -> Client: \"sign in\"\n\
        Client -> Browser: \"302 to /authorize\"\n\
        Browser -> AuthorizationServer: \"GET /authorize\"\n\
        AuthorizationServer -> Browser: \"login form\"\n\
        Browser -> AuthorizationServer: \"credentials and consent\"\n\
        AuthorizationServer -> Browser: \"302 back with code\"\n\
        Browser -> Client: \"callback with code\"\n\
        Client -> AuthorizationServer: \"POST /token\"\n\
        AuthorizationServer -> Client: \"access token\"\n\
        Client -> Resource_Server: \"GET /profile\"\n\
        Resource_Server -> Client: \"profile\"\n";
    authflow()
        .args(["check", "-"])
        .write_stdin(flow)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("nothing fired, as expected"));
    authflow()
        .args(["trace", "-"])
        .write_stdin(flow)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("token_request"))
        .stdout(predicate::str::contains("api_response"));
}

#[test]
fn unknown_expectation_ids_are_input_errors() {
    authflow()
        .arg("check")
        .arg("-")
        .write_stdin("---\nexpect: [state_mtach]\n---\nfe -> be: \"x\"\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`state_mtach` is not an invariant id; did you mean `state_match`?",
        ))
        .stderr(predicate::str::contains("<stdin>:2:10"));
}

#[test]
fn did_you_mean_in_expect_and_front_matter() {
    let mut report = String::new();
    for input in [
        "---\ntitle: a typo\nexpect: [pkce_requried, code_singel_use]\n---\nfe -> be: \"x\"\n",
        "---\nclent: { pkce: true }\n---\nfe -> be: \"x\"\n",
        "---\nclient.typ: public\n---\nfe -> be: \"x\"\n",
        "---\nclient: { type: publik }\n---\nfe -> be: \"x\"\n",
    ] {
        let output = authflow()
            .args(["check", "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{input}");
        report.push_str(&String::from_utf8(output.stderr).unwrap());
        report.push('\n');
    }
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("cli__did_you_mean", report);
    });
}

#[test]
fn preview_is_accepted_on_the_command_line_and_in_front_matter() {
    // No invariant is in preview yet: enabling preview changes nothing on the seed.
    let plain = authflow().args(["check", SEED]).output().unwrap();
    let flag = authflow()
        .args(["check", "--preview", SEED])
        .output()
        .unwrap();
    assert_eq!(flag.status.code(), plain.status.code());
    assert_eq!(flag.stdout, plain.stdout);
    let source = std::fs::read_to_string(SEED).unwrap();
    assert!(
        !source.starts_with("---"),
        "the seed has no front matter to extend"
    );
    let opted_in = format!("---\npreview: true\n---\n{source}");
    authflow()
        .args(["check", "-"])
        .write_stdin(opted_in)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "conformant (0 error(s), 2 warning(s))",
        ));
    authflow()
        .args(["check", "-"])
        .write_stdin("---\npreview: yes please\n---\nfe -> be: \"x\"\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid front matter"));
}

/// Preview invariants (none is yet; this covers them once one is) need preview before
/// `expect:` may name them.
#[test]
fn expecting_a_preview_invariant_needs_preview() {
    for invariant in INVARIANTS.iter().filter(|i| i.status == Status::Preview) {
        let id = invariant.id;
        let flow = format!("---\nexpect: [{id}]\n---\nfe -> be: \"x\"\n");
        authflow()
            .args(["check", "-"])
            .write_stdin(flow.clone())
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "`{id}` is a preview invariant; enable it with `preview: true` or `--preview`"
            )));
        let output = authflow()
            .args(["check", "--preview", "-"])
            .write_stdin(flow)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(!stderr.contains("preview invariant"), "{stderr}");
    }
}

#[test]
fn unknown_parameters_are_input_errors() {
    authflow()
        .arg("check")
        .arg("-")
        .write_stdin("fe -> auth_server_be: \"redirect\" { stat: x }\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown parameter `stat`"));
}

#[test]
fn output_is_deterministic() {
    let first = authflow()
        .args(["check", "--format", "json", "flows"])
        .output()
        .unwrap();
    let second = authflow()
        .args(["check", "--format", "json", "flows"])
        .output()
        .unwrap();
    assert_eq!(first.stdout, second.stdout);
    assert!(!first.stdout.is_empty());
}

#[test]
fn trace_shows_the_seed_classified_as_the_spec_table() {
    let output = authflow().args(["trace", SEED]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let steps: Vec<&str> = text
        .lines()
        .skip(1)
        .filter(|l| {
            !l.starts_with(' ')
                || l.trim_start()
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_digit())
        })
        .map(|l| l.split_whitespace().nth(2).unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "user_action",
            "authorization_request",
            "login_page",
            "enter_credentials",
            "login",
            "verify",
            "authorization_response",
            "callback",
            "token_request",
            "token_response",
            "api_request",
            "api_response"
        ]
    );
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("trace__authorization_code", text);
    });
}

#[test]
fn invariants_lists_all_twenty_with_references() {
    let output = authflow().arg("invariants").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text.matches(" (error, ").count() + text.matches(" (warning, ").count(),
        INVARIANTS.len()
    );
    assert!(INVARIANTS.len() >= 20);
    assert!(
        text.contains("pkce_verifier_match (error, stable)\n    when a code_challenge was sent")
    );
    assert!(text.contains("RFC 7636 §4.6"));
    for invariant in INVARIANTS {
        let status = invariant.status.as_str();
        assert!(
            text.contains(&format!("{} (", invariant.id)),
            "{}",
            invariant.id
        );
        assert!(text.contains(&format!(", {status})\n")), "{}", invariant.id);
    }
}

#[test]
fn invariants_explain_prints_one_invariant_in_full() {
    let output = authflow()
        .args(["invariants", "--explain", "code_single_use"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("cli__invariants_explain", text);
    });
    // Every invariant explains itself with each of its parts.
    for invariant in INVARIANTS {
        let output = authflow()
            .args(["invariants", "--explain", invariant.id])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", invariant.id);
        let text = String::from_utf8(output.stdout).unwrap();
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        for part in [
            invariant.id,
            invariant.status.as_str(),
            invariant.severity.as_str(),
            invariant.reference,
        ] {
            assert!(
                text.contains(part),
                "{}: no `{part}` in\n{text}",
                invariant.id
            );
        }
        // Prose is wrapped; the example is printed line for line.
        for prose in [invariant.statement, invariant.rationale] {
            assert!(
                words(&text).contains(&words(prose)),
                "{}\n{text}",
                invariant.id
            );
        }
        for line in invariant.example.trim_matches('\n').lines() {
            assert!(
                text.contains(&format!("    {line}\n")),
                "{}: {line}",
                invariant.id
            );
        }
        assert!(text.lines().all(|l| !l.ends_with(' ')), "{}", invariant.id);
    }
}

#[test]
fn invariants_explain_unknown_id_is_an_input_error_with_a_suggestion() {
    authflow()
        .args(["invariants", "--explain", "state_mtach"])
        .assert()
        .code(2)
        .stdout("")
        .stderr("error: `state_mtach` is not an invariant id; did you mean `state_match`?\n");
    authflow()
        .args(["invariants", "--explain", "zzz"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`zzz` is not an invariant id; `authflow invariants` lists them",
        ));
}

#[test]
fn quiet_check_prints_only_failures_and_the_summary() {
    let output = authflow()
        .args(["check", "--quiet", "flows"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains("error["), "{text}");
    assert!(text.trim_start().starts_with("checked "), "{text}");
    assert!(text.contains("0 failed"), "{text}");
}

#[test]
fn a_directory_without_flows_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("authflow-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    authflow()
        .arg("check")
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no `*.flow` files under"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn directory_symlink_cycles_are_not_followed() {
    let dir = common::scratch("cli", "symlink-cycle");
    std::fs::copy(SEED, dir.join("seed.flow")).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    authflow()
        .arg("check")
        .arg(&dir)
        .assert()
        .success()
        .stdout(predicate::str::contains("seed.flow: conformant"));
}

#[test]
fn reports_list_files_that_could_not_be_checked() {
    let dir = common::scratch("cli", "unchecked");
    std::fs::copy(SEED, dir.join("a_seed.flow")).unwrap();
    std::fs::write(
        dir.join("b_broken.flow"),
        "fe -> be: \"ok\"\nfe be: \"x\"\n",
    )
    .unwrap();

    let output = authflow()
        .args(["check", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let files = value["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["passed"], true);
    assert_eq!(files[0]["errors"].as_array().unwrap().len(), 0);
    assert_eq!(files[1]["passed"], false);
    assert_eq!(files[1]["errors"][0]["line"], 2);
    assert_eq!(files[1]["errors"][0]["column"], 4);
    assert!(
        files[1]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expected `->`")
    );
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("b_broken.flow:2:4")
    );

    let output = authflow()
        .args(["check", "--format", "junit"])
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let xml = roxmltree::Document::parse(&text).unwrap();
    let root = xml.root_element();
    let counts = ["tests", "failures", "errors"].map(|a| root.attribute(a));
    assert_eq!(counts, [Some("2"), Some("0"), Some("1")], "{text}");
    assert!(
        text.contains(
            "<error message=\"input error: the file could not be checked\" type=\"input\">"
        ),
        "{text}"
    );

    let output = authflow().arg("check").arg(&dir).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("b_broken.flow: NOT CHECKED: 1 input error(s)"),
        "{text}"
    );
    assert!(
        text.contains("checked 2 flows: 1 passed, 0 failed, 1 not checked (input errors)"),
        "{text}"
    );
}

/// A message the evidence leaves with two readings is read one way, and `check` says so
/// with a warning naming the `as KIND` that settles it; the warning never fails a file
/// and never counts towards `expect:`.
#[test]
fn an_ambiguous_message_gets_a_warning_not_a_silent_guess() {
    let dir = common::scratch("cli", "ambiguous_reading");
    let path = dir.join("submit.flow");
    std::fs::write(
        &path,
        "---\nclient: { pkce: true }\nexpect: []\n---\nfe -> auth_server_be: \"authorize\"\nauth_server_be -> fe: \"login page\"\nfe -> auth_server_be: \"submit\"\nauth_server_be -> fe: \"code\"\n",
    )
    .unwrap();
    let output = authflow().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("warning[ambiguous_reading]"), "{text}");
    assert!(text.contains("`as login` or `as deny`"), "{text}");
    assert!(text.contains(":7:1"), "{text}");

    let json = authflow()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let file = &value.as_array().map_or(&value, |a| &a[0]);
    let file = file.get("files").and_then(|f| f.get(0)).unwrap_or(file);
    assert_eq!(file["notes"][0]["id"], "ambiguous_reading");
    assert_eq!(file["notes"][0]["line"], 7);
    assert_eq!(file["violations"].as_array().unwrap().len(), 0);

    // Saying which settles it.
    std::fs::write(
        &path,
        "---\nclient: { pkce: true }\nexpect: []\n---\nfe -> auth_server_be: \"authorize\"\nauth_server_be -> fe: \"login page\"\nfe -> auth_server_be: \"submit\" as login\nauth_server_be -> fe: \"code\"\n",
    )
    .unwrap();
    let output = authflow().arg("check").arg(&path).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(!text.contains("warning[ambiguous_reading]"), "{text}");
}

const RETRY: &str = "flows/fragments/violated_retry_honoured.flow";

#[test]
fn render_verdict_marks_the_arrow_and_lists_the_finding_once() {
    let output = authflow()
        .args(["render", "--verdict", "--ascii", RETRY])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    // The marked row is the arrow of line 25 (the honoured retry), and only that one.
    let marked: Vec<&str> = text
        .lines()
        .filter(|line| line.contains("X code_single_use"))
        .collect();
    assert_eq!(marked.len(), 1, "{text}");
    assert!(marked[0].contains("------>|"), "{text}");
    assert!(
        text.ends_with(
            "X error[code_single_use] line 25: in the path through `else \"the response was lost\"` (line 22): \
             tokens issued although code `code-1` was already redeemed at line 18; a correct AS answers `invalid_grant`\n"
        ),
        "{text}"
    );
    assert!(text.is_ascii(), "{text}");
}

#[test]
fn render_number_and_title() {
    let output = authflow()
        .args(["render", "--number", "--title", "--trim", RETRY])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(output).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("The AS answers a retried token request with new tokens")
    );
    assert_eq!(lines.next(), Some(""));
    assert!(text.contains("│ │ 10. click"), "{text}");
    assert!(text.contains("18. request token"), "{text}");
    // Without `--title`, no title line: the diagram starts with the boxes (shifted two
    // columns right for the frame of the `alt`).
    authflow()
        .args(["render", RETRY])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("  ┌────┐"));
}

#[test]
fn fragment_errors_and_too_many_paths_are_input_errors() {
    let dir = common::scratch("cli", "fragments");
    let unclosed = dir.join("unclosed.flow");
    std::fs::write(
        &unclosed,
        "fe -> be: \"x\"\nopt \"maybe\"\nbe -> fe: \"y\"\n",
    )
    .unwrap();
    for command in ["check", "render", "fmt"] {
        authflow()
            .arg(command)
            .arg(&unclosed)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("unclosed `opt`"))
            .stderr(predicate::str::contains("unclosed.flow:2:1"));
    }
    let many = dir.join("many.flow");
    std::fs::write(&many, "opt\nfe -> be: \"x\"\nend\n".repeat(9)).unwrap();
    authflow()
        .arg("check")
        .arg(&many)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "more than 256 paths through this flow's fragments",
        ))
        .stderr(predicate::str::contains("many.flow:25:1"));
    authflow()
        .args(["render", "--verdict"])
        .arg(&many)
        .assert()
        .code(2);
    // Drawing needs no paths.
    authflow().arg("render").arg(&many).assert().success();
}
