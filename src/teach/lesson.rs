//! Everything the teaching page shows about one flow, gathered in one serialisable value:
//! the messages as the replay read them, what each participant learned and when, what
//! each actor stored, and the findings at their steps. The page embeds it as JSON and
//! renders the current step from it, so a long flow costs one small record per fact
//! rather than one table per step.

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::state::{Stored, stored_objects};
use crate::check::{CheckOptions, invariant, verdict_with};
use crate::model::Run;
use crate::span::SourceFile;
use crate::syntax::Flow;

/// One flow, ready to teach.
#[derive(Clone, Debug, Serialize)]
pub struct Lesson {
    /// The file's name as given.
    pub file: String,
    /// The front matter's `title`, if any.
    pub title: Option<String>,
    /// The front matter's `description`, if any.
    pub description: Option<String>,
    /// The participants in the diagram's column order.
    pub participants: Vec<LessonParticipant>,
    /// The messages, in flow order; step `n` of the page is `steps[n - 1]`.
    pub steps: Vec<LessonStep>,
    /// Every change in what a participant knows, in order: (participant index, key,
    /// value, step index or `None` for configuration). Tuples keep long flows small.
    pub learnings: Vec<(usize, &'static str, String, Option<usize>)>,
    /// What the actors stored, with every change.
    pub stored: Vec<Stored>,
    /// What the invariants found, and messages read two ways, in step order.
    pub findings: Vec<LessonFinding>,
    /// The verdict on the whole file.
    pub summary: Summary,
}

/// A participant: its name in the flow and the role it plays.
#[derive(Clone, Debug, Serialize)]
pub struct LessonParticipant {
    /// The name the flow uses.
    pub name: String,
    /// The role it plays (`browser`, `client`, `attacker`, ...).
    pub role: String,
}

/// One message as the replay read it.
#[derive(Clone, Debug, Serialize)]
pub struct LessonStep {
    /// The line it is written on.
    pub line: usize,
    /// `m:ss` since the flow started.
    pub time: String,
    /// The sender.
    pub from: String,
    /// The receiver.
    pub to: String,
    /// The label as written.
    pub label: String,
    /// The protocol step it was read as (`token_request`).
    pub kind: &'static str,
    /// The step as prose (`token request`).
    pub reading: String,
    /// The evidence that decided the reading.
    pub reason: String,
    /// Readings the evidence could not rule out.
    pub ambiguous_with: Vec<&'static str>,
    /// The parameters it carried.
    pub params: Vec<LessonParam>,
    /// Values the step needs that the sender never had, each with why.
    pub missing: Vec<String>,
}

/// A parameter a message carried.
#[derive(Clone, Debug, Serialize)]
pub struct LessonParam {
    /// The parameter.
    pub key: &'static str,
    /// Its value.
    pub value: String,
    /// Where it travelled (`query`, `fragment`, `header`, `body`).
    pub location: &'static str,
    /// Whether the author wrote it in the flow (`{ key: value }`) rather than the
    /// sender's model generating it.
    pub written: bool,
}

/// A finding at its step.
#[derive(Clone, Debug, Serialize)]
pub struct LessonFinding {
    /// The invariant's id (or `ambiguous_reading`).
    pub id: &'static str,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The step (1-based, as the page counts) where the rule is broken.
    pub step: usize,
    /// The line of that message.
    pub line: usize,
    /// What is wrong there.
    pub message: String,
    /// The invariant's one-sentence statement, when it is one.
    pub statement: Option<&'static str>,
    /// Other lines involved, with what each contributed.
    pub related: Vec<(usize, String)>,
    /// The RFC section(s) the rule comes from.
    pub reference: &'static str,
}

/// The verdict, as `check` gives it.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Whether the file passes `check`.
    pub passed: bool,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// The invariants the front matter expects to fire, if it says.
    pub expected: Option<Vec<String>>,
    /// `check`'s one-line verdict: `conformant (0 error(s), 2 warning(s))`.
    pub text: String,
}

impl Lesson {
    /// Gathers the lesson of `flow`, replayed as `run`, judged as `check` judges it.
    pub fn new(flow: &Flow, file: &SourceFile, run: &Run, options: &CheckOptions) -> Lesson {
        let names = flow.participant_order();
        let mut participants: Vec<LessonParticipant> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::default();
        let roles = run.steps.iter().flat_map(|s| {
            [
                (&*s.from, s.from_role.to_string()),
                (&*s.to, s.to_role.to_string()),
            ]
        });
        for (name, role) in names.iter().map(|&n| (n, String::new())).chain(roles) {
            match index.get(name) {
                Some(&i) if participants[i].role.is_empty() => participants[i].role = role,
                Some(_) => {}
                None => {
                    index.insert(name, participants.len());
                    participants.push(LessonParticipant {
                        name: name.to_string(),
                        role,
                    });
                }
            }
        }
        let learnings = run
            .learnings
            .iter()
            .filter_map(|l| {
                let who = *index.get(&*l.participant)?;
                Some((who, l.key.as_str(), l.value.to_string(), l.step))
            })
            .collect();
        let steps = run
            .steps
            .iter()
            .map(|step| LessonStep {
                line: step.line,
                time: format!("{}:{:02}", step.time / 60, step.time % 60),
                from: step.from.to_string(),
                to: step.to.to_string(),
                label: file.text[step.label_span.range()].to_string(),
                kind: step.kind.name(),
                reading: step.kind.prose(),
                reason: step.reading.reason.to_string(),
                ambiguous_with: step
                    .reading
                    .ambiguous_with
                    .iter()
                    .map(|k| k.name())
                    .collect(),
                params: step
                    .params
                    .iter()
                    .map(|c| LessonParam {
                        key: c.key.as_str(),
                        value: c.value.to_string(),
                        location: c.location.as_str(),
                        written: c.written_at.is_some(),
                    })
                    .collect(),
                missing: step
                    .missing
                    .iter()
                    .map(|m| format!("`{}` has no {}: {}", step.from, m.key, m.why))
                    .chain(step.unknown_to_sender.iter().map(|(key, value)| {
                        format!("`{}` does not know {key} `{value}`", step.from)
                    }))
                    .collect(),
            })
            .collect();
        let verdict = verdict_with(flow, run, false, options);
        let step_at: HashMap<usize, usize> = run
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.span.start, i))
            .collect();
        let line = |start: usize| file.line_col(start).0;
        let mut findings: Vec<LessonFinding> = verdict
            .violations
            .iter()
            .chain(&verdict.notes)
            .filter_map(|v| {
                let step = *step_at.get(&v.span.start)?;
                Some(LessonFinding {
                    id: v.id,
                    severity: v.severity.as_str(),
                    step: step + 1,
                    line: run.steps[step].line,
                    message: v.message.clone(),
                    statement: invariant(v.id).map(|i| i.statement),
                    related: v
                        .related
                        .iter()
                        .map(|(span, what)| (line(span.start), what.clone()))
                        .collect(),
                    reference: v.reference,
                })
            })
            .collect();
        // Stable: at one step the violations keep check's order, the notes come last.
        findings.sort_by_key(|f| f.step);
        let (errors, warnings) = (verdict.errors(), verdict.warnings());
        let front = flow.front_matter.as_ref().map(|f| &f.value);
        Lesson {
            file: file.name.clone(),
            title: front.and_then(|f| f.title.clone()),
            description: front.and_then(|f| f.description.clone()),
            participants,
            steps,
            learnings,
            stored: stored_objects(run),
            findings,
            summary: Summary {
                passed: verdict.passed,
                errors,
                warnings,
                expected: verdict.expected.clone(),
                text: verdict.status(),
            },
        }
    }

    /// The findings at step `step` (1-based).
    pub fn findings_at(&self, step: usize) -> &[LessonFinding] {
        let start = self.findings.partition_point(|f| f.step < step);
        let end = self.findings.partition_point(|f| f.step <= step);
        &self.findings[start..end]
    }
}
