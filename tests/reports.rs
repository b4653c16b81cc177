//! `check`'s report formats, each read back by a real consumer: SARIF by Microsoft's SARIF
//! validator, JUnit by an XML parser and by quick-junit's own reader, GitHub's workflow
//! commands by a parser that unescapes as the Actions runner does.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{authflow, scratch};

const SEED: &str = "flows/authorization_code.flow";
const STATE_MATCH: &str = "flows/state_match/violated.flow";

/// A flow whose line 7 (`"submit"` on the login page) reads two ways, whose `expect:`
/// names an invariant that does not fire, beside one that does not parse: every kind
/// of result a report has besides plain findings.
fn odd_flows(test: &str) -> (PathBuf, PathBuf) {
    let dir = scratch("reports", test);
    let ambiguous = dir.join("ambiguous.flow");
    std::fs::write(
        &ambiguous,
        "---\nclient: { pkce: true }\nexpect: [state_match]\n---\nfe -> auth_server_be: \"authorize\"\nauth_server_be -> fe: \"login page\"\nfe -> auth_server_be: \"submit\"\nauth_server_be -> fe: \"code\"\n",
    )
    .unwrap();
    let broken = dir.join("broken.flow");
    std::fs::write(&broken, "fe -> be: \"ok\"\nfe be: \"x\"\n").unwrap();
    (ambiguous, broken)
}

fn stdout(args: &[&str]) -> (Option<i32>, String) {
    let output = authflow().args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

// ---------------------------------------------------------------- SARIF

/// Microsoft's SARIF validator (`Sarif.Multitool`), from `SARIF_MULTITOOL`. `.ci/run`
/// installs it with npm and sets `AUTHFLOW_REQUIRE_SARIF_VALIDATOR=1`, so that in CI a
/// missing validator fails the test instead of skipping it.
fn sarif_validator() -> Option<PathBuf> {
    let found = std::env::var_os("SARIF_MULTITOOL")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var_os("AUTHFLOW_REQUIRE_SARIF_VALIDATOR").is_none(),
            "AUTHFLOW_REQUIRE_SARIF_VALIDATOR is set but SARIF_MULTITOOL names no file"
        );
        eprintln!(
            "SKIPPED: SARIF validation needs Microsoft's validator: \
             `npm install @microsoft/sarif-multitool-linux`, then set SARIF_MULTITOOL to \
             node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
        );
    }
    found
}

/// Runs the validator (SARIF rules and GitHub code scanning's rules) over `files` and
/// returns what it found wrong. The one warning tolerated is SARIF2005's wish for an
/// `informationUri`: authflow has no public home page to point to.
fn validate(validator: &Path, files: &[PathBuf]) -> Vec<String> {
    let output = Command::new(validator)
        .arg("validate")
        .args(["--rule-kind", "Sarif;Gh"])
        .args(files)
        .output()
        .expect("the validator runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "validator failed:\n{text}");
    assert!(
        text.contains(&format!("{} files scanned", files.len())),
        "{text}"
    );
    text.lines()
        .filter(|l| l.contains(": error ") || l.contains(": warning "))
        .filter(|l| !(l.contains("SARIF2005") && l.contains("informationUri")))
        .map(str::to_string)
        .collect()
}

#[test]
fn sarif_passes_microsofts_validator() {
    let Some(validator) = sarif_validator() else {
        return;
    };
    let (ambiguous, broken) = odd_flows("sarif_validator");
    let dir = broken.parent().unwrap();
    let runs: [(&str, Vec<&str>); 4] = [
        ("catalogue", vec!["flows"]),
        ("strict", vec!["-D", "warnings", SEED, STATE_MATCH]),
        (
            "odd",
            vec![
                ambiguous.to_str().unwrap(),
                broken.to_str().unwrap(),
                "no-such.flow",
            ],
        ),
        ("preview", vec!["--preview", "flows/iss_match"]),
    ];
    let mut files = Vec::new();
    for (name, paths) in runs {
        let path = dir.join(format!("{name}.sarif"));
        let mut args = vec!["check", "--format", "sarif"];
        args.extend(paths);
        let (_, text) = stdout(&args);
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    let problems = validate(&validator, &files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn sarif(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend(args);
    serde_json::from_str(&stdout(&all).1).unwrap()
}

#[test]
fn sarif_rules_are_the_invariants_with_level_and_reference() {
    let log = sarif(&[SEED]);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "authflow");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for invariant in authflow::check::INVARIANTS {
        let at = ids.iter().position(|id| *id == invariant.id).unwrap();
        let rule = &rules[at];
        assert_eq!(
            rule["defaultConfiguration"]["level"],
            invariant.severity.as_str()
        );
        let help = rule["help"]["text"].as_str().unwrap();
        assert!(help.contains(invariant.reference), "{help}");
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .unwrap()
                .starts_with(invariant.statement)
        );
    }
    // Every result's ruleIndex points at its rule.
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn sarif_results_all_have_their_rule() {
    let (ambiguous, broken) = odd_flows("sarif_rules");
    let log = sarif(&[
        ambiguous.to_str().unwrap(),
        broken.to_str().unwrap(),
        "no-such.flow",
    ]);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let mut fired: Vec<&str> = Vec::new();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        fired.push(result["ruleId"].as_str().unwrap());
    }
    assert_eq!(
        fired,
        [
            "ambiguous_reading",
            "expectation_met",
            "input_error",
            "input_error"
        ]
    );
}

#[test]
fn sarif_results_have_physical_and_related_locations_and_levels() {
    let log = sarif(&["-D", "pkce_required", SEED, STATE_MATCH]);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let by_rule = |id: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == id)
            .unwrap_or_else(|| panic!("no {id} result"))
    };
    let pkce = by_rule("pkce_required");
    assert_eq!(pkce["level"], "error", "-D raises the warning");
    let location = &pkce["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], SEED);
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 1);
    assert_eq!(location["region"]["endColumn"], 33);
    let state = by_rule("state_match");
    let related = state["relatedLocations"].as_array().unwrap();
    let lines: Vec<_> = related
        .iter()
        .map(|l| {
            l["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert_eq!(lines, [17, 11]);
    assert_eq!(
        related[0]["message"]["text"],
        "the authorization response arrives here."
    );
    // Expected by the file: suppressed in source, not a problem to fix.
    assert_eq!(state["suppressions"][0]["kind"], "inSource");
    assert!(pkce.get("suppressions").is_none());
}

// ---------------------------------------------------------------- GitHub

/// A workflow command read back the way the Actions runner reads it: `::NAME PROPS::MSG`,
/// properties split at `,` and `=`, then each part unescaped.
struct WorkflowCommand {
    name: String,
    properties: Vec<(String, String)>,
    message: String,
}

fn unescape(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn parse_command(line: &str) -> Option<WorkflowCommand> {
    let rest = line.strip_prefix("::")?;
    let (head, message) = rest.split_once("::")?;
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape(v))
        })
        .collect();
    Some(WorkflowCommand {
        name: name.to_string(),
        properties,
        message: unescape(message),
    })
}

impl WorkflowCommand {
    fn get(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[test]
fn github_annotations_survive_the_runners_parsing() {
    // A name with every character GitHub's escaping is for.
    let dir = scratch("reports", "github_escaping");
    let name = "odd, name: 100%.flow";
    let text = std::fs::read_to_string(SEED).unwrap();
    std::fs::write(dir.join(name), text).unwrap();
    let output = authflow()
        .current_dir(&dir)
        .args(["check", "--format", "github", name])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    let commands: Vec<_> = text.lines().filter_map(parse_command).collect();
    assert_eq!(commands.len(), 2, "{text}");
    let first = &commands[0];
    assert_eq!(first.name, "warning");
    assert_eq!(first.get("file"), Some(name));
    assert_eq!(first.get("line"), Some("2"));
    assert_eq!(first.get("col"), Some("1"));
    assert_eq!(first.get("endColumn"), Some("33"));
    assert_eq!(first.get("title"), Some("authflow pkce_required"));
    // The explanation's related line and reference arrive as lines of one message.
    let second = &commands[1];
    assert_eq!(
        second.message,
        "the token response with `token-1` goes to `fe`, but `be` made the token request (line 9)\nline 9: token request here\nRFC 6749 §5.1; RFC 9700 §2.1"
    );
    // Nothing but the summary is outside a command.
    let plain: Vec<_> = text.lines().filter(|l| !l.starts_with("::")).collect();
    assert_eq!(plain, ["checked 1 flow: 1 passed, 0 failed"]);
}

#[test]
fn github_actions_gets_annotations_unless_a_format_is_given() {
    let output = authflow()
        .env("GITHUB_ACTIONS", "true")
        .args(["check", STATE_MATCH, SEED])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    // The expected state_match finding is not annotated; the seed's warnings are.
    let commands: Vec<_> = text.lines().filter_map(parse_command).collect();
    let titles: Vec<_> = commands.iter().filter_map(|c| c.get("title")).collect();
    assert_eq!(
        titles,
        [
            "authflow pkce_required",
            "authflow token_response_to_requester"
        ]
    );
    let output = authflow()
        .env("GITHUB_ACTIONS", "true")
        .args(["check", "--format", "human", SEED])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("warning[pkce_required]"), "{text}");
}

#[test]
fn github_reports_unmet_expectations_and_input_errors() {
    let dir = scratch("reports", "github_failures");
    std::fs::write(
        dir.join("a.flow"),
        "---\nexpect: [state_match]\n---\nfe -> auth_server_be: \"redirect\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("b.flow"), "fe be: \"x\"\n").unwrap();
    let output = authflow()
        .current_dir(&dir)
        .args(["check", "--format", "github", "a.flow", "b.flow"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8(output.stdout).unwrap();
    let commands: Vec<_> = text.lines().filter_map(parse_command).collect();
    let expectation = commands
        .iter()
        .find(|c| c.get("title") == Some("authflow expectation"))
        .expect("an annotation for the unmet expectation");
    assert_eq!(expectation.name, "error");
    assert!(
        expectation
            .message
            .contains("expected but not fired: state_match")
    );
    let input = commands
        .iter()
        .find(|c| c.get("title") == Some("authflow input error"))
        .expect("an annotation for the input error");
    assert_eq!(input.get("file"), Some("b.flow"));
    assert_eq!(input.get("line"), Some("1"));
    assert_eq!(input.get("col"), Some("4"));
}

// ---------------------------------------------------------------- JUnit

#[test]
fn junit_reads_back_with_time_file_line_and_system_out() {
    let (code, text) = stdout(&[
        "check",
        "--format",
        "junit",
        SEED,
        STATE_MATCH,
        "flows/state_match/satisfied.flow",
        "-D",
        "state_match",
    ]);
    assert_eq!(code, Some(0), "an expected finding stays expected under -D");
    let xml = roxmltree::Document::parse(&text).unwrap();
    let cases: Vec<_> = xml
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    for case in &cases {
        let time: f64 = case.attribute("time").unwrap().parse().unwrap();
        assert!(time >= 0.0);
        assert_eq!(case.attribute("file"), case.attribute("name"));
        assert_eq!(case.attribute("classname"), Some("authflow.check"));
    }
    let seed = cases[0];
    assert_eq!(seed.attribute("file"), Some(SEED));
    assert_eq!(seed.attribute("line"), Some("2"));
    let out = seed
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .expect("the passing seed's warnings in system-out");
    assert!(
        out.contains("flows/authorization_code.flow:10:1: warning[token_response_to_requester]"),
        "{out}"
    );
    // quick-junit's own reader agrees.
    let report = quick_junit::Report::deserialize_from_str(&text).unwrap();
    assert_eq!(report.tests, 3);
    assert_eq!(report.failures, 0);
    assert_eq!(
        report.test_suites[0].test_cases[1].name.as_str(),
        STATE_MATCH
    );
}

// ---------------------------------------------------------------- several reports

#[test]
fn several_reports_beside_the_human_output() {
    let dir = scratch("reports", "several");
    let junit = dir.join("out/junit.xml");
    let sarif = dir.join("out/a.sarif");
    let json = dir.join("b.json");
    let output = authflow()
        .args(["check", SEED, STATE_MATCH])
        .arg(format!("--report=junit={}", junit.display()))
        .arg("--report")
        .arg(format!("sarif={}", sarif.display()))
        .arg("--report")
        .arg(format!("json={}", json.display()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("warning[pkce_required]"), "{text}");
    assert!(text.ends_with("checked 2 flows: 2 passed, 0 failed; 1 expected finding(s) not shown (--verbose shows them)\n"), "{text}");
    roxmltree::Document::parse(&std::fs::read_to_string(&junit).unwrap()).unwrap();
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 3);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(json["files"].as_array().unwrap().len(), 2);
}

#[test]
fn report_arguments_are_checked() {
    for bad in ["junit", "yaml=x.yaml", "sarif="] {
        authflow()
            .args(["check", SEED, "--report", bad])
            .assert()
            .code(2);
    }
    let dir = scratch("reports", "unwritable");
    std::fs::write(dir.join("file"), "").unwrap();
    let target = dir.join("file/report.xml");
    authflow()
        .args(["check", SEED, "--report"])
        .arg(format!("junit={}", target.display()))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot write report"));
}

// ---------------------------------------------------------------- expected findings

#[test]
fn a_passing_catalogue_prints_one_line() {
    let dirs = ["flows/state_match", "flows/code_single_use"];
    let flows = dirs
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).expect("catalogue directory"))
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "flow"))
        })
        .count();
    let (code, text) = stdout(&["check", dirs[0], dirs[1]]);
    assert_eq!(code, Some(0));
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with(&format!(
            "checked {flows} flows: {flows} passed, 0 failed; "
        )),
        "{text}"
    );
    assert!(text.contains("expected finding(s) not shown (--verbose shows them)"));
}

#[test]
fn verbose_shows_expected_findings_as_expected() {
    let (code, text) = stdout(&["check", "--verbose", STATE_MATCH, SEED]);
    assert_eq!(code, Some(0));
    assert!(
        text.contains("note[state_match]: expected: `be` redeems code `code-1`"),
        "{text}"
    );
    assert!(!text.contains("error[state_match]"), "{text}");
    assert!(
        text.contains(
            "flows/state_match/violated.flow: ok: fired exactly as expected: state_match"
        ),
        "{text}"
    );
    assert!(
        text.ends_with("checked 2 flows: 2 passed, 0 failed\n"),
        "{text}"
    );
}

#[test]
fn a_failing_expectation_still_shows_what_it_is_about() {
    let dir = scratch("reports", "failing_expectation");
    let flow = std::fs::read_to_string(STATE_MATCH).unwrap().replace(
        "expect: [state_match]",
        "expect: [state_match, code_single_use]",
    );
    std::fs::write(dir.join("a.flow"), &flow).unwrap();
    std::fs::copy(SEED, dir.join("b.flow")).unwrap();
    let output = authflow().arg("check").arg(&dir).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("a.flow: FAILED expectation: expected but not fired: code_single_use"),
        "{text}"
    );
    // What did fire as expected is shown too, as a note: the author is debugging the
    // expectation and needs everything that fired, not only what departs.
    assert!(
        text.contains("note[state_match]: expected: `be` redeems code `code-1`"),
        "{text}"
    );
    assert!(
        text.ends_with("checked 2 flows: 1 passed, 1 failed\n"),
        "{text}"
    );
}

#[test]
fn a_report_file_cannot_be_standard_output() {
    authflow()
        .args(["check", SEED, "--report", "json=-"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("use `--format json`"));
    assert!(!std::path::Path::new("-").exists());
}
