//! Rendering cost of the text diagram: the seed, and generated flows large enough that
//! the per-row work dominates (compare the bytes/s with `cat` on the same output); and,
//! for the largest workload (100,000 messages among 50 participants), where
//! `authflow render`'s time goes: parsing the text, building the diagram, and writing the
//! rows (the layout included), each timed alone.

use std::io;

use authflow::SourceFile;
use authflow::render::{Arrow, Diagram, Entry, TextStyle, render_text, render_text_to_string};
use authflow::syntax::parse;
use divan::Bencher;
use divan::counter::BytesCount;

fn main() {
    divan::main();
}

/// Names and labels of a generated flow: message `i` goes from `p(i*7 mod n)` to
/// `p((i*13+1) mod n)` with label `msg i` (the recipe of `scripts/perf.py`).
struct Generated {
    names: Vec<String>,
    labels: Vec<String>,
}

impl Generated {
    fn new(messages: usize, participants: usize) -> Generated {
        Generated {
            names: (0..participants).map(|i| format!("p{i}")).collect(),
            labels: (0..messages).map(|i| format!("msg {i}")).collect(),
        }
    }

    /// The flow as text, as `scripts/perf.py` writes it.
    fn text(&self) -> String {
        let n = self.names.len();
        let mut text = String::new();
        for (i, label) in self.labels.iter().enumerate() {
            let (from, to) = (&self.names[i * 7 % n], &self.names[(i * 13 + 1) % n]);
            text.push_str(&format!("{from} -> {to}: \"{label}\"\n"));
        }
        text
    }

    fn diagram(&self) -> Diagram<'_> {
        let n = self.names.len();
        Diagram {
            participants: self.names.iter().map(String::as_str).collect(),
            entries: self
                .labels
                .iter()
                .enumerate()
                .map(|(i, label)| {
                    Entry::Arrow(Arrow {
                        from: i * 7 % n,
                        to: (i * 13 + 1) % n,
                        label,
                    })
                })
                .collect(),
            ..Diagram::default()
        }
    }
}

fn bench(bencher: Bencher, diagram: &Diagram) {
    let bytes = render_text_to_string(diagram, TextStyle::default()).len();
    bencher
        .counter(BytesCount::new(bytes))
        .bench_local(|| render_text(diagram, TextStyle::default(), &mut io::sink()));
}

/// Rendering only: the seed is parsed once, outside the measured loop.
#[divan::bench]
fn seed_flow(bencher: Bencher) {
    let file = SourceFile::new(
        "seed.flow",
        include_str!("../flows/authorization_code.flow"),
    );
    let flow = parse(&file).expect("the seed flow parses");
    bench(bencher, &Diagram::from_flow(&flow));
}

#[divan::bench]
fn messages_1k_participants_20(bencher: Bencher) {
    let flow = Generated::new(1_000, 20);
    bench(bencher, &flow.diagram());
}

#[divan::bench(sample_count = 30)]
fn messages_10k_participants_50(bencher: Bencher) {
    let flow = Generated::new(10_000, 50);
    bench(bencher, &flow.diagram());
}

#[divan::bench(sample_count = 10)]
fn messages_100k_participants_50(bencher: Bencher) {
    let flow = Generated::new(100_000, 50);
    bench(bencher, &flow.diagram());
}

/// The parser's share of `authflow render` on the largest workload.
#[divan::bench(sample_count = 10)]
fn parse_100k_participants_50(bencher: Bencher) {
    let file = SourceFile::new("gen.flow", Generated::new(100_000, 50).text());
    bencher
        .counter(BytesCount::new(file.text.len()))
        .bench_local(|| parse(&file).map(|flow| flow.lines.len()));
}

/// Building the diagram from the parsed flow (names resolved to columns).
#[divan::bench(sample_count = 10)]
fn diagram_100k_participants_50(bencher: Bencher) {
    let file = SourceFile::new("gen.flow", Generated::new(100_000, 50).text());
    let flow = parse(&file).expect("the generated flow parses");
    bencher.bench_local(|| Diagram::from_flow(&flow).entries.len());
}
