//! Parsing, executing and checking: the library cost of `authflow check`, which must stay
//! linear in the flow's length.

use std::io;

use authflow::SourceFile;
use authflow::check::{CheckOptions, check_run};
use authflow::model::execute;
use authflow::render::{Diagram, TextStyle, render_text};
use authflow::syntax::parse;
use authflow::teach::{Lesson, render_html};
use divan::counter::ItemsCount;

fn main() {
    divan::main();
}

const SEED: &str = include_str!("../flows/authorization_code.flow");

/// The seed's login, then API calls until the flow has `messages` messages.
fn long_flow(messages: usize) -> String {
    let mut text = SEED.to_string();
    let mut count = SEED.lines().count();
    while count < messages {
        text.push_str("fe -> be: \"api call\"\nbe -> fe: \"response\"\n");
        count += 2;
    }
    text
}

fn check(text: &str) -> usize {
    let file = SourceFile::new("bench.flow", text);
    let flow = parse(&file).expect("bench flows parse");
    let run = execute(&flow, &file).expect("bench flows execute");
    check_run(&run).len()
}

#[divan::bench]
fn parse_seed() -> usize {
    let file = SourceFile::new("seed.flow", divan::black_box(SEED));
    parse(&file).map(|flow| flow.lines.len()).unwrap_or(0)
}

#[divan::bench]
fn check_seed() -> usize {
    check(divan::black_box(SEED))
}

#[divan::bench(args = [1_000, 10_000])]
fn check_long_flow(bencher: divan::Bencher, messages: usize) {
    let text = long_flow(messages);
    bencher.bench(|| check(divan::black_box(&text)));
}

/// Front matter of the "repeated honest logins" flow: a PKCE client, so `pkce_required`
/// stays quiet, and an empty expectation, so `authflow check` exits 0 only if nothing fires.
///
/// `scripts/perf.py` reads this constant and [`REPEATED_LOGIN`] from this file (the raw
/// strings between `r#"` and `"#`), so the bench and the script time the same text.
const REPEATED_LOGINS_FRONT_MATTER: &str = r#"---
client: { pkce: true }
expect: []
---
"#;

/// One honest login of the "repeated honest logins" flow: the seed's authorization code
/// flow with the token response going back to `be`, its requester (so
/// `token_response_to_requester` and `no_token_in_front_channel` stay quiet), and one API
/// call with the token. Each repetition is replayed as a fresh login (new state, code,
/// verifier and token).
const REPEATED_LOGIN: &str = r#"fe -> fe: "click"
fe -> auth_server_be: "redirect"
auth_server_be -> auth_server_fe: "redirect"
auth_server_fe -> auth_server_fe: "enter "
auth_server_fe -> auth_server_be: "login, permission"
auth_server_be -> auth_server_be: "verify"
auth_server_be -> fe: "code"
fe -> be: ""
be -> auth_server_be: "request token"
auth_server_be -> be: "access token"
be -> rs: "GET /profile"
rs -> be: "profile"
"#;

/// Messages in one [`REPEATED_LOGIN`].
const LOGIN_MESSAGES: usize = 12;

/// The "repeated honest logins" flow of at most `messages` messages: the front matter,
/// then [`REPEATED_LOGIN`] `messages / 12` times (truncated at a whole login, so 100,000
/// asks for 8,333 logins = 99,996 messages). Returns the text and its message count.
fn repeated_logins(messages: usize) -> (String, usize) {
    let logins = (messages / LOGIN_MESSAGES).max(1);
    let mut text =
        String::with_capacity(REPEATED_LOGINS_FRONT_MATTER.len() + logins * REPEATED_LOGIN.len());
    text.push_str(REPEATED_LOGINS_FRONT_MATTER);
    for _ in 0..logins {
        text.push_str(REPEATED_LOGIN);
    }
    (text, logins * LOGIN_MESSAGES)
}

/// What `authflow render FILE` does minus the process and the terminal: parse, lay out,
/// draw the text diagram into a sink.
fn render(text: &str) -> io::Result<()> {
    let file = SourceFile::new("bench.flow", text);
    let flow = parse(&file).expect("bench flows parse");
    render_text(
        &Diagram::from_flow(&flow),
        TextStyle::default(),
        &mut io::sink(),
    )
}

/// Sizes of the repeated-logins benches. One sample is one whole check (or render), and
/// `max_time` bounds each size's budget, so the 100k size still finishes while `check`
/// is slow (a few samples instead of 50).
const REPEATED_LOGIN_SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Parse, execute and check the repeated-logins flow; compare with
/// `render_repeated_logins` of the same size (the issue: check at 100k faster than render,
/// and 10x the messages at most ~12x the time). Items are messages. Both alone:
/// `cargo bench --bench check -- repeated_logins`.
#[divan::bench(args = REPEATED_LOGIN_SIZES, sample_size = 1, sample_count = 50, max_time = 10)]
fn check_repeated_logins(bencher: divan::Bencher, messages: usize) {
    let (text, count) = repeated_logins(messages);
    let honest = repeated_logins(10 * LOGIN_MESSAGES).0;
    assert_eq!(
        check(&honest),
        0,
        "repeated honest logins must raise no findings"
    );
    bencher
        .counter(ItemsCount::new(count))
        .bench(|| check(divan::black_box(&text)));
}

/// Parse and render the same text as `check_repeated_logins`, side by side in one run.
#[divan::bench(args = REPEATED_LOGIN_SIZES, sample_size = 1, sample_count = 50, max_time = 10)]
fn render_repeated_logins(bencher: divan::Bencher, messages: usize) {
    let (text, count) = repeated_logins(messages);
    bencher
        .counter(ItemsCount::new(count))
        .bench(|| render(divan::black_box(&text)));
}

/// The teaching page of the repeated-logins flow, as `authflow html` builds it: parse,
/// replay, check, and write the page (into memory). Items are messages; the page's size
/// is returned so it is not optimised away. `cargo bench --bench check -- html_`.
#[divan::bench(args = [1_000, 10_000], sample_size = 1, sample_count = 20, max_time = 10)]
fn html_repeated_logins(bencher: divan::Bencher, messages: usize) {
    let (text, count) = repeated_logins(messages);
    bencher
        .counter(ItemsCount::new(count))
        .bench(|| teaching_page(divan::black_box(&text)));
}

fn teaching_page(text: &str) -> usize {
    let file = SourceFile::new("bench.flow", text);
    let flow = parse(&file).expect("bench flows parse");
    let run = execute(&flow, &file).expect("bench flows execute");
    let lesson = Lesson::new(&flow, &file, &run, &CheckOptions::default());
    let mut page = Vec::new();
    render_html(&lesson, &Diagram::from_flow(&flow), &run, &mut page).expect("into memory");
    page.len()
}
