//! `authflow fmt`: the canonical form is stable (formatting formatted text changes nothing)
//! and faithful (the formatted text parses to the same statements), on every flow in
//! `flows/`, on hand-picked tricky inputs and on generated ones; and the command rewrites,
//! checks and reports as documented.

mod common;

use common::{authflow_in, scratch};

use std::path::{Path, PathBuf};

use authflow::syntax::format::format_flow;
use authflow::syntax::*;
use authflow::{SourceFile, Span, render_diagnostics};

fn parse_text(name: &str, text: &str) -> Flow {
    let file = SourceFile::new(name, text);
    parse(&file).unwrap_or_else(|d| panic!("{name}:\n{}", render_diagnostics(&d, &file, false)))
}

/// What a flow means, with everything that only says where it was written erased: spans,
/// whether a name was quoted, blank lines, and trailing whitespace in comments.
fn meaning(flow: &Flow) -> (Option<FrontMatter>, Vec<String>) {
    let zero = Span::default();
    let name = |n: &Name| Name {
        text: n.text.clone(),
        quoted: false,
        span: zero,
    };
    let label = |l: &Label| Label {
        text: l.text.clone(),
        span: zero,
    };
    let word = |w: &Word| Word {
        text: w.text.clone(),
        span: zero,
    };
    let params = |params: &[Param]| -> Vec<Param> {
        params
            .iter()
            .map(|p| Param {
                key: word(&p.key),
                value: match &p.value {
                    ParamValue::Quoted(l) => ParamValue::Quoted(label(l)),
                    ParamValue::Bare(w) => ParamValue::Bare(word(w)),
                    ParamValue::Absent(_) => ParamValue::Absent(zero),
                },
                span: zero,
            })
            .collect()
    };
    let statement = |s: &Statement| match s {
        Statement::Participant(p) => Statement::Participant(Participant {
            name: name(&p.name),
            display: p.display.as_ref().map(label),
            role: p.role.as_ref().map(word),
            params: params(&p.params),
            span: zero,
        }),
        Statement::Message(m) => Statement::Message(Message {
            from: name(&m.from),
            to: name(&m.to),
            label: label(&m.label),
            step: m.step.as_deref().map(word).map(Box::new),
            via: m.via.as_deref().map(word).map(Box::new),
            params: params(&m.params).into(),
            span: zero,
        }),
        Statement::Wait(w) => Statement::Wait(Wait {
            seconds: w.seconds,
            written: w.written.clone(),
            span: zero,
        }),
        Statement::Note(n) => Statement::Note(Note {
            placement: n.placement,
            participants: n.participants.iter().map(name).collect(),
            text: label(&n.text),
            span: zero,
        }),
        Statement::FragmentStart(f) => Statement::FragmentStart(FragmentStart {
            kind: f.kind,
            times: f.times,
            label: f.label.as_ref().map(label),
            span: zero,
        }),
        Statement::Else(e) => Statement::Else(Else {
            label: e.label.as_ref().map(label),
            span: zero,
        }),
        Statement::End(_) => Statement::End(End { span: zero }),
        Statement::Autonumber(_) => Statement::Autonumber(Autonumber { span: zero }),
        Statement::Box(b) => Statement::Box(ParticipantBox {
            title: label(&b.title),
            members: b.members.iter().map(name).collect(),
            span: zero,
        }),
    };
    let lines = flow
        .lines
        .iter()
        .filter_map(|line| match line {
            Line::Blank => None,
            Line::Comment(c) => Some(format!("comment {:?}", c.text.trim_end())),
            Line::Statement {
                statement: s,
                comment,
            } => Some(format!(
                "{:?} {:?}",
                statement(s),
                comment.as_ref().map(|c| c.text.trim_end())
            )),
        })
        .collect();
    (flow.front_matter.as_ref().map(|f| f.value.clone()), lines)
}

/// Formats `text` and checks the two promises; returns the canonical text.
fn assert_canonical(name: &str, text: &str) -> String {
    let original = parse_text(name, text);
    let once = format_flow(&original);
    let reparsed = parse_text(&format!("{name} (formatted)"), &once);
    assert_eq!(
        meaning(&reparsed),
        meaning(&original),
        "{name}: formatting changed the meaning:\n{once}"
    );
    let twice = format_flow(&reparsed);
    assert_eq!(twice, once, "{name}: formatting is not idempotent");
    assert!(
        once.is_empty() || (once.ends_with('\n') && !once.ends_with("\n\n")),
        "{name}: must end with exactly one newline: {once:?}"
    );
    assert!(!once.starts_with('\n'), "{name}: leading blank line");
    // Front matter is YAML kept as written (its blank lines can be content, in a block
    // scalar); the statements after it are fmt's own.
    let body = match once.strip_prefix("---\n") {
        Some(yaml_on) => yaml_on
            .split_once("\n---\n")
            .map_or(yaml_on, |(_, body)| body),
        None => &once,
    };
    assert!(!body.contains("\n\n\n"), "{name}: two blank lines in a row");
    assert!(!once.contains('\r'), "{name}: CR left in {once:?}");
    once
}

fn flow_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            flow_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "flow") {
            out.push(path);
        }
    }
}

/// Every `.flow` file under `dir` (relative to the repository), of which there are some,
/// formats stably and faithfully.
fn assert_every_flow_canonical(dir: &str) {
    let mut files = Vec::new();
    flow_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir), &mut files);
    assert!(!files.is_empty(), "no flows under {dir}");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert_canonical(&path.display().to_string(), &text);
    }
}

#[test]
fn every_catalogue_flow_formats_stably_and_faithfully() {
    assert_every_flow_canonical("flows");
}

/// Inputs the fuzzers found (`fuzz/findings/`): each is a regression test from then on.
#[test]
fn fuzz_findings_format_stably_and_faithfully() {
    assert_every_flow_canonical("fuzz/findings");
}

#[test]
fn seed_flow_is_already_canonical() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/flows/authorization_code.flow");
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(assert_canonical(path, &text), text);
}

const TRICKY: &[(&str, &str)] = &[
    ("empty", ""),
    ("only blanks", "\n\n   \n\t\n"),
    ("only a comment", "#"),
    (
        "quoted names",
        "\"my app\" -> \"the server\": \"hi\"\n\"fe\" -> \"be\": \"bare after all\"\n",
    ),
    (
        "names that must stay quoted",
        "\"a#b\" -> \"x:y\": \"\"\n\"say \\\"hi\\\"\" -> \"back\\\\slash\": \"\"\n\"a->b\" -> \" lead\": \"\"\n",
    ),
    (
        "names that look odd but are bare",
        "a- -> -b: \"\"\n- -> x.y_z-1: \"\"\nparticipant -> wait: \"\"\nas -> as: \"\" as other\n",
    ),
    (
        "escapes in labels and values",
        "fe -> be: \"\\\"quoted\\\" and \\\\ back\" { state: \"a\\\"b\", code: \"\\\\\" }\n",
    ),
    (
        "unicode",
        "participant 認可 \"Сервер авторизации\" as authorization_server\nбраузер -> 認可: \"ログイン 🔑\"\n\"naïve café\" -> 認可: \"é\"\n",
    ),
    (
        "labels keep their spaces",
        "fe -> fe: \"  enter  \"\nfe -> be: \"\"\n",
    ),
    (
        "comments as written",
        "#no space\n# one space\n   #   indented   \nfe -> be: \"x\" #trailing  \nfe -> be: \"y\"# tight\n#\n",
    ),
    (
        "params",
        "fe->be:\"x\"{state:forged,code : none , redirect_uri:https://evil.example/cb,scope:\"a b\",}\nfe -> be: \"y\" {}\nfe -> be: \"z\" as callback{ code: none }\nfe -> be: \"w\"  via   query {access_token: t}\n",
    ),
    (
        "participants and waits",
        "participant   fe\nparticipant be   \"Back end\"\nparticipant \"x y\" as attacker\nwait   11m\nwait 1h30m  # long\nparticipant app as client{client_id:app-2 }\n",
    ),
    (
        "front matter",
        "---\ntitle: \"demo\"   \nclient: { type: public, pkce: true }\nexpect: [state_match]\n---\nfe -> be: \"x\"\n",
    ),
    (
        "front matter with a blank line after it",
        "---\ndescription: |\n  kept  \n  verbatim\n---\n\n\n# then the flow\nfe -> be: \"x\"\n\n",
    ),
    ("empty front matter", "---\n---\nfe -> be: \"\"\n"),
    (
        "CRLF",
        "---\r\ntitle: crlf\r\n---\r\nfe -> be: \"a\"\r\n\r\n\r\n# c\r\nbe -> fe: \"b\"\r\n",
    ),
    ("byte order mark", "\u{FEFF}fe -> be: \"x\"\n"),
    ("no final newline", "fe -> be: \"x\""),
    ("tabs between tokens", "fe\t->\tbe:\t\"x\"\t#\ttab\n"),
    (
        "notes, boxes and numbering",
        "autonumber  # all of them\nbox \"Client\"   fe \"back end\"\nnote  right of  fe:\"a\\nb \\\"c\\\"\"\nfe -> \"back end\": \"x\"\nnote over fe ,\"back end\" : \"\"\n",
    ),
    (
        "nested fragments, indented",
        "alt \"ok\"\n# inside\nfe -> be: \"x\"\n\n      opt\n  loop 3   \"retry\"\nbe -> fe: \"y\"\n end\nend\nelse\nelse \"third\"  # c\nend\n",
    ),
];

#[test]
fn tricky_inputs_format_stably_and_faithfully() {
    for (name, text) in TRICKY {
        assert_canonical(name, text);
    }
}

/// The canonical form of every tricky input, reviewed by eye.
#[test]
fn tricky_inputs_canonical_form() {
    let mut all = String::new();
    for (name, text) in TRICKY {
        all.push_str(&format!("==== {name}\n{}", assert_canonical(name, text)));
    }
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("fmt__tricky", all);
    });
}

/// Generated flows: random spacing around random tokens, the kind of variation hand
/// written files have. A tiny deterministic generator keeps failures reproducible.
#[test]
fn generated_inputs_format_stably_and_faithfully() {
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }
    const NAMES: &[&str] = &[
        "fe",
        "be",
        "a-",
        "x.y",
        "\"fe\"",
        "\"a b\"",
        "\"q\\\"t\"",
        "ü",
        "\"#\"",
        "-",
    ];
    const LABELS: &[&str] = &["\"\"", "\"x \"", "\" \\\\ \"", "\"a\\\"b\"", "\"{ , }\""];
    const VALUES: &[&str] = &["none", "bare", "\"q v\"", "https://x/y?z=1", "\"\""];
    const SPACE: &[&str] = &["", " ", "  ", "\t"];
    const COMMENTS: &[&str] = &["", "#c", "# c  ", "#"];
    let mut rng = Rng(42);
    let mut checked = 0;
    for case in 0..300 {
        let mut text = String::new();
        let eol = if case % 7 == 0 { "\r\n" } else { "\n" };
        for _ in 0..rng.below(8) {
            let mut line = rng.pick(SPACE).to_string();
            match rng.below(6) {
                0 => {}
                1 => line.push_str(rng.pick(&COMMENTS[1..])),
                2 => {
                    line.push_str("participant ");
                    line.push_str(rng.pick(NAMES));
                    if rng.below(2) == 0 {
                        line.push(' ');
                        line.push_str(rng.pick(LABELS));
                    }
                    if rng.below(2) == 0 {
                        line.push_str(" as client");
                    }
                    if rng.below(3) == 0 {
                        line.push_str(&format!(
                            "{}{{client_id:{}}}",
                            rng.pick(SPACE),
                            rng.pick(VALUES)
                        ));
                    }
                }
                3 => line.push_str(&format!("wait{}{}", rng.pick(&SPACE[1..]), "30s")),
                _ => {
                    let s = |rng: &mut Rng| rng.pick(SPACE);
                    let from = rng.pick(NAMES);
                    let sep = if from.ends_with('-') {
                        " "
                    } else {
                        s(&mut rng)
                    };
                    line.push_str(&format!(
                        "{from}{sep}->{}{}{}:{}{}",
                        s(&mut rng),
                        rng.pick(NAMES),
                        s(&mut rng),
                        s(&mut rng),
                        rng.pick(LABELS)
                    ));
                    if rng.below(3) == 0 {
                        line.push_str(" as callback");
                    }
                    if rng.below(3) == 0 {
                        line.push_str(" via fragment");
                    }
                    if rng.below(2) == 0 {
                        line.push_str(&format!("{}{{", s(&mut rng)));
                        let keys = ["state", "code", "scope"];
                        for key in &keys[..rng.below(4)] {
                            line.push_str(&format!(
                                "{}{key}{}:{}{},",
                                s(&mut rng),
                                s(&mut rng),
                                s(&mut rng),
                                rng.pick(VALUES)
                            ));
                        }
                        line.push('}');
                    }
                    line.push_str(s(&mut rng));
                    line.push_str(rng.pick(COMMENTS));
                }
            }
            text.push_str(&line);
            text.push_str(eol);
        }
        // Generated flows may declare a participant twice; those are not flows at all.
        let file = SourceFile::new("gen.flow", text.as_str());
        if parse(&file).is_ok() {
            assert_canonical(&format!("generated case {case}: {text:?}"), &text);
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} generated flows parsed");
}

// ---------------------------------------------------------------------------------------
// The command.

const MESSY: &str = "fe->be :\"x\"   # hi  \n\n\n\nbe -> fe: \"y\"\nfe -> be: \"z\"{a:b}\n";
const CANONICAL: &str = "fe -> be: \"x\"  # hi\n\nbe -> fe: \"y\"\nfe -> be: \"z\" { a: b }\n";

#[test]
fn check_lists_unformatted_files_with_a_diff_and_changes_nothing() {
    let dir = scratch("fmt", "check");
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("sub/messy.flow"), MESSY).unwrap();
    std::fs::write(dir.join("clean.flow"), CANONICAL).unwrap();
    std::fs::write(dir.join("crlf.flow"), CANONICAL.replace('\n', "\r\n")).unwrap();
    std::fs::write(dir.join("notes.txt"), "not a flow").unwrap();
    let output = authflow_in(&dir)
        .args(["fmt", "--check", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("fmt__check_output", stdout);
    });
    assert_eq!(
        std::fs::read_to_string(dir.join("sub/messy.flow")).unwrap(),
        MESSY
    );

    authflow_in(&dir)
        .args(["fmt", "--check", "clean.flow"])
        .assert()
        .code(0)
        .stdout("");
}

/// A CRLF file keeps its line endings: only what the canonical form changes is flagged.
#[test]
fn crlf_files_keep_their_line_endings() {
    let dir = scratch("fmt", "crlf");
    std::fs::write(dir.join("messy.flow"), MESSY.replace('\n', "\r\n")).unwrap();
    let output = authflow_in(&dir)
        .args(["fmt", "--check", "messy.flow"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.starts_with("would reformat messy.flow\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\n be -> fe: \"y\"\n"), "{stdout}");
    authflow_in(&dir)
        .args(["fmt", "messy.flow"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(dir.join("messy.flow")).unwrap(),
        CANONICAL.replace('\n', "\r\n")
    );
}

#[test]
fn rewrites_only_files_that_change() {
    let dir = scratch("fmt", "rewrite");
    std::fs::write(dir.join("messy.flow"), MESSY).unwrap();
    std::fs::write(dir.join("clean.flow"), CANONICAL).unwrap();
    let before = std::fs::metadata(dir.join("clean.flow"))
        .unwrap()
        .modified()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    authflow_in(&dir)
        .args(["fmt", "messy.flow", "clean.flow"])
        .assert()
        .code(0)
        .stdout("reformatted messy.flow\n");
    assert_eq!(
        std::fs::read_to_string(dir.join("messy.flow")).unwrap(),
        CANONICAL
    );
    let after = std::fs::metadata(dir.join("clean.flow"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(
        before, after,
        "an already formatted file must not be written"
    );

    authflow_in(&dir)
        .args(["fmt", "--check", "."])
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn parse_errors_exit_2_and_the_other_files_are_still_formatted() {
    let dir = scratch("fmt", "errors");
    std::fs::write(dir.join("a_bad.flow"), "fe -> : \"x\"\n").unwrap();
    std::fs::write(dir.join("b_messy.flow"), MESSY).unwrap();
    let output = authflow_in(&dir)
        .args(["fmt", "--check", "."])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "input errors outrank unformatted files"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--> ./a_bad.flow:1:7"), "{stderr}");
    assert!(stderr.contains('^'), "{stderr}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("would reformat ./b_messy.flow"), "{stdout}");

    authflow_in(&dir).args(["fmt", "."]).assert().code(2);
    assert_eq!(
        std::fs::read_to_string(dir.join("b_messy.flow")).unwrap(),
        CANONICAL
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("a_bad.flow")).unwrap(),
        "fe -> : \"x\"\n"
    );

    authflow_in(&dir)
        .args(["fmt", "missing.flow"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot read `missing.flow`"));
}

#[test]
fn stdin_is_formatted_to_stdout() {
    let dir = scratch("fmt", "stdin");
    authflow_in(&dir)
        .args(["fmt", "-"])
        .write_stdin(MESSY)
        .assert()
        .code(0)
        .stdout(CANONICAL);
    authflow_in(&dir)
        .args(["fmt", "--check", "-"])
        .write_stdin(MESSY)
        .assert()
        .code(1)
        .stdout(predicates::str::starts_with("would reformat <stdin>\n"));
    authflow_in(&dir)
        .args(["fmt", "--check", "-"])
        .write_stdin(CANONICAL)
        .assert()
        .code(0);
}
