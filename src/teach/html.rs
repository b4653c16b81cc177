//! The teaching page: one self-contained HTML file (no network, works from `file://`).
//!
//! Every step is written out as HTML, so the page reads without JavaScript and prints
//! whole: the diagram, then each message with its reading, parameters and findings, then
//! what each party knows at the end and what each actor stored. The script
//! (`page.js`) turns it into a stepper: it highlights the current arrow, shows that
//! step's entry beside the diagram and builds the knowledge and state tables for it from
//! the embedded JSON, one step at a time, so a long flow costs no table per step.
//!
//! Markup comes from maud, which escapes every interpolated string; the JSON is escaped
//! for a `<script>` element by hand, as no template engine does that part.

use std::io::{self, Write};

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use super::knowledge::{KnowledgeTable, Known};
use super::lesson::{Lesson, LessonFinding, LessonParticipant, LessonStep};
use super::state::Stored;
use crate::model::Run;
use crate::render::{Diagram, render_svg_steps};

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// What the script needs and the markup does not hold.
#[derive(Serialize)]
struct PageData<'a> {
    lines: Vec<usize>,
    participants: &'a [LessonParticipant],
    learnings: &'a [(usize, &'static str, String, Option<usize>)],
    stored: &'a [Stored],
}

/// Writes the teaching page of `lesson`, with `diagram` (the same flow's) drawn in it and
/// `run` (the same flow's replay) for the knowledge at the end.
pub fn render_html(
    lesson: &Lesson,
    diagram: &Diagram,
    run: &Run,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut svg = Vec::new();
    render_svg_steps(diagram, &mut svg)?;
    let svg = String::from_utf8_lossy(&svg);
    // An inline SVG takes no XML declaration.
    let svg = svg
        .split_once('\n')
        .filter(|(first, _)| first.starts_with("<?xml"))
        .map_or(&*svg, |(_, rest)| rest);
    let data = PageData {
        lines: lesson.steps.iter().map(|s| s.line).collect(),
        participants: &lesson.participants,
        learnings: &lesson.learnings,
        stored: &lesson.stored,
    };
    let json = serde_json::to_string(&data).map_err(io::Error::other)?;
    let names: Vec<&str> = lesson
        .participants
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    let mut knowledge = KnowledgeTable::new(run, &names);
    if let Some(last) = run.steps.len().checked_sub(1) {
        knowledge.advance_to(last);
    }
    let title = lesson.title.clone().unwrap_or_else(|| lesson.file.clone());
    let total = lesson.steps.len();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="authflow";
                title { (title) " — authflow" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { (title) }
                    p.meta {
                        code { (lesson.file) } " · " (total) " messages · "
                        span.verdict data-passed=(lesson.summary.passed) {
                            (if lesson.summary.passed { "✔ " } else { "✖ " })
                            (lesson.summary.text)
                        }
                    }
                    @if let Some(description) = &lesson.description { p { (description) } }
                }
                main {
                    nav #controls hidden aria-label="Step through the flow" {
                        button #first type="button" aria-keyshortcuts="Home" { "« First" }
                        button #prev type="button" aria-keyshortcuts="ArrowLeft" { "◀ Previous" }
                        button #next type="button" aria-keyshortcuts="ArrowRight" { "Next ▶" }
                        button #last type="button" aria-keyshortcuts="End" { "Last »" }
                        label for="slider" .visually-hidden { "Step" }
                        input #slider type="range" min="1" max=(total.max(1)) value="1";
                        output #position for="slider" aria-live="polite" { "Step 1 of " (total) }
                        @if lesson.participants.iter().any(|p| p.role == "attacker") {
                            label.toggle {
                                input #attacker-view type="checkbox";
                                " Attacker's view"
                            }
                        }
                    }
                    div.layout {
                        figure.diagram aria-label="Sequence diagram; the current message is drawn thick and bold" {
                            (PreEscaped(svg))
                        }
                        section #current aria-label="The current step" {
                            p.noscript {
                                "Every step is listed below. With JavaScript on, this page steps through them: "
                                "the arrow keys move, and each step shows what every party knows."
                            }
                        }
                    }
                    (findings_section(lesson))
                    section #all-steps {
                        h2 { "All steps" }
                        ol {
                            @for (i, step) in lesson.steps.iter().enumerate() {
                                (step_item(lesson, i + 1, step))
                            }
                        }
                    }
                    section #at-the-end {
                        h2 { "What each party knows at the end" }
                        (knowledge_table(knowledge.rows()))
                        h2 { "What each actor stores" }
                        (stored_histories(&lesson.stored))
                    }
                }
                script #lesson type="application/json" { (PreEscaped(script_safe(&json))) }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    };
    out.write_all(page.into_string().as_bytes())
}

/// JSON that cannot end its `<script>` element early or open a comment in it: `<` only
/// occurs inside JSON strings, where `\u003c` means the same.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
}

fn step_item(lesson: &Lesson, number: usize, step: &LessonStep) -> Markup {
    html! {
        li id={ "step-" (number) } data-step=(number) {
            h3 {
                a href={ "#step-" (number) } { "Step " (number) }
                " · line " (step.line) " · " (step.time)
            }
            p.message {
                code { (step.from) } " → " code { (step.to) } ": " (step.label)
            }
            p.reading {
                "Read as " strong { (step.reading) } " (" code { (step.kind) } "): " (step.reason)
            }
            @if !step.ambiguous_with.is_empty() {
                p { "It could also be " (step.ambiguous_with.join(" or ")) ": say " code { "as KIND" } " to settle it." }
            }
            @if step.params.is_empty() {
                p.params-none { "It carries no parameters." }
            } @else {
                table.params {
                    caption { "Parameters carried" }
                    thead { tr { th scope="col" { "parameter" } th scope="col" { "value" } th scope="col" { "travels in" } th scope="col" { "source" } } }
                    tbody {
                        @for param in &step.params {
                            tr {
                                th scope="row" { code { (param.key) } }
                                td { code { (param.value) } }
                                td { (param.location) }
                                td { @if param.written { strong { "written in the flow" } } @else { "generated by the model" } }
                            }
                        }
                    }
                }
            }
            @if !step.missing.is_empty() {
                ul.missing { @for missing in &step.missing { li { "⚠ " (missing) } } }
            }
            @for finding in lesson.findings_at(number) { (finding_card(finding)) }
        }
    }
}

fn finding_card(finding: &LessonFinding) -> Markup {
    let symbol = if finding.severity == "error" {
        "✖"
    } else {
        "⚠"
    };
    html! {
        article.finding data-severity=(finding.severity) data-id=(finding.id) {
            h4 { (symbol) " " (finding.severity) ": " code { (finding.id) } }
            p { (finding.message) }
            @if let Some(statement) = finding.statement { p.statement { "Rule: " (statement) } }
            @if !finding.related.is_empty() {
                ul.related {
                    @for (line, what) in &finding.related { li { "line " (line) ": " (what) } }
                }
            }
            p.reference { "Reference: " (finding.reference) }
        }
    }
}

fn findings_section(lesson: &Lesson) -> Markup {
    html! {
        section #findings {
            h2 { "Findings" }
            @if lesson.findings.is_empty() {
                p { "No invariant is broken." }
            } @else {
                ul {
                    @for finding in &lesson.findings {
                        li {
                            a href={ "#step-" (finding.step) } { "step " (finding.step) " (line " (finding.line) ")" }
                            ": " (finding.severity) " " code { (finding.id) } " — " (finding.message)
                        }
                    }
                }
            }
        }
    }
}

fn knowledge_table<'a>(rows: impl Iterator<Item = (&'a str, Vec<Known>)>) -> Markup {
    html! {
        table.knowledge {
            thead { tr { th scope="col" { "participant" } th scope="col" { "knows (learned at)" } } }
            tbody {
                @for (name, known) in rows {
                    tr {
                        th scope="row" { code { (name) } }
                        td {
                            @if known.is_empty() { "nothing secret" }
                            ul {
                                @for value in &known {
                                    li {
                                        span.key { (value.key) } " " code { (value.value) } " "
                                        span.learned { @match value.line { Some(line) => { "line " (line) }, None => "configured" } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn stored_histories(stored: &[Stored]) -> Markup {
    html! {
        ul.stored {
            @for object in stored {
                li {
                    code { (object.holder) } " · " (object.object)
                    ol {
                        @for change in &object.changes { li { "line " (change.line) ": " (change.state) } }
                    }
                }
            }
        }
    }
}
