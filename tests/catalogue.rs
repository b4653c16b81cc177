//! The flows catalogue: every file under `flows/` must meet its expectation, every
//! invariant must be shown both violated (`flows/<id>/violated*.flow`) and satisfied
//! (`flows/<id>/satisfied*.flow`), and the human diagnostics of every flow are
//! snapshotted so that a change in wording or position is reviewed.

mod common;

use std::path::{Path, PathBuf};

use authflow::check::INVARIANTS;
use authflow::check::paths::{replay_paths, verdict_over_paths};
use authflow::syntax::parse;
use authflow::{SourceFile, render_diagnostics};

fn flows() -> Vec<PathBuf> {
    common::catalogue_flows()
}

struct Checked {
    report: String,
    fired: Vec<&'static str>,
    expected: Option<Vec<String>>,
    passed: bool,
}

fn check(path: &Path) -> Checked {
    let name = path.to_string_lossy().replace('\\', "/");
    let file = SourceFile::new(&name, std::fs::read_to_string(path).unwrap());
    let flow = parse(&file).unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
    let replayed = replay_paths(&flow, &file)
        .unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
    let verdict = verdict_over_paths(
        &flow,
        &file,
        &replayed,
        &Default::default(),
        &Default::default(),
    );
    let diagnostics: Vec<_> = verdict
        .violations
        .iter()
        .map(|v| v.to_diagnostic())
        .collect();
    let mut fired: Vec<&'static str> = verdict.violations.iter().map(|v| v.id).collect();
    fired.sort_unstable();
    fired.dedup();
    // What the model read each message as, and why: a satisfied flow's snapshot asserts
    // its readings, not nothing.
    // A flow with fragments has its readings path by path.
    let mut readings = String::from("readings:\n");
    for (path, run) in &replayed {
        if replayed.len() > 1 {
            readings.push_str(&format!(" path {}:\n", path.describe()));
        }
        push_readings(&mut readings, run);
    }
    Checked {
        report: format!(
            "{}{readings}",
            render_diagnostics(&diagnostics, &file, false)
        ),
        fired,
        expected: verdict.expected.clone(),
        passed: verdict.passed,
    }
}

fn push_readings(readings: &mut String, run: &authflow::model::Run) {
    for step in &run.steps {
        readings.push_str(&format!(
            "  {:>3} {}: {}\n",
            step.line, step.kind, step.reading.reason
        ));
        for missing in &step.missing {
            readings.push_str(&format!("        ! no {}: {}\n", missing.key, missing.why));
        }
    }
}

#[test]
fn every_flow_meets_its_expectation() {
    let mut failures = Vec::new();
    for path in flows() {
        let checked = check(&path);
        if !checked.passed {
            failures.push(format!(
                "{}: expected {:?}, fired {:?}",
                path.display(),
                checked.expected,
                checked.fired
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "flows that miss their expectation:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_invariant_is_shown_violated_and_satisfied() {
    let all = flows();
    let mut missing = Vec::new();
    for invariant in INVARIANTS {
        let dir = Path::new("flows").join(invariant.id);
        let in_dir = |prefix: &str| -> Vec<&PathBuf> {
            all.iter()
                .filter(|p| p.parent() == Some(dir.as_path()))
                .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
                .collect()
        };
        let violated = in_dir("violated");
        let satisfied = in_dir("satisfied");
        if violated.is_empty() || satisfied.is_empty() {
            missing.push(format!(
                "{}: {} violated, {} satisfied flows",
                invariant.id,
                violated.len(),
                satisfied.len()
            ));
            continue;
        }
        for path in violated {
            let checked = check(path);
            assert!(
                checked.fired.contains(&invariant.id),
                "{} does not fire {}: {:?}",
                path.display(),
                invariant.id,
                checked.fired
            );
        }
        for path in satisfied {
            let checked = check(path);
            assert!(
                !checked.fired.contains(&invariant.id),
                "{} fires {}",
                path.display(),
                invariant.id
            );
            assert!(
                checked.passed,
                "{} misses its expectation: fired {:?}",
                path.display(),
                checked.fired
            );
        }
    }
    assert!(
        missing.is_empty(),
        "invariants without both kinds of flow:\n{}",
        missing.join("\n")
    );
}

#[test]
fn diagnostics_of_every_flow() {
    for path in flows() {
        let checked = check(&path);
        let name = path
            .strip_prefix("flows")
            .unwrap()
            .with_extension("")
            .to_string_lossy()
            .replace(['/', '\\'], "__");
        insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
            insta::assert_snapshot!(format!("check__{name}"), checked.report);
        });
    }
}

#[test]
fn the_seed_flow_has_no_errors_and_the_two_predicted_warnings() {
    let checked = check(Path::new("flows/authorization_code.flow"));
    assert_eq!(
        checked.fired,
        ["pkce_required", "token_response_to_requester"]
    );
    assert!(checked.passed);
    assert!(!checked.report.contains("error["), "{}", checked.report);
    assert!(
        checked.report.contains("9 token_request"),
        "{}",
        checked.report
    );
}
