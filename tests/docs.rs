//! `authflow docs`: diagrams in Markdown are found by the documented layouts only, redrawn
//! when stale, left byte for byte when fresh (the seed document is the reference), and
//! errors in flow blocks point into the Markdown file.

mod common;

use common::{authflow_in, scratch};

use authflow::docs::{DocsUpdate, StaleDiagram, Staleness, update_markdown};

/// The seed document (`shared/seeds/000_7a41d3f7852b1078.txt`): a diagram, `src`, the flow.
const SEED: &str = include_str!("fixtures/docs/seed.md");
const MIXED: &str = include_str!("fixtures/docs/mixed.md");

fn update(text: &str) -> DocsUpdate {
    update_markdown("doc.md", text).unwrap_or_else(|e| panic!("{}", e.render(false)))
}

/// Running on the output again must change nothing and find nothing stale.
fn assert_settled(text: &str) {
    let again = update(text);
    assert_eq!(again.stale, [], "still stale after an update");
    assert_eq!(again.text, text, "a second run changed the text");
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
}

fn outdated(line: usize) -> StaleDiagram {
    StaleDiagram {
        line,
        kind: Staleness::Outdated,
    }
}

fn missing(line: usize) -> StaleDiagram {
    StaleDiagram {
        line,
        kind: Staleness::Missing,
    }
}

#[test]
fn seed_document_is_fresh_byte_for_byte() {
    let result = update(SEED);
    assert_eq!(result.flows, 1);
    assert_eq!(result.stale, []);
    assert_eq!(result.text, SEED);
}

#[test]
fn seed_document_is_fresh_with_crlf_line_endings() {
    let crlf = SEED.replace('\n', "\r\n");
    let result = update(&crlf);
    assert_eq!(result.stale, []);
    assert_eq!(result.text, crlf);
}

#[test]
fn trailing_whitespace_trimmed_by_an_editor_is_fresh() {
    let trimmed: String = SEED
        .split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(body) => format!("{}\n", body.trim_end()),
            None => line.trim_end().to_string(),
        })
        .collect();
    assert_ne!(
        trimmed, SEED,
        "the seed diagram has trailing spaces to trim"
    );
    let result = update(&trimmed);
    assert_eq!(result.stale, []);
    assert_eq!(result.text, trimmed, "a fresh diagram is not rewritten");
}

#[test]
fn stale_seed_diagram_is_redrawn_and_nothing_else_changes() {
    let edited = SEED.replace("\"verify\"", "\"check\"");
    let result = update(&edited);
    assert_eq!(result.stale, [outdated(5)]);
    let expected = SEED
        .replace("\"verify\"", "\"check\"")
        .replace("│ verify             │", "│ check              │");
    assert_eq!(result.text, expected);
    assert_settled(&result.text);
}

#[test]
fn missing_trailing_space_on_a_line_with_other_changes_is_still_stale() {
    let edited = SEED.replace("│ verify             │", "│ verified           │");
    assert_eq!(update(&edited).stale, [outdated(5)]);
}

#[test]
fn mixed_document() {
    let result = update(MIXED);
    assert_eq!(result.flows, 5);
    assert_eq!(
        result.stale,
        [
            missing(5),
            outdated(15),
            missing(21),
            outdated(49),
            outdated(55)
        ]
    );
    snapshot("docs__mixed_updated", &result.text);
    assert_settled(&result.text);
    // Everything outside the diagrams is kept: deleting the drawn lines gives the input
    // back, apart from the inserted fences and blank lines.
    for kept in [
        "keep me\n```\n\n**src**\n\n```\nkeep me too\n```",
        "```txt\nnot a diagram\n```",
    ] {
        assert!(result.text.contains(kept), "{kept:?} was touched");
    }
}

#[test]
fn crlf_document_stays_crlf() {
    let crlf = MIXED.replace('\n', "\r\n");
    let result = update(&crlf);
    assert_eq!(result.text, update(MIXED).text.replace('\n', "\r\n"));
    assert_settled(&result.text);
}

#[test]
fn insertion_keeps_a_missing_final_newline_missing() {
    let result = update("```authflow\na -> b: \"x\"\n```");
    assert!(result.text.ends_with("\n```"), "{:?}", result.text);
    assert!(
        result
            .text
            .starts_with("```authflow\na -> b: \"x\"\n```\n\n```txt\n")
    );
    assert_settled(&result.text);
}

#[test]
fn only_documented_layouts_count() {
    for text in [
        "```txt\nanything\n```\n",
        "```txt\nanything\n```\n\nsrc\n",
        "```txt\nanything\n```\n\nsrc and more\n\n```\nfe -> be: \"x\"\n```\n",
        "```txt\nanything\n```\n\n*src*\n\n```\nfe -> be: \"x\"\n```\n",
        "```text\nanything\n```\n\nsrc\n\n```\nfe -> be: \"x\"\n```\n",
        "```flow\nfe -> be: \"x\"\n```\n\n```txt\nanything\n```\n",
        "    ```authflow\n    fe -> be: \"x\"\n    ```\n",
    ] {
        let result = update(text);
        assert_eq!((result.flows, result.text.as_str()), (0, text));
    }
}

#[test]
fn a_diagram_claimed_by_the_seed_layout_is_not_shared() {
    // The `txt` block follows an `authflow` block but belongs to the flow after `src`.
    let text =
        "```authflow\na -> b: \"one\"\n```\n\n```txt\n```\n\nsrc\n\n```\nc -> d: \"two\"\n```\n";
    let result = update(text);
    assert_eq!(result.stale, [missing(1), outdated(5)]);
    assert!(result.text.contains("│ c │"));
    assert_eq!(result.text.matches("```txt").count(), 2);
    assert_settled(&result.text);
}

#[test]
fn errors_point_into_the_markdown_file() {
    let text = "# Doc\n\n> ```authflow\n> fe -> be: \"ok\"\n>   fe -> : \"x\"\n> ```\n\n```txt\n```\n\nsrc\n\n```\nparticipant fe\nparticipant fe\n```\n";
    let error = update_markdown("doc.md", text).unwrap_err();
    let report = error.render(false);
    assert!(report.contains("--> doc.md:5:11"), "{report}");
    assert!(report.contains("--> doc.md:15:13"), "{report}");
    snapshot("docs__errors", &report);
}

#[test]
fn unclosed_diagram_block_is_an_error() {
    let text = "```authflow\na -> b: \"x\"\n```\n\n```txt\nold\n";
    let report = update_markdown("doc.md", text).unwrap_err().render(false);
    assert!(
        report.contains("this diagram block is never closed"),
        "{report}"
    );
    assert!(report.contains("--> doc.md:5:1"), "{report}");
}

// ---------------------------------------------------------------------------------------
// The command.

#[test]
fn check_reports_stale_diagrams_and_changes_nothing() {
    let dir = scratch("docs", "check");
    std::fs::write(dir.join("seed.md"), SEED).unwrap();
    std::fs::write(dir.join("mixed.md"), MIXED).unwrap();
    authflow_in(&dir)
        .args(["docs", "--check", "seed.md"])
        .assert()
        .code(0)
        .stdout("");
    let output = authflow_in(&dir)
        .args(["docs", "--check", "seed.md", "mixed.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let (listing, diff) = stdout.split_at(stdout.find("--- ").expect(&stdout));
    assert_eq!(
        listing,
        "mixed.md:5: diagram is missing\n\
         mixed.md:15: diagram is stale\n\
         mixed.md:21: diagram is missing\n\
         mixed.md:49: diagram is stale\n\
         mixed.md:55: diagram is stale\n"
    );
    // Then the change `docs` would make, as a diff: the stale drawing out, the fresh one in.
    assert!(
        diff.starts_with("--- mixed.md\n+++ mixed.md (diagrams redrawn)\n@@ -8,2 +8,14 @@\n"),
        "{diff}"
    );
    assert!(
        diff.contains("\n-old drawing\n+┌────┐   ┌────┐ \n"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("mixed.md")).unwrap(),
        MIXED
    );
}

#[test]
fn update_rewrites_stale_files_only_and_settles() {
    let dir = scratch("docs", "update");
    std::fs::write(dir.join("seed.md"), SEED).unwrap();
    std::fs::write(dir.join("mixed.md"), MIXED).unwrap();
    authflow_in(&dir)
        .args(["docs", "seed.md", "mixed.md"])
        .assert()
        .code(0)
        .stdout(
            "mixed.md:5: diagram inserted\n\
             mixed.md:15: diagram updated\n\
             mixed.md:21: diagram inserted\n\
             mixed.md:49: diagram updated\n\
             mixed.md:55: diagram updated\n",
        );
    assert_eq!(std::fs::read_to_string(dir.join("seed.md")).unwrap(), SEED);
    assert_eq!(
        std::fs::read_to_string(dir.join("mixed.md")).unwrap(),
        update(MIXED).text
    );
    authflow_in(&dir)
        .args(["docs", "seed.md", "mixed.md"])
        .assert()
        .code(0)
        .stdout("");
    authflow_in(&dir)
        .args(["docs", "--check", "seed.md", "mixed.md"])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn parse_errors_exit_2_and_other_files_are_still_processed() {
    let dir = scratch("docs", "errors");
    let bad = "```authflow\nfe -> be \"x\"\n```\n";
    std::fs::write(dir.join("bad.md"), bad).unwrap();
    std::fs::write(dir.join("mixed.md"), MIXED).unwrap();
    let output = authflow_in(&dir)
        .args(["docs", "bad.md", "mixed.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--> bad.md:2:10"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("bad.md")).unwrap(), bad);
    assert_eq!(
        std::fs::read_to_string(dir.join("mixed.md")).unwrap(),
        update(MIXED).text
    );
    authflow_in(&dir)
        .args(["docs", "--check", "missing.md"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read `missing.md`"));
}

#[test]
fn stdin_is_updated_to_stdout() {
    let dir = scratch("docs", "stdin");
    authflow_in(&dir)
        .args(["docs", "-"])
        .write_stdin(MIXED)
        .assert()
        .code(0)
        .stdout(update(MIXED).text);
}
