//! Executing a flow: participants are cast as actors (`actor.rs`), the world is built
//! from the front matter (`world.rs`), and the replay (`replay.rs`) routes every message
//! from its sender's actor to its receiver's, reading each one from evidence
//! (`reading.rs`), and records a [`Run`] for the checker to judge.
//!
//! Architecture invariant: nothing here judges. Actors own their state and do what a
//! correct actor does with a message; the replay only routes and records facts.

pub mod actor;
pub mod params;
pub mod reading;
mod replay;
pub mod role;
pub mod run;
pub mod step;
pub mod vocab;
pub mod words;
pub mod world;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub use replay::s256;
pub use role::Role;
pub use run::{Origin, Run};
pub use step::StepKind;
pub use world::World;

use crate::diagnostic::Diagnostic;
use crate::span::{SourceFile, Span};
use crate::suggest::hint;
use crate::syntax::{Flow, Param, Participant, Statement, Word};
use params::Override;
use replay::{Bound, Cast, Replay};
use vocab::{Key, Location};

/// Replays `flow`. Errors are input errors (unknown role, step kind, location or
/// parameter, a participant without a role, a binding to no registration, invalid front
/// matter values), reported like parse errors.
pub fn execute(flow: &Flow, source: &SourceFile) -> Result<Run, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let world = match World::from_front_matter(flow.front_matter.as_ref().map(|f| &f.value)) {
        Ok(world) => Some(world),
        Err((key, problem)) => {
            let front = flow.front_matter.as_ref();
            let span = front
                .and_then(|f| {
                    f.yaml
                        .find(&format!("{key}:"))
                        .map(|at| Span::new(f.span.start + at, f.span.start + at + key.len()))
                })
                .unwrap_or(front.map_or(Span::default(), |f| f.span));
            diagnostics.push(
                Diagnostic::error(format!("invalid `{key}` in front matter: {problem}"), span)
                    .with_label("here"),
            );
            None
        }
    };
    let cast = match &world {
        Some(world) => cast(flow, world, &mut diagnostics),
        None => Vec::new(),
    };
    // Messages are replayed as they are read, so a long flow is never held twice; after
    // the first input error only diagnostics are gathered.
    let mut replay = match &world {
        Some(world) if diagnostics.is_empty() => {
            Some(Replay::new(world, &cast, flow.messages().count()))
        }
        _ => None,
    };
    let mut lines = source.line_cursor();
    for statement in flow.statements() {
        match statement {
            Statement::Message(message) => {
                let explicit = message.step.as_ref().and_then(|word| {
                    keyword(
                        word,
                        "step kind",
                        step::STEP_NAMES.iter().map(|(n, _)| *n),
                        StepKind::from_keyword,
                        &mut diagnostics,
                    )
                });
                let via = message.via.as_ref().and_then(|word| {
                    keyword(
                        word,
                        "location",
                        Location::words(),
                        Location::from_word,
                        &mut diagnostics,
                    )
                });
                let overrides = overrides(&message.params, &mut diagnostics);
                if !diagnostics.is_empty() {
                    replay = None;
                }
                if let Some(replay) = &mut replay {
                    replay.message(&Bound {
                        from: &message.from.text,
                        to: &message.to.text,
                        label: &message.label.text,
                        line: lines.line(message.span.start),
                        span: message.span,
                        label_span: message.label.span,
                        explicit,
                        via,
                        overrides,
                    });
                }
            }
            Statement::Wait(wait) => {
                if let Some(replay) = &mut replay
                    && !replay.wait(wait.seconds)
                {
                    diagnostics.push(
                        Diagnostic::error(
                            "this `wait` runs the clock past the longest time a flow can span",
                            wait.span,
                        )
                        .with_label("the waits up to here add up to more than 2^64 seconds")
                        .with_note(
                            "note: code and token lifetimes are minutes or hours; shorten the wait",
                        ),
                    );
                }
            }
            // Drawing only, or structure that `syntax::fragments` turns into paths: a
            // flow with fragments is replayed one path at a time (`check::verdict_paths`),
            // and replayed as written (every branch in turn) otherwise.
            Statement::Participant(_)
            | Statement::Note(_)
            | Statement::FragmentStart(_)
            | Statement::Else(_)
            | Statement::End(_)
            | Statement::Autonumber(_)
            | Statement::Box(_) => {}
        }
    }
    match replay {
        Some(replay) if diagnostics.is_empty() => Ok(replay.finish()),
        _ => Err(diagnostics),
    }
}

/// A word from a closed list, or an error with a suggestion.
fn keyword<T>(
    word: &Word,
    what: &str,
    names: impl Iterator<Item = &'static str> + Clone,
    parse: impl Fn(&str) -> Option<T>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let value = parse(&word.text);
    if value.is_none() {
        let known: Vec<&str> = names.clone().collect();
        let mut diagnostic =
            Diagnostic::error(format!("unknown {what} `{}`", word.text), word.span)
                .with_label(format!("not a {what}"));
        if let Some(hint) = hint(&word.text, names) {
            diagnostic = diagnostic.with_note(format!("help: {hint}"));
        }
        diagnostics.push(diagnostic.with_note(format!("note: {what}s are {}", known.join(", "))));
    }
    value
}

/// The author's `{ key: value }` overrides with typed keys.
fn overrides(params: &[Param], diagnostics: &mut Vec<Diagnostic>) -> Vec<Override> {
    params
        .iter()
        .filter_map(|param| {
            let key = keyword(
                &param.key,
                "parameter",
                Key::words(),
                Key::from_word,
                diagnostics,
            )?;
            Some(Override {
                key,
                value: param.value.text().map(params::Value::from),
                span: param.value.span(),
            })
        })
        .collect()
}

/// Casts every participant: its role (`as ROLE`, else a default name or a role's own
/// name), and what it is bound to — a client's registration (declared `{ client_id: X }`,
/// else the first client_id it sends, else the first registration), an authorization
/// server's issuer, the authorization server a login page belongs to (the first it talks
/// with). A participant without a role is an error at its first appearance.
fn cast(flow: &Flow, world: &World, diagnostics: &mut Vec<Diagnostic>) -> Vec<Cast> {
    let mut members: Vec<Cast> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::default();
    let mut unbound = HashSet::default();
    let mut declared: HashMap<&str, &Participant> = HashMap::default();
    for participant in flow.participants() {
        let name = participant.name.text.as_str();
        let role = match &participant.role {
            Some(word) => {
                let role = keyword(
                    word,
                    "role",
                    role::ROLE_NAMES.iter().map(|(n, _)| *n),
                    Role::from_keyword,
                    diagnostics,
                );
                match role {
                    Some(role) => role,
                    None => {
                        unbound.insert(name);
                        continue;
                    }
                }
            }
            None => match Role::default_for(name) {
                Some(role) => role,
                None => continue,
            },
        };
        declared.insert(name, participant);
        index.insert(name, members.len());
        members.push(Cast {
            name: name.to_string(),
            role,
            registration: None,
            issuer: None,
            server: None,
            malicious: false,
        });
    }
    for message in flow.messages() {
        for name in [&message.from, &message.to] {
            let text = name.text.as_str();
            if index.contains_key(text) || unbound.contains(text) {
                continue;
            }
            match Role::default_for(text) {
                Some(role) => {
                    index.insert(text, members.len());
                    members.push(Cast {
                        name: text.to_string(),
                        role,
                        registration: None,
                        issuer: None,
                        server: None,
                        malicious: false,
                    });
                }
                None => {
                    let quoted = if name.quoted {
                        format!("\"{text}\"")
                    } else {
                        text.to_string()
                    };
                    diagnostics.push(
                        Diagnostic::error(format!("participant `{text}` has no role"), name.span)
                            .with_label("cannot tell what this participant does in the protocol")
                            .with_note(format!(
                                "help: declare it, e.g. `participant {quoted} as client`; the default names are fe, be, auth_server_fe, auth_server_be, rs and attacker, and a participant may be named after its role (browser, client, authorization_server, ...)"
                            )),
                    );
                    // One error per participant is enough.
                    unbound.insert(text);
                }
            }
        }
    }
    // What declarations bind.
    for member in &mut members {
        let Some(participant) = declared.get(member.name.as_str()) else {
            continue;
        };
        for param in &participant.params {
            let value = param.value.text().unwrap_or("");
            match (member.role, param.key.text.as_str()) {
                (role, "malicious") => match value {
                    "true" => member.malicious = true,
                    "false" if role != Role::Attacker => member.malicious = false,
                    _ => diagnostics.push(
                        Diagnostic::error(
                            format!("`malicious` takes `true` or `false`, not `{value}`"),
                            param.value.span(),
                        )
                        .with_label(if role == Role::Attacker {
                            "an attacker is malicious by definition"
                        } else {
                            "not `true` or `false`"
                        })
                        .with_note(
                            "note: a malicious participant does not follow the protocol: its own messages break no duty, though it still cannot send what it never learned",
                        ),
                    ),
                },
                (Role::Client, "client_id") => {
                    match world.registrations.iter().position(|c| c.id == value) {
                        Some(r) => member.registration = Some(r),
                        None => {
                            let mut diagnostic = Diagnostic::error(
                                format!("no registered client has client_id `{value}`"),
                                param.value.span(),
                            )
                            .with_label("not a registration");
                            if let Some(h) =
                                hint(value, world.registrations.iter().map(|c| c.id.as_str()))
                            {
                                diagnostic = diagnostic.with_note(format!("help: {h}"));
                            }
                            diagnostics.push(diagnostic.with_note(
                            "note: registrations come from the front matter's `client` and `clients`",
                        ));
                        }
                    }
                }
                (Role::AuthorizationServer | Role::ResourceServer, "issuer") => {
                    member.issuer = Some(value.to_string())
                }
                (role, key) => {
                    let allowed = match role {
                        Role::Client => "`client_id` and `malicious`",
                        Role::AuthorizationServer | Role::ResourceServer => {
                            "`issuer` and `malicious`"
                        }
                        _ => "`malicious` only",
                    };
                    diagnostics.push(
                        Diagnostic::error(
                            format!("a {role} participant cannot be bound by `{key}`"),
                            param.key.span,
                        )
                        .with_label("not a binding for this role")
                        .with_note(format!("note: a {role} participant takes {allowed}")),
                    );
                }
            }
        }
    }
    // Undeclared bindings, from the first evidence in the flow.
    for message in flow.messages() {
        let (Some(&from), Some(&to)) = (
            index.get(message.from.text.as_str()),
            index.get(message.to.text.as_str()),
        ) else {
            continue;
        };
        if members[from].role == Role::Client && members[from].registration.is_none() {
            let written = message
                .params
                .iter()
                .find(|p| p.key.text == "client_id")
                .and_then(|p| p.value.text());
            if let Some(r) =
                written.and_then(|id| world.registrations.iter().position(|c| c.id == id))
            {
                members[from].registration = Some(r);
            }
        }
        for (page, other) in [(from, to), (to, from)] {
            if members[page].role == Role::LoginPage
                && members[page].server.is_none()
                && members[other].role == Role::AuthorizationServer
            {
                members[page].server = Some(members[other].name.clone());
            }
        }
    }
    members
}
