//! Parsing, executing and checking: the library cost of `authflow check`, which must stay
//! linear in the flow's length.

use authflow::SourceFile;
use authflow::check::check_run;
use authflow::model::execute;
use authflow::syntax::parse;

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
