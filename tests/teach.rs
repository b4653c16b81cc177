//! The teaching view without a browser: what every party knows and stores at each step,
//! `trace --knowledge` and `--attacker` as users see them, and the page's markup (escaped,
//! every step listed, light enough). `tests/browser.rs` drives the page itself.

mod common;

use authflow::check::CheckOptions;
use authflow::model::{Run, execute};
use authflow::render::{Diagram, render_svg, render_svg_steps};
use authflow::syntax::{Flow, parse};
use authflow::teach::state::stored_objects;
use authflow::teach::{KnowledgeTable, Lesson, attackers, render_html};
use authflow::{SourceFile, docs::update_markdown};

use common::{authflow, authflow_in, scratch};

const SEED: &str = include_str!("../flows/authorization_code.flow");
const CODE_INJECTION: &str = include_str!("../flows/attacks/code_injection.flow");
const CODE_REPLAY: &str = include_str!("../flows/attacks/code_replay.flow");

fn load(name: &str, text: &str) -> (SourceFile, Flow, Run) {
    let file = SourceFile::new(name, text);
    let flow = parse(&file).expect("the flow parses");
    let run = execute(&flow, &file).expect("the flow runs");
    (file, flow, run)
}

/// `participant: value (line), ...` for every participant after step `step` (0-based).
fn knowledge_after(run: &Run, flow: &Flow, step: usize) -> Vec<String> {
    let mut table = KnowledgeTable::new(run, &flow.participant_order());
    table.advance_to(step);
    table
        .rows()
        .map(|(name, known)| {
            let values: Vec<String> = known
                .iter()
                .map(|k| {
                    let new = if k.new { "+" } else { "" };
                    let at = k.line.map_or("config".to_string(), |l| l.to_string());
                    format!("{new}{}={}@{at}", k.key, k.value)
                })
                .collect();
            format!("{name}: {}", values.join(" "))
        })
        .collect()
}

fn page(name: &str, text: &str) -> String {
    let (file, flow, run) = load(name, text);
    let lesson = Lesson::new(&flow, &file, &run, &CheckOptions::default());
    let mut out = Vec::new();
    render_html(&lesson, &Diagram::from_flow(&flow), &run, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn the_seed_authorization_response_teaches_the_browser_the_code() {
    let (_, flow, run) = load("seed.flow", SEED);
    // Line 7, `auth_server_be -> fe: "code"`, is step 6.
    assert_eq!(
        knowledge_after(&run, &flow, 6),
        [
            // The browser had state-1 since line 2: receiving it back is not learning it.
            "fe: password=alice-password@config state=state-1@7 +code=code-1@7",
            "auth_server_be: client_secret=secret-1@config password=alice-password@5 state=state-1@2 +code=code-1@7",
            "auth_server_fe: password=alice-password@config",
            "be: client_secret=secret-1@config state=state-1@2",
        ]
    );
    // The back end only learns the code with the callback (line 8).
    let after_callback = knowledge_after(&run, &flow, 7);
    assert_eq!(
        after_callback[3],
        "be: client_secret=secret-1@config state=state-1@8 +code=code-1@8"
    );
}

#[test]
fn the_attacker_knows_only_what_leaked_to_it() {
    let (_, flow, run) = load("code_injection.flow", CODE_INJECTION);
    assert_eq!(attackers(&run), ["attacker"]);
    let leak = run
        .steps
        .iter()
        .position(|s| s.to.as_ref() == "attacker")
        .expect("the code leaks to the attacker");
    let attacker_row = |step| {
        knowledge_after(&run, &flow, step)
            .into_iter()
            .find(|row| row.starts_with("attacker:"))
            .unwrap()
    };
    assert_eq!(attacker_row(leak - 1), "attacker: ");
    assert_eq!(
        attacker_row(leak),
        "attacker: +code=code-1@23 +state=state-1@23"
    );
}

#[test]
fn stored_objects_change_at_their_steps() {
    let (_, _, run) = load("code_replay.flow", CODE_REPLAY);
    let stored = stored_objects(&run);
    let code = stored
        .iter()
        .find(|o| o.object == "code code-1")
        .expect("the AS stores code-1");
    assert_eq!(code.holder, "auth_server_be");
    let history: Vec<(usize, &str)> = code
        .changes
        .iter()
        .map(|c| (c.line, c.state.as_str()))
        .collect();
    assert_eq!(
        history,
        [
            (18, "issued to client-1, not redeemed"),
            (20, "redeemed by be"),
            (26, "presented again by attacker (2 redemptions)"),
        ]
    );
    // Before it was issued the code is nowhere; after the replay it shows the replay.
    assert!(code.at(code.changes[0].step - 1).is_none());
    let last = run.steps.len() - 1;
    assert_eq!(
        code.at(last).unwrap().state,
        "presented again by attacker (2 redemptions)"
    );
    let session = stored
        .iter()
        .find(|o| o.object == "session of fe")
        .expect("the client binds a session for fe");
    assert_eq!(session.holder, "client client-1");
    assert!(
        session.changes[0]
            .state
            .starts_with("bound: state state-1, verifier verifier-1")
    );
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn trace_knowledge_and_attacker_views() {
    let output = authflow()
        .args(["trace", "--knowledge", "flows/authorization_code.flow"])
        .assert()
        .success();
    snapshot(
        "teach_trace_knowledge_seed",
        &String::from_utf8_lossy(&output.get_output().stdout),
    );
    let output = authflow()
        .args(["trace", "--attacker", "flows/attacks/code_replay.flow"])
        .assert()
        .success();
    snapshot(
        "teach_trace_attacker_code_replay",
        &String::from_utf8_lossy(&output.get_output().stdout),
    );
}

#[test]
fn trace_attacker_without_an_attacker_is_an_input_error() {
    authflow()
        .args(["trace", "--attacker", "flows/authorization_code.flow"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "no participant of `flows/authorization_code.flow` plays the attacker",
        ));
}

#[test]
fn the_page_lists_every_step_and_stays_small() {
    let html = page("seed.flow", SEED);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.len() < 200 * 1024,
        "the seed's page weighs {} bytes",
        html.len()
    );
    // Readable without JavaScript: every message is an entry, and an arrow in the diagram.
    assert_eq!(html.matches("<li id=\"step-").count(), 12);
    assert_eq!(html.matches("<g class=\"msg\"").count(), 12);
    assert!(html.contains("<li id=\"step-10\" data-step=\"10\">"));
    // Nothing to fetch: no external script, style, image or font.
    for outside in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!html.contains(outside), "the page refers to {outside}…");
    }
    assert_eq!(html, page("seed.flow", SEED), "the page is deterministic");
}

#[test]
fn the_page_escapes_what_the_flow_says() {
    let hostile = r#"participant "<b>evil</b>" as attacker
fe -> "<b>evil</b>": "</script><script>alert(1)</script>" as leak { state: "<img src=x onerror=alert(2)>" }
"#;
    let html = page("<i>file</i>.flow", hostile);
    assert_eq!(
        html.matches("<script").count(),
        2,
        "only the page's own scripts"
    );
    assert!(!html.contains("<b>evil"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<i>file"));
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    // In the embedded JSON, `<` is written `\u003c`, so the data cannot close its element.
    assert!(html.contains(r"\u003cimg src=x onerror=alert(2)>"));
}

#[test]
fn the_stepped_svg_is_the_svg_with_one_group_per_message() {
    let (_, flow, _) = load("seed.flow", SEED);
    let diagram = Diagram::from_flow(&flow);
    let (mut plain, mut stepped) = (Vec::new(), Vec::new());
    render_svg(&diagram, &mut plain).unwrap();
    render_svg_steps(&diagram, &mut stepped).unwrap();
    let stepped = String::from_utf8(stepped).unwrap();
    let groups: Vec<&str> = stepped.lines().filter(|l| l.starts_with("<g ")).collect();
    assert_eq!(groups.len(), 12);
    assert_eq!(groups[6], r#"<g class="msg" id="msg-7" data-step="7">"#);
    let without_groups: Vec<&str> = stepped
        .lines()
        .filter(|l| !l.starts_with("<g ") && *l != "</g>")
        .collect();
    assert_eq!(
        without_groups,
        String::from_utf8(plain)
            .unwrap()
            .lines()
            .collect::<Vec<_>>()
    );
}

#[test]
fn render_format_html_is_the_html_command() {
    let html = authflow()
        .args(["html", "flows/authorization_code.flow"])
        .assert()
        .success();
    let render = authflow()
        .args([
            "render",
            "--format",
            "html",
            "flows/authorization_code.flow",
        ])
        .assert()
        .success();
    assert_eq!(html.get_output().stdout, render.get_output().stdout);
    assert!(
        String::from_utf8_lossy(&html.get_output().stdout).contains("token_response_to_requester")
    );
}

#[test]
fn docs_writes_and_checks_the_pages_flow_blocks_ask_for() {
    let dir = scratch("teach", "docs_pages");
    let markdown = format!("# Seed\n\n```authflow html=pages/seed.html\n{SEED}```\n");
    std::fs::write(dir.join("doc.md"), &markdown).unwrap();
    authflow_in(&dir)
        .args(["docs", "--check", "doc.md"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "doc.md:3: page pages/seed.html is missing",
        ));
    authflow_in(&dir)
        .args(["docs", "doc.md"])
        .assert()
        .success();
    let written = std::fs::read_to_string(dir.join("pages/seed.html")).unwrap();
    let update = update_markdown(
        "doc.md",
        &std::fs::read_to_string(dir.join("doc.md")).unwrap(),
    )
    .unwrap();
    assert_eq!(update.pages.len(), 1);
    assert_eq!(update.pages[0].html, written);
    authflow_in(&dir)
        .args(["docs", "--check", "doc.md"])
        .assert()
        .success();
    std::fs::write(dir.join("pages/seed.html"), "old").unwrap();
    authflow_in(&dir)
        .args(["docs", "--check", "doc.md"])
        .assert()
        .code(1)
        .stdout(predicates::str::contains("page pages/seed.html is stale"));
}

#[test]
fn the_readme_page_is_fresh() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let update = update_markdown("README.md", &readme).unwrap();
    let page = update
        .pages
        .iter()
        .find(|p| p.path == "docs/teach/authorization_code.html")
        .expect("the README's seed block asks for its teaching page");
    let committed = std::fs::read_to_string(&page.path).unwrap();
    assert!(
        committed == page.html,
        "docs/teach/authorization_code.html is stale: run `authflow docs README.md`"
    );
}

#[test]
fn html_reports_bad_input_like_every_command() {
    let dir = scratch("teach", "html_bad_input");
    std::fs::write(dir.join("bad.flow"), "fe -> be \"no colon\"\n").unwrap();
    authflow_in(&dir)
        .args(["html", "bad.flow"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains("--> bad.flow:1:"))
        .stderr(predicates::str::contains("^"));
    authflow_in(&dir)
        .args(["html", "../../../../no/such/dir/x.flow"])
        .assert()
        .code(2);
    authflow_in(&dir)
        .args(["html", "bad.flow", "-o", "no-such-dir/page.html"])
        .assert()
        .code(2);
    std::fs::write(dir.join("good.flow"), SEED).unwrap();
    authflow_in(&dir)
        .args(["html", "good.flow", "-o", "no-such-dir/page.html"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot write to `no-such-dir/page.html`",
        ));
}

#[test]
fn a_page_of_a_flow_with_fragments_follows_the_path_asked_for() {
    let flow = "flows/fragments/violated_retry_honoured.flow";
    let second = authflow()
        .args(["html", "--path", "2", flow])
        .assert()
        .success();
    let page = String::from_utf8_lossy(&second.get_output().stdout).into_owned();
    let stderr = String::from_utf8_lossy(&second.get_output().stderr).into_owned();
    assert!(stderr.contains("path 2 of 2"), "{stderr}");
    let first = authflow().args(["html", flow]).assert().success();
    let first = String::from_utf8_lossy(&first.get_output().stdout).into_owned();
    // Each page draws only its own path's messages, so the two differ in arrows.
    let arrows = |page: &str| page.matches("class=\"msg\"").count();
    assert_ne!(arrows(&page), arrows(&first));
    authflow()
        .args(["html", "--path", "3", flow])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("there is no path 3"));
}
