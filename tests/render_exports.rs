//! The exports of the diagram: SVG on the text diagram's grid, and Mermaid.
//!
//! The SVG is checked against the text diagram of the same flow: every label, arrow head
//! and self-message loop must sit in the row and column where the text diagram draws it.

mod common;

use common::authflow;

use authflow::render::{
    Arrow, Diagram, Divider, Entry, Mark, TextStyle, render_d2, render_mermaid, render_plantuml,
    render_svg, render_text_to_string,
};
use authflow::syntax::{Flow, parse};
use authflow::{Severity, SourceFile};
use unicode_width::UnicodeWidthStr;

const SEED: &str = "flows/authorization_code.flow";

/// One column and one row of the SVG grid, in pixels.
const CELL: f64 = 8.4;
const ROW: f64 = 16.0;

fn flow(source: &str) -> Flow {
    parse(&SourceFile::new("test.flow", source)).expect("the flow parses")
}

fn seed() -> Flow {
    flow(&std::fs::read_to_string(SEED).unwrap())
}

fn svg(diagram: &Diagram) -> String {
    let mut out = Vec::new();
    render_svg(diagram, &mut out).unwrap();
    String::from_utf8(out).expect("the SVG is UTF-8")
}

fn mermaid(flow: &Flow) -> String {
    let mut out = Vec::new();
    render_mermaid(
        &Diagram::from_flow(flow),
        &flow.participant_order(),
        &mut out,
    )
    .unwrap();
    String::from_utf8(out).expect("the Mermaid text is UTF-8")
}

fn number(node: roxmltree::Node, attribute: &str) -> f64 {
    node.attribute(attribute)
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("{node:?} has no number {attribute}"))
}

/// The cluster of `line` that starts at display column `column` (empty if none does).
fn cell(line: &str, column: usize) -> String {
    let mut at = 0;
    for (i, c) in line.char_indices() {
        if at == column {
            let end = line[i..]
                .char_indices()
                .skip(1)
                .find(|&(_, c)| c.to_string().width() > 0)
                .map_or(line.len(), |(j, _)| i + j);
            return line[i..end].to_string();
        }
        at += c.to_string().width();
    }
    String::new()
}

/// `width` columns of `line` from display column `column`.
fn columns(line: &str, column: usize, width: usize) -> String {
    let mut text = String::new();
    let mut at = column;
    while at < column + width {
        let cluster = cell(line, at);
        assert!(!cluster.is_empty(), "nothing at column {at} of {line:?}");
        at += cluster.width();
        text.push_str(&cluster);
    }
    text
}

/// Parses the SVG (so it is well-formed XML) and checks it against the text diagram: the
/// same canvas in cells, and every label, head and loop in the text diagram's cells.
/// Returns the parsed labels, top to bottom.
fn check_against_text(diagram: &Diagram) -> Vec<String> {
    let svg = svg(diagram);
    let document = roxmltree::Document::parse(&svg).expect("the SVG is well-formed");
    let root = document.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let text = render_text_to_string(diagram, TextStyle::default());
    let lines: Vec<&str> = text.lines().collect();
    let (width, height) = (number(root, "width"), number(root, "height"));
    assert_eq!(
        root.attribute("viewBox"),
        Some(format!("0 0 {width} {height}").as_str())
    );
    assert_eq!(height, lines.len() as f64 * ROW);
    // The canvas, or a legend line wider than it.
    let widest = lines.iter().map(|line| line.width()).max().unwrap_or(0);
    assert_eq!((width / CELL).round() as usize, widest);

    let row = |y: f64| lines[(y / ROW).floor() as usize];
    let column = |x: f64| (x / CELL).floor() as usize;
    let mut labels = Vec::new();
    for node in root.descendants().filter(|n| n.is_element()) {
        match node.tag_name().name() {
            "text" => {
                let label = node.text().unwrap_or_default();
                let line = row(number(node, "y"));
                let x = number(node, "x") / CELL;
                // Centred labels are centred on their cells; the others start at `x`.
                let start = match node.attribute("class") {
                    Some("mid") => x - label.width() as f64 / 2.0,
                    _ => x,
                };
                assert!(
                    (start - start.round()).abs() < 1e-6,
                    "{label:?} off the grid"
                );
                let start = start.round() as usize;
                assert_eq!(columns(line, start, label.width()), label, "{line:?}");
                labels.push(label.to_string());
            }
            "path" if node.attribute("class") == Some("head") => {
                // `M tip,y L base,…`: the head points away from its base.
                let d = node.attribute("d").unwrap();
                let coordinates: Vec<f64> = d
                    .split(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().unwrap())
                    .collect();
                let (tip, y, base) = (coordinates[0], coordinates[1], coordinates[2]);
                let (line, tip) = (row(y), column(tip));
                if base < tip as f64 * CELL {
                    assert_eq!(cell(line, tip - 1), "▶", "{line:?}");
                } else {
                    assert_eq!(cell(line, tip + 1), "◀", "{line:?}");
                }
            }
            "path" => {
                // A self-message loop starts where the text draws `─┐`.
                let d = node.attribute("d").unwrap();
                let (x, rest) = d[1..].split_once(',').unwrap();
                let y: f64 = rest[..rest.find('H').unwrap()].parse().unwrap();
                let x = column(x.parse().unwrap());
                assert_eq!(columns(row(y), x + 1, 2), "─┐");
            }
            "rect" if node.attribute("class") != Some("under") && node.has_attribute("x") => {
                // Boxes, notes and frames: their corners where the text draws them.
                let (x, y) = (number(node, "x"), number(node, "y"));
                let (w, h) = (number(node, "width"), number(node, "height"));
                let top_left = cell(row(y), column(x));
                let bottom_right = cell(row(y + h), column(x + w));
                assert!(["┌"].contains(&top_left.as_str()), "{:?}", row(y));
                assert!(["┘"].contains(&bottom_right.as_str()), "{:?}", row(y + h));
            }
            "line" if node.attribute("class") == Some("else") => {
                // An `else` divider runs between the frame's tees.
                let y = number(node, "y1");
                assert_eq!(cell(row(y), column(number(node, "x1"))), "├");
                assert_eq!(cell(row(y), column(number(node, "x2"))), "┤");
            }
            "line" if node.attribute("stroke-dasharray").is_some() => {
                // A divider's line runs through the row where the text draws `⋯ text ⋯`.
                let y = number(node, "y1");
                assert_eq!(y, number(node, "y2"));
                assert!(row(y).contains('⋯'), "{:?}", row(y));
            }
            _ => {}
        }
    }
    labels
}

#[test]
fn seed_svg_matches_the_text_diagram_and_its_snapshot() {
    let flow = seed();
    let diagram = Diagram::from_flow(&flow);
    let labels = check_against_text(&diagram);
    // Four names twice, and every non-empty label once.
    assert_eq!(labels.len(), 8 + 11);
    let text = svg(&diagram);
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("render_export__seed_svg", text)
    });
}

#[test]
fn seed_mermaid_snapshot() {
    let text = mermaid(&seed());
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("render_export__seed_mermaid", text)
    });
}

#[test]
fn svg_output_is_deterministic() {
    let flow = seed();
    let diagram = Diagram::from_flow(&flow);
    assert_eq!(svg(&diagram), svg(&diagram));
}

const MARKUP: &str = r#"fe -> be: "a <&> \"q\" 'x' ;# b"
be -> be: "<&>\"';#"
"#;

#[test]
fn svg_escapes_markup_characters() {
    let flow = flow(MARKUP);
    let diagram = Diagram::from_flow(&flow);
    let labels = check_against_text(&diagram);
    assert!(labels.contains(&r#"a <&> "q" 'x' ;# b"#.to_string()));
    assert!(labels.contains(&r#"<&>"';#"#.to_string()));
    let text = svg(&diagram);
    assert!(text.contains(">a &lt;&amp;&gt; &quot;q&quot; &apos;x&apos; ;# b</text>"));
    assert!(text.contains(">&lt;&amp;&gt;&quot;&apos;;#</text>"));
}

/// Mermaid's entity codes (`#59;`) back into characters.
fn decode(text: &str) -> String {
    let mut decoded = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        decoded.push_str(&rest[..at]);
        let end = rest[at..].find(';').expect("an entity ends with `;`") + at;
        let code: u32 = rest[at + 1..end].parse().expect("a numeric entity");
        decoded.push(char::from_u32(code).unwrap());
        rest = &rest[end + 1..];
    }
    decoded + rest
}

#[test]
fn mermaid_writes_special_characters_as_entities() {
    let text = mermaid(&flow(MARKUP));
    assert_eq!(
        text,
        "sequenceDiagram\n    participant fe\n    participant be\n    \
         fe->>be: a #60;#38;#62; \"q\" 'x' #59;#35; b\n    \
         be->>be: #60;#38;#62;\"'#59;#35;\n"
    );
    for line in text.lines().skip(3) {
        let (_, label) = line.split_once(": ").unwrap();
        // Nothing in the text that Mermaid's lexer stops at or reads as markup.
        let bare: String = label
            .split('#')
            .map(|s| &s[s.find(';').map_or(0, |i| i + 1)..])
            .collect();
        assert!(
            !bare.contains([';', '#', '<', '>', '&', ':', '%']),
            "{line}"
        );
    }
    let labels: Vec<String> = text
        .lines()
        .skip(3)
        .map(|line| decode(line.split_once(": ").unwrap().1))
        .collect();
    assert_eq!(labels, [r#"a <&> "q" 'x' ;# b"#, r#"<&>"';#"#]);
}

const UNICODE: &str = r#"participant fe "Браузер"
participant 認可サーバー
participant "auth-server"
fe -> 認可サーバー: "вход в систему"
認可サーバー -> 認可サーバー: "確認する"
認可サーバー -> auth-server: "トークン"
auth-server -> fe: "ответ: 認可コード"
fe -> fe: ""
"#;

#[test]
fn cyrillic_and_cjk_text_keeps_its_cells() {
    let flow = flow(UNICODE);
    let labels = check_against_text(&Diagram::from_flow(&flow));
    for label in [
        "Браузер",
        "認可サーバー",
        "вход в систему",
        "確認する",
        "ответ: 認可コード",
    ] {
        assert!(labels.iter().any(|l| l == label), "{label} in {labels:?}");
    }
}

#[test]
fn mermaid_aliases_display_names_and_names_that_are_not_ids() {
    assert_eq!(
        mermaid(&flow(UNICODE)),
        "sequenceDiagram
    participant fe as Браузер
    participant p2 as 認可サーバー
    participant p3 as auth-server
    fe->>p2: вход в систему
    p2->>p2: 確認する
    p2->>p3: トークン
    p3->>fe: ответ#58; 認可コード
    fe->>fe: #32;
"
    );
}

#[test]
fn mermaid_keeps_keywords_out_of_ids_and_skips_lost_arrows() {
    let diagram = Diagram {
        participants: vec!["end", "Note", "p1"],
        entries: vec![
            Entry::Arrow(Arrow {
                from: 0,
                to: 1,
                label: "x",
            }),
            Entry::Arrow(Arrow {
                from: 2,
                to: 9,
                label: "lost",
            }),
        ],
        ..Diagram::default()
    };
    let mut out = Vec::new();
    render_mermaid(&diagram, &[], &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "sequenceDiagram
    participant p1_ as end
    participant p2 as Note
    participant p1
    p1_->>p2: x
"
    );
}

/// The seed flow, with the code expiring before the client redeems it.
fn seed_with_wait() -> Flow {
    let seed = std::fs::read_to_string(SEED).unwrap();
    let token_request = "be -> auth_server_be: \"request token\"";
    assert!(seed.contains(token_request));
    flow(&seed.replace(token_request, &format!("wait 11m\n{token_request}")))
}

const WIDE_WAIT: &str = "a -> b: \"code\"\nwait 1h30m\nb -> a: \"x\"\n";

macro_rules! snapshot {
    ($name:literal, $out:expr) => {
        insta::with_settings!(
            { snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true },
            { insta::assert_snapshot!($name, $out) }
        )
    };
}

#[test]
fn wait_svg_matches_the_text_diagram() {
    let seed = seed_with_wait();
    let diagram = Diagram::from_flow(&seed);
    let labels = check_against_text(&diagram);
    assert_eq!(labels.len(), 8 + 11 + 1);
    assert!(labels.contains(&"11m later".to_string()));
    snapshot!("render_wait_svg", svg(&diagram));

    let wide = flow(WIDE_WAIT);
    let diagram = Diagram::from_flow(&wide);
    check_against_text(&diagram);
    snapshot!("render_wait_wide_svg", svg(&diagram));
}

#[test]
fn wait_mermaid_is_a_note_over_every_participant() {
    snapshot!("render_wait_mermaid", mermaid(&seed_with_wait()));
    assert_eq!(
        mermaid(&flow("participant x\nwait 30s\nx -> x: \"think\"\n")),
        "sequenceDiagram\n    participant x\n    Note over x: 30s later\n    x->>x: think\n"
    );
    let divider = Entry::Divider(Divider {
        text: "later; maybe".to_string(),
    });
    let mut out = Vec::new();
    let nobody = Diagram {
        participants: vec![],
        entries: vec![divider.clone()],
        ..Diagram::default()
    };
    render_mermaid(&nobody, &[], &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "sequenceDiagram\n");
    let mut out = Vec::new();
    let two = Diagram {
        participants: vec!["a-b", "c"],
        entries: vec![divider],
        ..Diagram::default()
    };
    render_mermaid(&two, &[], &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "sequenceDiagram\n    participant p1 as a-b\n    participant c\n    \
         Note over p1,c: later#59; maybe\n"
    );
}

#[test]
fn cli_renders_mermaid_and_svg() {
    authflow()
        .args(["render", "--format", "mermaid", SEED])
        .assert()
        .success()
        .stdout(mermaid(&seed()));
    authflow()
        .args(["render", "--format", "svg", SEED])
        .assert()
        .success()
        .stdout(svg(&Diagram::from_flow(&seed())));
}

#[test]
fn cli_rejects_text_options_with_other_formats() {
    for args in [
        ["--ascii", "--format", "svg"],
        ["--trim", "--format", "mermaid"],
    ] {
        authflow()
            .arg("render")
            .args(args)
            .arg(SEED)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicates::str::contains(format!(
                "`{}` applies to `--format text` only",
                args[0]
            )));
    }
    authflow()
        .args(["render", "--ascii", "--format", "text", SEED])
        .assert()
        .success();
}

/// A flow with every extension: notes, nested fragments, numbers and participant boxes.
const EXTENSIONS: &str = r#"---
title: Every extension
---
autonumber
box "Client" fe be
note left of fe: "starts here\nwith a click"
fe -> be: "login"
alt "valid code"
  be -> auth_server_be: "redeem"
  loop 2 "poll"
    auth_server_be -> auth_server_be: "認可"
  end
  note over be, auth_server_be: "both sides"
else "invalid code"
  opt
    auth_server_be -> fe: "error"
  end
end
note right of auth_server_be: "done"
"#;

#[test]
fn every_extension_svg_matches_the_text_diagram() {
    let file = SourceFile::new("extensions.flow", EXTENSIONS);
    let flow = parse(&file).unwrap();
    let mut diagram = Diagram::from_flow(&flow)
        .titled(&flow)
        .numbered(&flow, &file);
    diagram.marks = vec![
        Mark {
            arrow: 1,
            id: "state_match",
            severity: Severity::Error,
            line: 9,
            message: "a message long enough to be wider than the whole diagram drawn above",
        },
        Mark {
            arrow: 2,
            id: "pkce_required",
            severity: Severity::Warning,
            line: 11,
            message: "no PKCE",
        },
    ];
    let labels = check_against_text(&diagram);
    for label in [
        "Every extension",
        "Client",
        "starts here",
        "7. login",
        "alt: valid code",
        "loop 2 times: poll",
        "11. 認可",
        "else: invalid code",
        "opt",
        "✗ state_match",
        "! pkce_required",
        "! warning[pkce_required] line 11: no PKCE",
    ] {
        assert!(labels.iter().any(|l| l == label), "{label} in {labels:?}");
    }
    let text = svg(&diagram);
    assert!(text.contains("<title>Every extension</title>"));
    snapshot!("render_extensions_svg", text);
}

#[test]
fn every_extension_in_mermaid() {
    let file = SourceFile::new("extensions.flow", EXTENSIONS);
    let flow = parse(&file).unwrap();
    let mut out = Vec::new();
    let diagram = Diagram::from_flow(&flow)
        .titled(&flow)
        .numbered(&flow, &file);
    render_mermaid(&diagram, &flow.participant_order(), &mut out).unwrap();
    snapshot!("render_extensions_mermaid", String::from_utf8(out).unwrap());
}

#[test]
fn every_extension_in_plantuml_and_d2() {
    let file = SourceFile::new("extensions.flow", EXTENSIONS);
    let flow = parse(&file).unwrap();
    let diagram = Diagram::from_flow(&flow)
        .titled(&flow)
        .numbered(&flow, &file);
    let mut out = Vec::new();
    render_plantuml(&diagram, &mut out).unwrap();
    snapshot!(
        "render_extensions_plantuml",
        String::from_utf8(out).unwrap()
    );
    let mut out = Vec::new();
    render_d2(&diagram, &mut out).unwrap();
    snapshot!("render_extensions_d2", String::from_utf8(out).unwrap());
}
