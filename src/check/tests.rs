//! The registry itself: every invariant documents itself fully, and preview invariants
//! stay out of runs and expectations until preview is enabled. The rules' behaviour is
//! tested on flows in `tests/invariants.rs` and `tests/catalogue.rs`.

use super::*;
use crate::SourceFile;
use crate::syntax::parse;

fn flow(text: &str) -> Flow {
    let file = SourceFile::new("inline.flow", text);
    parse(&file).unwrap_or_else(|d| panic!("{d:?}"))
}

fn nothing(_: &Run, _: &mut Vec<Finding>) {}

const STABLE: Invariant = Invariant {
    id: "always_on",
    severity: Severity::Error,
    reference: "RFC 6749",
    statement: "a stable rule",
    rationale: "For tests.",
    example: "fe -> be: \"x\"",
    status: Status::Stable,
    binds_attackers: false,
    check: nothing,
};

const PREVIEW: Invariant = Invariant {
    id: "new_rule",
    status: Status::Preview,
    ..STABLE
};

const REGISTRY: &[&Invariant] = &[&STABLE, &PREVIEW];

#[test]
fn ids_are_unique_snake_case() {
    let mut ids: Vec<&str> = INVARIANTS.iter().map(|i| i.id).collect();
    assert!(
        ids.iter()
            .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
        "{ids:?}"
    );
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), INVARIANTS.len());
}

#[test]
fn every_invariant_explains_itself() {
    for invariant in INVARIANTS {
        let id = invariant.id;
        assert!(!invariant.statement.is_empty(), "{id}: no statement");
        let sentences = invariant.rationale.matches(". ").count() + 1;
        assert!(
            (2..=5).contains(&sentences) && invariant.rationale.ends_with('.'),
            "{id}: the rationale should be two to five sentences"
        );
        assert!(
            invariant.rationale.contains("RFC"),
            "{id}: the rationale cites no RFC"
        );
        assert!(
            !invariant.rationale.contains("  "),
            "{id}: a line continuation lost its space"
        );
        // The example is flow text that parses, and says where the rule fires.
        let example = invariant.example.trim_matches('\n');
        assert!(
            (1..=6).contains(&example.lines().filter(|l| l.contains("->")).count()),
            "{id}: the example should be a few messages"
        );
        assert!(example.contains('#'), "{id}: the example has no comment");
        let file = SourceFile::new(id, example);
        if let Err(diagnostics) = parse(&file) {
            panic!(
                "{id}: the example does not parse:\n{}",
                crate::render_diagnostics(&diagnostics, &file, false)
            );
        }
    }
}

#[test]
fn preview_invariants_run_only_when_enabled() {
    let off = CheckOptions::default();
    let on = CheckOptions { preview: true };
    assert!(off.enables(&STABLE) && !off.enables(&PREVIEW));
    assert!(on.enables(&STABLE) && on.enables(&PREVIEW));
}

#[test]
fn the_front_matter_can_turn_preview_on_but_not_off() {
    let off = CheckOptions::default();
    let on = CheckOptions { preview: true };
    let plain = flow("fe -> be: \"x\"\n");
    let opted_in = flow("---\npreview: true\n---\nfe -> be: \"x\"\n");
    let opted_out = flow("---\npreview: false\n---\nfe -> be: \"x\"\n");
    assert_eq!(off.for_flow(&plain), off);
    assert_eq!(off.for_flow(&opted_in), on);
    assert_eq!(off.for_flow(&opted_out), off);
    assert_eq!(on.for_flow(&opted_out), on);
}

#[test]
fn expect_names_a_preview_invariant_only_with_preview() {
    let text = "---\nexpect: [always_on, new_rule]\n---\nfe -> be: \"x\"\n";
    let problems = expectation_problems(&flow(text), REGISTRY, &CheckOptions::default());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].message,
        "`new_rule` is a preview invariant; enable it with `preview: true` or `--preview`"
    );
    // The caret is on the id in `expect:`.
    let at = text.find("new_rule").unwrap();
    assert_eq!(problems[0].span, Span::new(at, at + "new_rule".len()));

    let flag = CheckOptions { preview: true };
    assert!(expectation_problems(&flow(text), REGISTRY, &flag).is_empty());
    let text = "---\npreview: true\nexpect: [new_rule]\n---\nfe -> be: \"x\"\n";
    assert!(expectation_problems(&flow(text), REGISTRY, &CheckOptions::default()).is_empty());
}

#[test]
fn unknown_ids_in_expect_suggest_the_closest() {
    let options = CheckOptions::default();
    // The title mentions the id too: the caret still goes on the one in `expect:`.
    let text = "---\ntitle: always_onn\nexpect: [always_onn]\n---\nfe -> be: \"x\"\n";
    let problems = expectation_problems(&flow(text), REGISTRY, &options);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].message,
        "`always_onn` is not an invariant id; did you mean `always_on`?"
    );
    let at = text.rfind("always_onn").unwrap();
    assert_eq!(problems[0].span.start, at);
    assert!(problems[0].notes.is_empty());

    // Nothing close: the note lists the ids instead.
    let text = "---\nexpect: [zzz]\n---\nfe -> be: \"x\"\n";
    let problems = expectation_problems(&flow(text), REGISTRY, &options);
    assert_eq!(problems[0].message, "`zzz` is not an invariant id");
    assert_eq!(
        problems[0].notes,
        ["note: invariant ids are always_on, new_rule"]
    );
}
