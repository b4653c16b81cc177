//! The text renderer against the spec: the seed diagram byte for byte, and snapshots of the
//! cases the seed does not exercise (each checked by hand against the layout rules).

use authflow::render::{
    Arrow, Diagram, Divider, Entry, Mark, TextStyle, render_text, render_text_to_string,
};
use authflow::syntax::parse;
use authflow::{Severity, SourceFile};
use unicode_width::UnicodeWidthStr;

const SEED: &str = include_str!("fixtures/seed_diagram.txt");

const TRIM: TextStyle = TextStyle {
    ascii: false,
    trim: true,
};

const ASCII: TextStyle = TextStyle {
    ascii: true,
    trim: false,
};

fn diagram<'a>(participants: &[&'a str], messages: &[(usize, usize, &'a str)]) -> Diagram<'a> {
    Diagram {
        participants: participants.to_vec(),
        entries: messages
            .iter()
            .map(|&(from, to, label)| Entry::Arrow(Arrow { from, to, label }))
            .collect(),
        ..Diagram::default()
    }
}

/// The seed flow, built by hand.
fn seed() -> Diagram<'static> {
    diagram(
        &["fe", "auth_server_be", "auth_server_fe", "be"],
        &[
            (0, 0, "click"),
            (0, 1, "redirect"),
            (1, 2, "redirect"),
            (2, 2, "enter "),
            (2, 1, "login, permission"),
            (1, 1, "verify"),
            (1, 0, "code"),
            (0, 3, ""),
            (3, 1, "request token"),
            (1, 0, "access token"),
            (0, 3, "access token"),
            (3, 0, "response"),
        ],
    )
}

/// Renders in the default style after checking what holds for every diagram: all rows
/// as wide as the canvas, and the other styles only differing where they should.
fn render(diagram: &Diagram) -> String {
    let out = render_text_to_string(diagram, TextStyle::default());
    let width = canvas_width(&out);

    let trimmed: String = out
        .lines()
        .map(|line| line.trim_end_matches(' ').to_owned() + "\n")
        .collect();
    assert_eq!(render_text_to_string(diagram, TRIM), trimmed);

    let ascii = render_text_to_string(diagram, ASCII);
    if canvas_width(&ascii) == width {
        assert_eq!(ascii, ascii_chars(&out));
    } else {
        // Only a divider wider than the canvas widens it, and `... text ...` is 4 columns
        // wider than `⋯ text ⋯`.
        assert!(out.contains('⋯'));
        assert!((width + 1..=width + 4).contains(&canvas_width(&ascii)));
    }
    out
}

/// Checks that every row of `out` is as wide as the canvas, with a blank column last, and
/// returns that width.
fn canvas_width(out: &str) -> usize {
    let widths: Vec<usize> = out.lines().map(UnicodeWidthStr::width).collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "ragged rows: {widths:?}"
    );
    assert!(
        out.lines().all(|line| line.ends_with(' ')),
        "no trailing blank column"
    );
    widths.first().copied().unwrap_or(0)
}

/// The default output with its drawing characters replaced by the ASCII style's. A
/// divider's `⋯` becomes `...` over the two columns before the first one and after the
/// last one, so the text between stays where it is.
fn ascii_chars(out: &str) -> String {
    let mut ascii = String::new();
    for line in out.lines() {
        let mut cells: Vec<String> = line
            .chars()
            .map(|c| match c {
                '─' => '-',
                '│' => '|',
                '┌' | '┐' | '└' | '┘' | '┼' | '├' | '┤' => '+',
                '╌' => '-',
                '✗' => 'X',
                '▶' => '>',
                '◀' => '<',
                c => c,
            })
            .map(String::from)
            .collect();
        if let Some(first) = cells.iter().position(|c| c == "⋯") {
            let last = cells.iter().rposition(|c| c == "⋯").unwrap();
            cells.splice(last..=last + 2, ["...".to_string()]);
            cells.splice(first - 2..=first, ["...".to_string()]);
        }
        ascii.extend(cells);
        ascii.push('\n');
    }
    ascii
}

macro_rules! snapshot {
    ($name:literal, $out:expr) => {
        insta::with_settings!(
            { snapshot_path => "../snapshots", prepend_module_to_snapshot => false },
            { insta::assert_snapshot!($name, $out) }
        )
    };
}

#[test]
fn seed_built_by_hand_renders_byte_for_byte() {
    let mut out = Vec::new();
    render_text(&seed(), TextStyle::default(), &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), SEED);
}

#[test]
fn seed_flow_file_renders_byte_for_byte() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/flows/authorization_code.flow");
    let text = std::fs::read_to_string(path).unwrap();
    let file = SourceFile::new(path, text);
    let flow = parse(&file).unwrap_or_else(|errors| panic!("{errors:?}"));
    let diagram = Diagram::from_flow(&flow);
    assert_eq!(render(&diagram), SEED);
}

#[test]
fn declared_display_text_is_drawn_in_the_box() {
    let file = SourceFile::new(
        "display.flow",
        "participant authz \"Authorization Server\"\nclient -> authz: \"hi\"\n",
    );
    let flow = parse(&file).unwrap_or_else(|errors| panic!("{errors:?}"));
    let diagram = Diagram::from_flow(&flow);
    assert_eq!(diagram.participants, ["Authorization Server", "client"]);
    assert_eq!(
        diagram.entries,
        [Entry::Arrow(Arrow {
            from: 1,
            to: 0,
            label: "hi"
        })]
    );
}

fn parse_flow(source: &str) -> authflow::syntax::Flow {
    let file = SourceFile::new("test.flow", source);
    parse(&file).unwrap_or_else(|errors| panic!("{errors:?}"))
}

/// The seed flow, with the code expiring before the client redeems it.
fn seed_with_wait() -> String {
    let seed = include_str!("../flows/authorization_code.flow");
    let token_request = "be -> auth_server_be: \"request token\"";
    assert!(seed.contains(token_request));
    seed.replace(token_request, &format!("wait 11m\n{token_request}"))
}

#[test]
fn wait_is_drawn_as_a_divider_in_flow_order() {
    let flow = parse_flow("a -> b: \"code\"\nwait 1h30m\nwait 2s\nb -> a: \"x\"\n");
    let divider = |text: &str| {
        Entry::Divider(Divider {
            text: text.to_string(),
        })
    };
    assert_eq!(
        Diagram::from_flow(&flow).entries,
        [
            Entry::Arrow(Arrow {
                from: 0,
                to: 1,
                label: "code"
            }),
            divider("1h30m later"),
            divider("2s later"),
            Entry::Arrow(Arrow {
                from: 1,
                to: 0,
                label: "x"
            }),
        ]
    );
}

#[test]
fn seed_with_a_wait() {
    let flow = parse_flow(&seed_with_wait());
    let out = render(&Diagram::from_flow(&flow));
    // The wait adds its two rows and nothing else: without them it is the seed again.
    let lines: Vec<&str> = out.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.contains("⋯ 11m later ⋯"))
        .unwrap();
    let without: String = [&lines[..at], &lines[at + 2..]]
        .concat()
        .iter()
        .map(|line| format!("{line}\n"))
        .collect();
    assert_eq!(without, SEED);
    snapshot!("render_wait", out);
}

#[test]
fn wait_wider_than_the_canvas_widens_it() {
    let flow = parse_flow("a -> b: \"code\"\nwait 1h30m\nb -> a: \"x\"\n");
    let diagram = Diagram::from_flow(&flow);
    snapshot!("render_wait_wide", render(&diagram));
    snapshot!(
        "render_wait_wide_ascii",
        render_text_to_string(&diagram, ASCII)
    );
}

#[test]
fn wide_characters_in_a_divider_keep_their_columns() {
    let mut d = diagram(
        &["利用者", "b", "認可サーバー"],
        &[(0, 2, "コード"), (2, 0, "期限切れ")],
    );
    d.entries.insert(
        1,
        Entry::Divider(Divider {
            text: "コード 期限切れ".to_string(),
        }),
    );
    snapshot!("render_wait_cjk", render(&d));
}

#[test]
fn seed_ascii() {
    snapshot!("render_ascii", render_text_to_string(&seed(), ASCII));
}

#[test]
fn seed_trimmed() {
    let out = render_text_to_string(&seed(), TRIM);
    assert!(out.lines().all(|line| !line.ends_with(' ')));
    snapshot!("render_trim", out);
}

#[test]
fn ascii_and_trim_together() {
    let both = TextStyle {
        ascii: true,
        trim: true,
    };
    let out = render_text_to_string(&seed(), both);
    let expected: String = render_text_to_string(&seed(), ASCII)
        .lines()
        .map(|line| line.trim_end().to_owned() + "\n")
        .collect();
    assert_eq!(out, expected);
    assert!(out.is_ascii());
}

#[test]
fn cyrillic_labels() {
    let d = diagram(
        &["клиент", "сервер"],
        &[(0, 1, "запрос кода"), (1, 1, "проверка"), (1, 0, "код")],
    );
    snapshot!("render_cyrillic", render(&d));
}

#[test]
fn cjk_and_emoji_in_names_and_labels() {
    let d = diagram(
        &["利用者", "🔑 vault", "認可サーバー"],
        &[
            (0, 1, "開く 🔓"),
            (1, 2, "トークン要求"),
            (2, 2, "検証 ✅"),
            (2, 0, "👩\u{200D}💻 done"),
        ],
    );
    snapshot!("render_cjk_emoji", render(&d));
}

#[test]
fn label_spanning_several_gaps_grows_the_rightmost() {
    let d = diagram(
        &["a", "b", "c", "d"],
        &[
            (0, 3, "a label far wider than the three gaps it spans"),
            (2, 0, "then wider than two"),
            (1, 3, "漢字 crossing a lifeline"),
        ],
    );
    snapshot!("render_multi_gap", render(&d));
}

#[test]
fn self_message_on_the_last_participant_widens_the_canvas() {
    let d = diagram(
        &["client", "server"],
        &[
            (0, 1, "hi"),
            (1, 1, "a long thought of the server"),
            (1, 1, ""),
        ],
    );
    snapshot!("render_self_last", render(&d));
}

#[test]
fn odd_box_widths() {
    let d = diagram(
        &["a", "odd", "x", "fives"],
        &[(0, 1, "1"), (1, 2, "22"), (2, 3, "333"), (3, 0, "back")],
    );
    snapshot!("render_odd_boxes", render(&d));
}

#[test]
fn single_participant() {
    let d = diagram(&["solo"], &[(0, 0, "think"), (0, 0, "again")]);
    snapshot!("render_single", render(&d));
}

#[test]
fn single_participant_without_messages() {
    let d = diagram(&["x"], &[]);
    snapshot!("render_single_no_messages", render(&d));
}

#[test]
fn empty_labels_and_names() {
    let d = diagram(
        &["", "b"],
        &[(0, 1, ""), (1, 0, ""), (0, 0, ""), (1, 1, "")],
    );
    snapshot!("render_empty_labels", render(&d));
}

#[test]
fn empty_diagram_draws_nothing() {
    assert_eq!(
        render_text_to_string(&Diagram::default(), TextStyle::default()),
        ""
    );
    assert_eq!(
        render_text_to_string(&diagram(&[], &[(0, 1, "x")]), TRIM),
        ""
    );
}

#[test]
fn hostile_input_does_not_panic() {
    let huge = "W".repeat(5000);
    let d = diagram(
        &["a\tb", "\u{301}", "e\u{301}", &huge],
        &[
            (0, 9, "nobody"),
            (usize::MAX, 0, "nobody"),
            (3, 3, "line\nbreak"),
            (0, 3, &huge),
            (1, 2, "\u{1b}[31mred"),
        ],
    );
    let out = render(&d);
    assert!(!out.contains('\u{1b}'));
    assert_eq!(out.lines().count(), 3 + 4 + 3 + 3 + 3);
}

// ---------------------------------------------------------------------------------------
// Extensions: notes, fragments, numbers, participant boxes, titles and marks. Each is
// checked by `render` (rows as wide as the canvas, `--trim` and `--ascii` differing only
// where they should) and snapshotted; the snapshots were checked by hand against
// `docs/diagram-layout.md`.

const NOTES: &str = r#"note left of client: "left of the first\nshifts everything"
client -> server: "hello"
note right of server: "right of the last\nwidens the canvas"
note over client: "over one"
note over client, server: "over two, wider than the gap between them"
server -> server: "think"
note over server: "認可コード"
note over server, client: ""
"#;

#[test]
fn notes_in_every_placement() {
    let flow = parse_flow(NOTES);
    snapshot!("render_notes", render(&Diagram::from_flow(&flow)));
}

const FRAGMENTS: &str = r#"autonumber
a -> b: "first"
alt "valid code"
  b -> c: "redeem"
  loop 3 "poll"
    c -> c: "wait"
  end
else "invalid code"
  b -> a: "error"
else
  opt
    a -> c: ""
  end
end
c -> a: "done"
"#;

#[test]
fn nested_fragments_with_numbers() {
    let file = SourceFile::new("fragments.flow", FRAGMENTS);
    let flow = parse(&file).unwrap();
    let out = render(&Diagram::from_flow(&flow).numbered(&flow, &file));
    snapshot!("render_fragments", out);
}

#[test]
fn numbers_only_prefix_labels() {
    // The seed numbered draws exactly the seed whose labels carry their line numbers
    // (after a comment line, so that numbers are lines, not counts).
    let seed = format!(
        "# numbered\n{}",
        include_str!("../flows/authorization_code.flow")
    );
    let file = SourceFile::new("seed.flow", seed.as_str());
    let numbered = parse(&file).unwrap();
    let prefixed: String = seed
        .lines()
        .enumerate()
        .skip(1)
        .map(|(index, line)| {
            let (head, label) = line.split_once(": \"").unwrap();
            let separator = if label == "\"" { "" } else { " " };
            format!("{head}: \"{}.{separator}{label}\n", index + 1)
        })
        .collect();
    assert!(prefixed.starts_with("fe -> fe: \"2. click\""));
    assert_eq!(
        render(&Diagram::from_flow(&numbered).numbered(&numbered, &file)),
        render(&Diagram::from_flow(&parse_flow(&prefixed)))
    );
}

const GROUPS: &str = r#"box "Client application" fe be
box "AS" auth_server_be
fe -> be: "x"
be -> auth_server_be: "y"
auth_server_be -> rs: "z"
"#;

#[test]
fn participant_boxes_and_their_titles() {
    let flow = parse_flow(GROUPS);
    let out = render(&Diagram::from_flow(&flow));
    snapshot!("render_groups", out);
}

#[test]
fn group_titles_never_collide() {
    // Two one-participant groups whose titles are far wider than their boxes.
    let flow = parse_flow("box \"a long title\" a\nbox \"another long title\" b\na -> b: \"\"\n");
    let out = render(&Diagram::from_flow(&flow));
    let top = out.lines().next().unwrap();
    assert!(
        top.contains("┐ ┌") || top.contains("┐  "),
        "brackets touch: {top:?}"
    );
    snapshot!("render_groups_long_titles", out);
}

#[test]
fn title_line_and_marks_with_a_legend() {
    let flow = parse_flow(
        "---\ntitle: A title longer than the whole diagram\n---\na -> b: \"x\"\nb -> b: \"y\"\n",
    );
    let mut diagram = Diagram::from_flow(&flow).titled(&flow);
    let out = render(&diagram);
    assert!(out.starts_with("A title longer than the whole diagram "));
    diagram.marks = vec![
        Mark {
            arrow: 0,
            id: "state_match",
            severity: Severity::Error,
            line: 4,
            message: "the state differs",
        },
        Mark {
            arrow: 0,
            id: "pkce_required",
            severity: Severity::Warning,
            line: 4,
            message: "no PKCE",
        },
        Mark {
            arrow: 1,
            id: "state_match",
            severity: Severity::Error,
            line: 4,
            message: "the state differs",
        },
    ];
    let marked = render_text_to_string(&diagram, TextStyle::default());
    // Under the canvas, a blank line, then each finding once (padded to the canvas when
    // shorter).
    let width = marked.lines().next().map_or(0, UnicodeWidthStr::width);
    let legend: Vec<&str> = marked.lines().rev().take(3).collect();
    assert_eq!(
        legend,
        [
            "! warning[pkce_required] line 4: no PKCE",
            "✗ error[state_match] line 4: the state differs",
            "",
        ]
        .map(|line| format!("{line:width$}"))
    );
    let ascii = render_text_to_string(&diagram, ASCII);
    assert!(ascii.contains("X state_match ! pkce_required"), "{ascii}");
    snapshot!("render_marks", marked);
}
