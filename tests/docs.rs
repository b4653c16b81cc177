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
fn a_txt_block_right_after_an_authflow_block_is_its_diagram() {
    // Followed by `src` and a code block, the `txt` block could also read as the seed
    // layout; it belongs to the `authflow` block before it, or a diagram `docs` inserted
    // there would be taken for the code block's on the next run (issue 9).
    let text =
        "```authflow\na -> b: \"one\"\n```\n\n```txt\n```\n\nsrc\n\n```\nc -> d: \"two\"\n```\n";
    let result = update(text);
    assert_eq!(result.stale, [outdated(5)]);
    assert!(result.text.contains("│ a │"));
    assert!(!result.text.contains("│ c │"));
    assert_eq!(result.text.matches("```txt").count(), 1);
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

// ---------------------------------------------------------------------------------------
// Idempotence: the reproducers of issue 9, then a property over generated documents.

#[test]
fn an_inserted_diagram_followed_by_src_and_a_code_block_stays_its_sources() {
    let text = "```authflow\nfe -> be: \"x\"\n```\n\nsrc\n\n```python\nprint(1)\n```\n";
    let once = update(text);
    assert_eq!(once.stale, vec![missing(1)]);
    assert_settled(&once.text);
    assert!(once.text.ends_with("src\n\n```python\nprint(1)\n```\n"));
}

#[test]
fn lone_carriage_returns_are_line_endings() {
    // A CR-only file: its flow block is found, the diagram is written with CR endings,
    // and the next run finds it fresh.
    let text = "text\r```authflow\rfe -> be: \"x\"\r```\r";
    let once = update(text);
    assert_eq!(once.stale, vec![missing(2)]);
    assert!(once.text.starts_with(text), "{:?}", once.text);
    assert!(!once.text.contains('\n'), "{:?}", once.text);
    assert_settled(&once.text);
    // A lone CR before a fence in an otherwise LF file.
    let text = "intro\r```authflow\nfe -> be: \"x\"\n```\n";
    let once = update(text);
    assert_eq!(once.stale.len(), 1);
    assert_settled(&once.text);
}

mod generated {
    use super::*;
    use proptest::prelude::*;

    /// A piece of a document: its text with `\n` for line breaks, and whether `docs` may
    /// change its middle (the contents of a `txt` block) or must keep all of it.
    fn piece() -> impl Strategy<Value = (&'static str, bool)> {
        prop::sample::select(vec![
            ("```authflow\nfe -> be: \"x\"\n```", false),
            (
                "~~~~authflow extra words\na -> b: \"y\"\nb -> a: \"z\"\n~~~~",
                false,
            ),
            ("```txt\nold drawing\n```", true),
            ("src", false),
            ("```python\nprint(1)\n```", false),
            ("```\nplain code\n```", false),
            ("> ```authflow\n> fe -> be: \"q\"\n> ```", false),
            ("- item\n\n  ```authflow\n  fe -> be: \"l\"\n  ```", false),
            ("Some *text* with `code`.", false),
            ("# Heading", false),
            ("    indented code", false),
            ("", false),
        ])
    }

    fn document() -> impl Strategy<Value = (String, Vec<String>)> {
        let eol = prop::sample::select(vec!["\n", "\r\n", "\r"]);
        let gap = prop::sample::select(vec![1usize, 1, 2, 3]);
        (prop::collection::vec((piece(), gap), 0..8), eol).prop_map(|(pieces, eol)| {
            let mut text = String::new();
            let mut kept = Vec::new();
            for ((piece, changeable), gap) in pieces {
                let piece = piece.replace('\n', eol);
                if changeable {
                    // The fence lines are kept; the drawing between them may be redrawn.
                    let first = piece.find(eol).unwrap() + eol.len();
                    let last = piece.rfind(eol).unwrap();
                    kept.push(piece[..first].to_string());
                    kept.push(piece[last..].to_string());
                } else {
                    kept.push(piece.clone());
                }
                text.push_str(&piece);
                text.push_str(&eol.repeat(gap));
                kept.push(eol.repeat(gap));
            }
            (text, kept)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn docs_is_idempotent_and_keeps_what_is_not_a_diagram((text, kept) in document()) {
            let Ok(once) = update_markdown("gen.md", &text) else {
                return Ok(());
            };
            let twice = update_markdown("gen.md", &once.text).expect("its own output reads back");
            prop_assert_eq!(&twice.text, &once.text);
            prop_assert!(twice.stale.is_empty(), "{:?}", twice.stale);
            // Every byte outside the drawings is still there, in order.
            let mut at = 0;
            for piece in kept {
                let found = once.text[at..].find(&piece);
                prop_assert!(found.is_some(), "{:?} lost after {} in {:?}", piece, at, once.text);
                at += found.unwrap() + piece.len();
            }
        }
    }
}
