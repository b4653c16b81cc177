//! Executing a flow: roles are bound, the world is built from the front matter, and the
//! messages are replayed against models of the actors (see `simulate`), producing a
//! [`Run`] for the checker to judge.

pub mod params;
pub mod role;
pub mod run;
mod simulate;
pub mod step;
pub mod world;

use std::collections::HashMap;

pub use role::Role;
pub use run::{Origin, Run};
pub use simulate::s256;
pub use step::StepKind;
pub use world::World;

use crate::syntax::{Flow, Statement};
use crate::{Diagnostic, SourceFile, Span};
use simulate::{BoundMessage, Event, Simulator};

/// Replays `flow`. Errors are input errors (unknown role, step kind or parameter, a
/// participant without a role, invalid front matter values), reported like parse errors.
pub fn execute(flow: &Flow, source: &SourceFile) -> Result<Run, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let front_span = flow
        .front_matter
        .as_ref()
        .map_or(Span::default(), |f| f.span);
    let world = match World::from_front_matter(flow.front_matter.as_ref().map(|f| &f.value)) {
        Ok(world) => Some(world),
        Err((key, problem)) => {
            let span = flow
                .front_matter
                .as_ref()
                .and_then(|f| {
                    f.yaml
                        .find(&format!("{key}:"))
                        .map(|at| Span::new(f.span.start + at, f.span.start + at + key.len()))
                })
                .unwrap_or(front_span);
            diagnostics.push(
                Diagnostic::error(format!("invalid `{key}` in front matter: {problem}"), span)
                    .with_label("here"),
            );
            None
        }
    };

    let roles = bind_roles(flow, &mut diagnostics);
    let mut events = Vec::new();
    for statement in flow.statements() {
        match statement {
            Statement::Message(message) => {
                let explicit_step = message.step.as_ref().and_then(|word| {
                    let kind = StepKind::from_keyword(&word.text);
                    if kind.is_none() {
                        let known: Vec<&str> = step::STEP_NAMES.iter().map(|(n, _)| *n).collect();
                        diagnostics.push(
                            Diagnostic::error(
                                format!("unknown step kind `{}`", word.text),
                                word.span,
                            )
                            .with_label("not a step kind")
                            .with_note(format!("note: step kinds are {}", known.join(", "))),
                        );
                    }
                    kind
                });
                for param in &message.params {
                    if !params::KNOWN_KEYS.contains(&param.key.text.as_str()) {
                        diagnostics.push(
                            Diagnostic::error(
                                format!("unknown parameter `{}`", param.key.text),
                                param.key.span,
                            )
                            .with_label("not an OAuth parameter authflow knows")
                            .with_note(format!(
                                "note: parameters are {}",
                                params::KNOWN_KEYS.join(", ")
                            )),
                        );
                    }
                }
                let (Some(&from_role), Some(&to_role)) =
                    (roles.get(&message.from.text), roles.get(&message.to.text))
                else {
                    continue;
                };
                let line = source.line_col(message.span.start).0;
                events.push(Event::Message(BoundMessage {
                    message,
                    line,
                    from_role,
                    to_role,
                    explicit_step,
                }));
            }
            Statement::Wait(wait) => events.push(Event::Wait(wait.seconds)),
            Statement::Participant(_) => {}
        }
    }
    match world {
        Some(world) if diagnostics.is_empty() => Ok(Simulator::new(world, roles).replay(&events)),
        _ => Err(diagnostics),
    }
}

/// Binds each participant to a role: `participant X as ROLE` first, then the default
/// names. A participant with neither is an error at its first appearance.
fn bind_roles(flow: &Flow, diagnostics: &mut Vec<Diagnostic>) -> HashMap<String, Role> {
    let mut roles = HashMap::new();
    let mut unbound = std::collections::HashSet::new();
    for participant in flow.participants() {
        let role = match &participant.role {
            Some(word) => match Role::from_keyword(&word.text) {
                Some(role) => role,
                None => {
                    let known: Vec<&str> = role::ROLE_NAMES.iter().map(|(n, _)| *n).collect();
                    diagnostics.push(
                        Diagnostic::error(format!("unknown role `{}`", word.text), word.span)
                            .with_label("not a role")
                            .with_note(format!("note: roles are {}", known.join(", "))),
                    );
                    unbound.insert(participant.name.text.as_str());
                    continue;
                }
            },
            None => match Role::default_for(&participant.name.text) {
                Some(role) => role,
                None => continue,
            },
        };
        roles.insert(participant.name.text.clone(), role);
    }
    for message in flow.messages() {
        for name in [&message.from, &message.to] {
            if roles.contains_key(&name.text) || unbound.contains(name.text.as_str()) {
                continue;
            }
            match Role::default_for(&name.text) {
                Some(role) => {
                    roles.insert(name.text.clone(), role);
                }
                None => {
                    diagnostics.push(
                        Diagnostic::error(format!("participant `{}` has no role", name.text), name.span)
                            .with_label("cannot tell what this participant does in the protocol")
                            .with_note(format!(
                                "help: declare it, e.g. `participant {} as client`; the default names are fe, be, auth_server_fe, auth_server_be, rs and attacker",
                                if name.quoted { format!("\"{}\"", name.text) } else { name.text.clone() }
                            )),
                    );
                    // One error per participant is enough.
                    roles.insert(name.text.clone(), Role::Browser);
                }
            }
        }
    }
    roles
}
