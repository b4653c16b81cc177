//! Every kind of malformed input gets a diagnostic with file:line:column, the offending
//! line and a caret, and parsing never panics. The snapshots are the user-facing text.

use authflow::syntax::{parse, parse_bytes};
use authflow::{SourceFile, render_diagnostics};

fn errors_of(text: &str) -> String {
    let file = SourceFile::new("bad.flow", text);
    match parse(&file) {
        Ok(flow) => panic!("expected a parse error, got {flow:#?}"),
        Err(diagnostics) => render_diagnostics(&diagnostics, &file, false),
    }
}

macro_rules! rejects {
    ($name:ident, $text:expr, $needle:expr) => {
        #[test]
        fn $name() {
            let report = errors_of($text);
            assert!(report.contains($needle), "{report}");
            assert!(report.contains("--> bad.flow:"), "no location in {report}");
            assert!(report.contains('^'), "no caret in {report}");
            insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
                insta::assert_snapshot!(concat!("syntax__", stringify!($name)), report);
            });
        }
    };
}

rejects!(missing_arrow, "fe be: \"x\"\n", "expected `->`");
rejects!(
    missing_target,
    "fe -> : \"x\"\n",
    "expected the receiving participant"
);
rejects!(
    missing_colon,
    "fe -> be \"x\"\n",
    "expected `:` before the label"
);
rejects!(missing_label, "fe -> be:\n", "expected a quoted label");
rejects!(
    unclosed_quote,
    "fe -> be: \"unclosed\n",
    "unclosed quote in label"
);
rejects!(
    unclosed_quoted_name,
    "\"Resource Owner -> be\n",
    "unclosed quote in name"
);
rejects!(unknown_escape, "fe -> be: \"a\\nb\"\n", "unknown escape");
rejects!(tab_in_label, "fe -> be: \"a\tb\"\n", "tab inside a label");
rejects!(
    control_character,
    "fe -> be: \"a\u{7}b\"\n",
    "control character U+0007"
);
rejects!(
    bidi_override,
    "fe -> be: \"\u{202E}evil\"\n",
    "bidirectional control character U+202E"
);
rejects!(bidi_isolate_in_name, "f\u{2066}e -> be: \"x\"\n", "U+2066");
rejects!(unknown_line, "hello world\n", "expected `->` after `hello`");
rejects!(
    dashed_arrow,
    "fe --> be: \"x\"\n",
    "`-->` is not an arrow in a flow file"
);
rejects!(
    mermaid_arrow,
    "fe ->> be: \"x\"\n",
    "`->>` is not an arrow in a flow file"
);
rejects!(
    backward_arrow_after_quoted_name,
    "\"my app\" <- be: \"x\"\n",
    "`<-` is not an arrow in a flow file"
);
rejects!(
    slash_comment,
    "// the login\nfe -> be: \"x\"\n",
    "`//` does not start a comment"
);
rejects!(garbage_line, "!!!\n", "expected a statement");
rejects!(
    trailing_garbage,
    "fe -> be: \"x\" extra\n",
    "unexpected `extra`"
);
rejects!(
    params_missing_colon,
    "fe -> be: \"x\" { state \"a\" }\n",
    "expected `:` after the parameter name"
);
rejects!(
    params_missing_value,
    "fe -> be: \"x\" { state: }\n",
    "expected a value"
);
rejects!(
    params_unclosed,
    "fe -> be: \"x\" { state: a\n",
    "expected `,` or `}`"
);
rejects!(
    params_repeated,
    "fe -> be: \"x\" { state: a, state: b }\n",
    "given twice"
);
rejects!(
    params_bad_separator,
    "fe -> be: \"x\" { state: a; code: b }\n",
    "expected `,` or `}`"
);
rejects!(bad_duration, "wait 5 days\n", "expected a duration");
rejects!(
    duplicate_participant,
    "participant fe\nparticipant fe\n",
    "declared twice"
);
rejects!(
    step_without_kind,
    "fe -> be: \"x\" as\n",
    "expected a step kind"
);
rejects!(blank_quoted_name, "\" \" -> be: \"x\"\n", "cannot be blank");
rejects!(
    front_matter_unknown_key,
    "---\nclient:\n  typ: public\n---\nfe -> be: \"x\"\n",
    "unknown field `typ`"
);
rejects!(
    front_matter_bad_value,
    "---\nclient:\n  type: secret\n---\nfe -> be: \"x\"\n",
    "unknown variant `secret`"
);
rejects!(
    front_matter_unclosed,
    "---\nexpect: []\nfe -> be: \"x\"\n",
    "unclosed front matter"
);

rejects!(
    stray_end,
    "fe -> be: \"x\"\nend\n",
    "`end` without a fragment to close"
);
rejects!(
    stray_else,
    "fe -> be: \"x\"\nelse \"no\"\n",
    "`else` outside any `alt`"
);
rejects!(
    else_in_opt,
    "opt \"maybe\"\nfe -> be: \"x\"\nelse\nend\n",
    "`else` inside `opt`: only an `alt` has branches"
);
rejects!(
    unclosed_fragments,
    "alt \"a\"\nloop 2\nfe -> be: \"x\"\n",
    "unclosed `loop`"
);
rejects!(
    loop_count_out_of_range,
    "loop 0 \"never\"\nfe -> be: \"x\"\nend\n",
    "a loop runs from 1 to 100 times"
);
rejects!(
    note_placement,
    "fe -> be: \"x\"\nnote above fe: \"x\"\n",
    "expected `over`, `left of` or `right of` after `note`"
);
rejects!(
    note_left_of_two,
    "fe -> be: \"x\"\nnote left of fe, be: \"x\"\n",
    "only `note over A, B` spans two"
);
rejects!(
    note_unknown_participant,
    "fe -> be: \"x\"\nnote over bee: \"x\"\n",
    "did you mean `be`?"
);
rejects!(
    note_unknown_escape,
    "fe -> be: \"x\"\nnote over fe: \"a\\tb\"\n",
    "only `\\\"`, `\\\\` and `\\n` are escapes"
);
rejects!(
    box_without_members,
    "box \"Client\"\n",
    "expected the box's participants"
);
rejects!(
    box_members_apart,
    "participant fe\nparticipant rs\nbox \"Client\" fe be\nfe -> be: \"x\"\n",
    "are not side by side"
);
rejects!(
    participant_in_two_boxes,
    "box \"A\" fe\nbox \"B\" fe be\n",
    "`fe` is already in a box"
);

#[test]
fn fragment_errors_are_all_reported_in_one_run() {
    let report = errors_of("end\nalt \"x\"\nelse\nopt\nelse\nend\n");
    assert!(report.contains("bad.flow:1:1"), "{report}");
    assert!(report.contains("bad.flow:5:1"), "{report}");
    assert!(report.contains("unclosed `alt`"), "{report}");
    assert!(report.contains("bad.flow:2:1"), "{report}");
    assert_eq!(report.matches("error:").count(), 3, "{report}");
}

#[test]
fn keywords_are_names_before_an_arrow() {
    let file = SourceFile::new(
        "ok.flow",
        "end -> note: \"x\"\nnote over end, note: \"y\"\nalt\nelse\nend\n",
    );
    let flow = parse(&file).unwrap_or_else(|d| panic!("{d:?}"));
    assert_eq!(flow.participant_order(), ["end", "note"]);
}

#[test]
fn every_broken_line_is_reported_in_one_run() {
    let report = errors_of("fe be: \"x\"\nfe -> be: \"ok\"\nfe -> : \"x\"\n!!\n");
    assert_eq!(report.matches("error:").count(), 3, "{report}");
    assert!(
        report.contains("bad.flow:1:4")
            && report.contains("bad.flow:3:7")
            && report.contains("bad.flow:4:1"),
        "{report}"
    );
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let (file, result) = parse_bytes("bad.flow", b"fe -> be: \"caf\xe9\"\n");
    let report = render_diagnostics(&result.unwrap_err(), &file, false);
    assert!(
        report.contains("invalid UTF-8 at byte offset 14"),
        "{report}"
    );
    assert!(report.contains("bad.flow:1:15"), "{report}");
}

#[test]
fn front_matter_errors_point_into_the_file() {
    let report = errors_of("---\ntitle: x\nclient:\n  typ: public\n---\n");
    assert!(report.contains("bad.flow:4:3"), "{report}");
}

#[test]
fn labels_are_kept_exactly() {
    let file = SourceFile::new(
        "ok.flow",
        "a -> b: \"enter \"\n\"Resource Owner\" -> b: \"say \\\"hi\\\" \\\\o/\"\n",
    );
    let flow = parse(&file).unwrap();
    let labels: Vec<&str> = flow.messages().map(|m| m.label.text.as_str()).collect();
    assert_eq!(labels, ["enter ", "say \"hi\" \\o/"]);
    assert_eq!(flow.participant_order(), ["a", "b", "Resource Owner"]);
}

#[test]
fn names_may_contain_dashes_dots_and_unicode() {
    let file = SourceFile::new("ok.flow", "auth-server.v2->клиент:\"x\"\n");
    let flow = parse(&file).unwrap();
    assert_eq!(flow.participant_order(), ["auth-server.v2", "клиент"]);
    // A name that turns non-ASCII part way, and ends at an arrow without a space.
    let file = SourceFile::new("ok.flow", "app_é-2.v->\"b ü\": \"tab-free \\\"x\\\"\"\n");
    let flow = parse(&file).unwrap();
    assert_eq!(flow.participant_order(), ["app_é-2.v", "b ü"]);
    let labels: Vec<&str> = flow.messages().map(|m| m.label.text.as_str()).collect();
    assert_eq!(labels, ["tab-free \"x\""]);
}

#[test]
fn crlf_line_endings_are_accepted() {
    let file = SourceFile::new("ok.flow", "fe -> be: \"a\"\r\nbe -> fe: \"b\"\r\n");
    assert_eq!(parse(&file).unwrap().messages().count(), 2);
}

/// The reproducer of item 6: one diagnostic per unknown key, each reprinting a source line
/// of hundreds of kilobytes. Output is now bounded: a capped number of diagnostics, each
/// showing a window of the line around its caret.
#[test]
fn many_errors_on_a_huge_line_print_a_bounded_report() {
    let keys: Vec<String> = (0..20_000).map(|i| format!("k{i}: v")).collect();
    let text = format!("fe -> be: \"x\" {{ {} }}\n", keys.join(", "));
    assert!(text.len() > 150_000);
    let file = SourceFile::new("huge.flow", text.as_str());
    let flow = parse(&file).expect("distinct keys parse");
    let diagnostics = authflow::model::execute(&flow, &file).expect_err("unknown keys");
    assert_eq!(diagnostics.len(), 20_000);
    let report = render_diagnostics(&diagnostics, &file, false);
    assert!(report.len() < 60_000, "{} bytes", report.len());
    let shown = authflow::diagnostic::MAX_DIAGNOSTICS_PER_FILE;
    assert!(report.contains(&format!(
        "... and {} more diagnostic(s) in huge.flow",
        20_000 - shown
    )));
    // The caret of a key far into the line sits under that key, in the trimmed line.
    let far = &diagnostics[shown - 1];
    let key = &file.text[far.span.range()];
    let block = report
        .split("\n\n")
        .find(|b| b.contains(&format!("`{key}`")))
        .unwrap();
    let lines: Vec<&str> = block.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.starts_with("1 | …"))
        .expect(block);
    let caret = lines[source + 1].find('^').unwrap();
    let shown_key: String = lines[source]
        .chars()
        .skip(lines[source + 1][..caret].chars().count())
        .take(key.len())
        .collect();
    assert_eq!(shown_key, key, "{block}");
}

/// Item 3: strings from the front matter reach the terminal only escaped.
#[test]
fn front_matter_strings_cannot_drive_the_terminal() {
    let report = errors_of("---\n\"evil\\e[31m\\u202Ekey\": 1\n---\nfe -> be: \"x\"\n");
    assert!(report.contains("evil\\u{1b}[31m\\u{202e}key"), "{report}");
    assert!(
        !report.contains('\u{1b}') && !report.contains('\u{202E}'),
        "{report}"
    );
}

rejects!(
    invisible_character_in_a_quoted_name,
    "fe -> \"b\u{200B}e\": \"x\"\n",
    "invisible character U+200B in a name"
);
rejects!(
    invisible_letter_in_a_bare_name,
    "f\u{3164}e -> be: \"x\"\n",
    "invisible character U+3164 in a name"
);

/// Item 8: a `wait` that would run the clock past u64 seconds used to saturate it, so a
/// later `wait 2h` vanished without a word; now the overflowing wait is an error.
#[test]
fn a_wait_past_the_end_of_time_is_an_error() {
    let text = "fe -> auth_server_be: \"redirect\"\nwait 5000000000000000h\nwait 5000000000000000h\nwait 2h\n";
    let file = SourceFile::new("bad.flow", text);
    let flow = parse(&file).expect("each wait is a duration");
    let diagnostics = authflow::model::execute(&flow, &file).expect_err("the clock overflows");
    let report = render_diagnostics(&diagnostics, &file, false);
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("syntax__wait_past_the_end_of_time", report);
    });
    assert!(report.contains("--> bad.flow:3:1"), "{report}");
}

rejects!(
    via_written_twice,
    "fe -> be: \"x\" via query { code: a } via body\n",
    "`via` is written twice"
);
rejects!(
    parameters_written_twice,
    "fe -> be: \"x\" { code: a } as callback { state: s }\n",
    "the `{ … }` parameters are written twice"
);

/// `as`, `via` and the parameters may come in any order; each is read the same.
#[test]
fn message_clauses_in_any_order() {
    let canonical = "fe -> be: \"x\" as callback via query { code: a }\n";
    let canonical = parse(&SourceFile::new("a.flow", canonical)).unwrap();
    for text in [
        "fe -> be: \"x\" { code: a } via query as callback\n",
        "fe -> be: \"x\" via query as callback { code: a }\n",
        "fe -> be: \"x\" { code: a } as callback via query\n",
    ] {
        let flow = parse(&SourceFile::new("b.flow", text)).unwrap();
        let (a, b) = (
            flow.messages().next().unwrap(),
            canonical.messages().next().unwrap(),
        );
        assert_eq!(
            a.step.as_ref().map(|w| &w.text),
            b.step.as_ref().map(|w| &w.text),
            "{text}"
        );
        assert_eq!(
            a.via.as_ref().map(|w| &w.text),
            b.via.as_ref().map(|w| &w.text),
            "{text}"
        );
        assert_eq!(a.params.len(), 1, "{text}");
        assert_eq!(a.params[0].key.text, "code", "{text}");
    }
}
