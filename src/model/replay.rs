//! The replay: routes each message from its sender's actor to its receiver's and records
//! what happened. Per message: read it (`reading.rs`), let the sender's actor form it as a
//! correct actor would (`forms.rs`), apply the author's overrides, check causality, record
//! the step, let the actors act on it (`effects.rs`), let the receiver learn what it
//! carried. Nothing here judges; every lookup is a hash or a short queue, so a replay is
//! linear in the flow's length.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use sha2::{Digest, Sha256};
use thin_vec::ThinVec;

use super::actor::*;
use super::params::{Interner, Override, Params, Value};
use super::reading::{self, Situation};
use super::role::Role;
use super::run::*;
use super::step::StepKind;
use super::vocab::{GrantType, Key, Location};
use super::words::{Cue, Words};
use super::world::World;
use crate::span::Span;

mod effects;
mod forms;

/// S256 as RFC 7636 §4.2 defines it: BASE64URL(SHA256(ASCII(code_verifier))), unpadded.
pub fn s256(verifier: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A participant as the flow declares it, resolved by `model::execute`.
pub(crate) struct Cast {
    pub name: String,
    pub role: Role,
    /// The registration a client participant stands for (index in the world's).
    pub registration: Option<usize>,
    /// The issuer an authorization server participant declares, or whose tokens a
    /// resource server participant accepts.
    pub issuer: Option<String>,
    /// The authorization server a login page belongs to (a name in the cast).
    pub server: Option<String>,
    /// Declared `{ malicious: true }`: the participant does not follow the protocol.
    pub malicious: bool,
}

/// A message with everything resolved that does not depend on the replay.
pub(crate) struct Bound<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub label: &'a str,
    pub line: usize,
    pub span: Span,
    pub label_span: Span,
    pub explicit: Option<StepKind>,
    pub via: Option<Location>,
    pub overrides: Vec<Override>,
}

/// The message being replayed, as the actors see it.
pub(crate) struct Sent<'a> {
    pub id: StepId,
    pub kind: StepKind,
    pub grant: GrantType,
    pub from: ActorId,
    pub to: ActorId,
    pub words: &'a Words,
    pub label: &'a str,
    pub overrides: &'a [Override],
}

impl Sent<'_> {
    /// What the author wrote for `key`: `Some(None)` for `none`.
    pub fn written(&self, key: Key) -> Option<Option<&str>> {
        self.overrides
            .iter()
            .find(|o| o.key == key)
            .map(|o| o.value.as_deref())
    }
}

/// What the sender's actor puts in a message.
#[derive(Default)]
pub(crate) struct Outgoing {
    pub params: Params,
    /// Values it generates for this message, each as the parameter it is.
    pub generated: Vec<(Key, Value)>,
    /// Values the step needs that it does not have.
    pub missing: ThinVec<Missing>,
}

pub(crate) struct Replay<'w> {
    pub world: &'w World,
    pub actors: Vec<Actor>,
    pub by_name: HashMap<String, ActorId>,
    pub apps: Vec<ClientApp>,
    pub run: Run,
    pub clock: u64,
    counters: HashMap<&'static str, usize>,
    /// World texts and constants as shared values.
    pub values: Interner,
    /// The words of each label read so far: flows repeat their labels (every login says
    /// "redirect"), and reading a label's words costs more than one hash probe.
    labels: HashMap<Box<str>, Words>,
    /// What each message was read as on its first pass, by where it starts in the file,
    /// once a path through a `loop` repeats one: a loop repeats the same steps, so a
    /// message is read the same way on every pass (only its values change). Built at
    /// the first repeat; a flow that never goes back never pays for it.
    first_passes: Option<HashMap<usize, StepKind>>,
    /// Where the latest message starts: a message starting at or before it is a repeat.
    latest_start: Option<usize>,
}

/// Distinct labels [`Replay::labels`] remembers: a flow whose labels never repeat
/// ("msg 1", "msg 2", ...) would only fill the table.
const REMEMBERED_LABELS: usize = 4096;

impl<'w> Replay<'w> {
    pub(crate) fn new(world: &'w World, cast: &[Cast], messages: usize) -> Replay<'w> {
        let mut replay = Replay {
            world,
            actors: Vec::with_capacity(cast.len()),
            by_name: HashMap::default(),
            apps: Vec::new(),
            run: Run {
                world: world.clone(),
                steps: Vec::with_capacity(messages),
                transactions: Vec::new(),
                authorization_responses: Vec::new(),
                codes: Vec::new(),
                callbacks: Vec::new(),
                redemptions: Vec::new(),
                tokens: Vec::new(),
                refresh_tokens: Vec::new(),
                revocations: Vec::new(),
                api_calls: Vec::new(),
                learnings: Vec::new(),
                sessions: Vec::new(),
                provenance: Provenance::with_capacity(messages),
                repeats: false,
                dishonest: cast
                    .iter()
                    .filter(|m| m.malicious || m.role == Role::Attacker)
                    .map(|m| Value::from(m.name.as_str()))
                    .collect(),
                index: Index::default(),
            },
            clock: 0,
            counters: HashMap::default(),
            values: Interner::default(),
            labels: HashMap::default(),
            first_passes: None,
            latest_start: None,
        };
        let mut servers = 0;
        for member in cast {
            let id = replay.actors.len();
            let kind = match member.role {
                Role::Browser | Role::Attacker => ActorKind::UserAgent(UserAgent {
                    attacker: member.role == Role::Attacker,
                    ..UserAgent::default()
                }),
                Role::Client => ActorKind::Client {
                    app: replay.app_for(member.registration.unwrap_or(0), Some(id)),
                },
                Role::LoginPage => ActorKind::LoginPage {
                    server: None,
                    mistyped: false,
                },
                Role::AuthorizationServer => {
                    servers += 1;
                    ActorKind::AuthorizationServer(Box::new(AuthorizationServer {
                        issuer: member.issuer.clone().unwrap_or_else(|| {
                            if servers == 1 {
                                "https://as.example".to_string()
                            } else {
                                format!("https://as{servers}.example")
                            }
                        }),
                        ..AuthorizationServer::default()
                    }))
                }
                Role::ResourceServer => ActorKind::ResourceServer {
                    audience: member.issuer.clone(),
                },
            };
            replay.by_name.insert(member.name.clone(), id);
            replay.actors.push(Actor {
                name: Value::from(member.name.as_str()),
                role: member.role,
                knows: HashMap::default(),
                holds: Holdings::default(),
                serving: Default::default(),
                kind,
            });
        }
        // Login pages belong to the AS they talk to, else the first one.
        let first_server = replay
            .actors
            .iter()
            .position(|a| a.role == Role::AuthorizationServer);
        for member in cast.iter().filter(|m| m.role == Role::LoginPage) {
            let server = member
                .server
                .as_ref()
                .and_then(|s| replay.by_name.get(s).copied())
                .or(first_server);
            let id = replay.by_name[&member.name];
            if let ActorKind::LoginPage { server: slot, .. } = &mut replay.actors[id].kind {
                *slot = server;
            }
        }
        // A browser runs the front end of the flow's first client until a client sends
        // it to the AS.
        let first_app = replay
            .actors
            .iter()
            .find_map(|a| match a.kind {
                ActorKind::Client { app } => Some(app),
                _ => None,
            })
            .unwrap_or_else(|| replay.app_for(0, None));
        for actor in &mut replay.actors {
            if let ActorKind::UserAgent(ua) = &mut actor.kind {
                ua.front_end = Some(first_app);
            }
        }
        replay.configure_secrets();
        replay
    }

    /// The application of `registration`, created on first use.
    fn app_for(&mut self, registration: usize, participant: Option<ActorId>) -> usize {
        let app = match self
            .apps
            .iter()
            .position(|a| a.registration == registration)
        {
            Some(app) => app,
            None => {
                self.apps.push(ClientApp {
                    registration,
                    sessions: HashMap::default(),
                    participants: Vec::new(),
                });
                self.apps.len() - 1
            }
        };
        if let Some(p) = participant {
            self.apps[app].participants.push(p);
        }
        app
    }

    /// Configuration secrets: each client participant knows its registration's secret; the
    /// users' passwords are known to their browsers and the login page they type into;
    /// the attacker holds the registrations no honest participant stands for and the
    /// accounts after the first; an AS knows every registration and user.
    fn configure_secrets(&mut self) {
        let world = self.world;
        let honest: HashSet<usize> = self.apps.iter().map(|a| a.registration).collect();
        for value in world
            .registrations
            .iter()
            .filter_map(|c| c.secret.as_deref())
            .chain(world.users.iter().map(|u| u.password.as_str()))
        {
            self.run
                .provenance
                .generated(&Value::from(value), Origin::Config);
        }
        for index in 0..self.actors.len() {
            let secret =
                |c: &crate::model::world::Client| c.secret.clone().map(|s| (Key::ClientSecret, s));
            let password = |u: &crate::model::world::User| (Key::Password, u.password.clone());
            let known: Vec<(Key, String)> = match self.actors[index].kind {
                ActorKind::Client { app } => {
                    secret(&world.registrations[self.apps[app].registration])
                        .into_iter()
                        .collect()
                }
                ActorKind::UserAgent(UserAgent { attacker: true, .. }) => world
                    .registrations
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !honest.contains(i) && *i != 0)
                    .filter_map(|(_, c)| secret(c))
                    .chain(world.users.iter().skip(1).map(password))
                    .collect(),
                ActorKind::UserAgent(_) | ActorKind::LoginPage { .. } => {
                    world.users.iter().map(password).collect()
                }
                ActorKind::AuthorizationServer(_) => world
                    .registrations
                    .iter()
                    .filter_map(secret)
                    .chain(world.users.iter().map(password))
                    .collect(),
                ActorKind::ResourceServer { .. } => Vec::new(),
            };
            for (key, value) in known {
                self.learn(index, key, &Value::from(value), None);
            }
        }
    }

    /// `actor` has `value` (a `key`) since `step` (`None`: configuration); the run keeps
    /// every change of what an actor knows, for the teaching view.
    pub(crate) fn learn(&mut self, actor: ActorId, key: Key, value: &Value, step: Option<StepId>) {
        if self.actors[actor].learn(value, step) {
            self.run.learnings.push(Learning {
                participant: self.actors[actor].name.clone(),
                key,
                value: value.clone(),
                step,
            });
        }
    }

    /// The words of `label`, read once per distinct label.
    fn words(&mut self, label: &str) -> Words {
        if let Some(words) = self.labels.get(label) {
            return *words;
        }
        let words = Words::new(label);
        if self.labels.len() < REMEMBERED_LABELS {
            self.labels.insert(label.into(), words);
        }
        words
    }

    /// Time passes on every actor's clock (`wait`). `false`, and the clock unchanged, when
    /// it would pass the largest time the clock counts: saturating would make every later
    /// `wait` vanish without a word.
    pub(crate) fn wait(&mut self, seconds: u64) -> bool {
        match self.clock.checked_add(seconds) {
            Some(clock) => {
                self.clock = clock;
                true
            }
            None => false,
        }
    }

    /// The run, once every message was replayed.
    pub(crate) fn finish(self) -> Run {
        self.run
    }

    /// A fresh readable value (`state-1`, `code-2`, ...) not yet used in this run.
    pub(crate) fn fresh(&mut self, prefix: &'static str) -> Value {
        use std::fmt::Write;
        let mut text = String::with_capacity(prefix.len() + 8);
        loop {
            let counter = self.counters.entry(prefix).or_insert(0);
            *counter += 1;
            text.clear();
            text.push_str(prefix);
            text.push('-');
            // Writing an integer into a String cannot fail.
            let _ = write!(text, "{counter}");
            // Every fresh value is generated in the message that asked for it, so the
            // provenance knows every value handed out so far.
            if self.run.provenance.origin(&text).is_none() {
                return Value::from(text.as_str());
            }
        }
    }

    /// The authorization server actor among the two parties of a message, if any: itself,
    /// or the one a login page belongs to.
    pub(crate) fn server_of(&self, actor: ActorId) -> Option<ActorId> {
        match &self.actors[actor].kind {
            ActorKind::AuthorizationServer(_) => Some(actor),
            ActorKind::LoginPage { server, .. } => *server,
            _ => None,
        }
    }

    /// The open transaction of `browser` at `server`.
    pub(crate) fn pending(&self, server: ActorId, browser: ActorId) -> Option<TransactionId> {
        let name = &self.actors[browser].name;
        self.actors[server].server()?.pending.get(name).copied()
    }

    /// What the actors' state says about a message from `from` to `to`.
    fn situation(&self, from: ActorId, to: ActorId) -> Situation {
        let sender = &self.actors[from];
        let receiver = &self.actors[to];
        let mut s = Situation {
            holds_redirect: sender.user_agent().is_some_and(|ua| ua.held.is_some()),
            // A token that came in the very redirect the browser holds is one it has
            // not had a chance to use: the redirect comes first.
            holds_token: sender.holds.token.as_deref().is_some_and(|token| {
                sender
                    .user_agent()
                    .and_then(|ua| ua.held.as_ref()?.get(Key::AccessToken))
                    != Some(token)
            }),
            holds_code: !sender.holds.unredeemed.is_empty(),
            holds_spent_code: sender.holds.unredeemed.is_empty() && sender.holds.code.is_some(),
            holds_refresh: sender.holds.refresh.is_some(),
            ..Situation::default()
        };
        // The login under way between a browser and an AS (or its page).
        let login = |server: Option<ActorId>, browser: ActorId| {
            server
                .and_then(|server| self.pending(server, browser))
                .map(|t| &self.run.transactions[t])
                .filter(|t| t.is_open())
        };
        let transaction = match (sender.role, receiver.role) {
            (Role::Browser | Role::Attacker, _) if from == to => self
                .actors
                .iter()
                .enumerate()
                .filter(|(_, a)| a.role == Role::AuthorizationServer)
                .find_map(|(server, _)| login(Some(server), from)),
            (Role::Browser | Role::Attacker, _) => login(self.server_of(to), from),
            (_, Role::Browser | Role::Attacker) => login(self.server_of(from), to),
            // Between the AS and its login page: the request the page shows.
            (Role::LoginPage, Role::AuthorizationServer)
            | (Role::AuthorizationServer, Role::LoginPage) => self
                .server_of(from)
                .and_then(|server| {
                    let state = self.actors[server].server()?;
                    state.page.or(state.latest)
                })
                .map(|t| &self.run.transactions[t])
                .filter(|t| t.is_open()),
            _ => None,
        };
        if let Some(t) = transaction {
            s.request_under_way = true;
            s.awaiting_login = !t.authenticated();
            s.awaiting_consent = t.authenticated() && t.consent().is_none();
            s.logged_in = t.authenticated();
        }
        if let Some(server) = sender.server() {
            s.token_request_pending = !server.token_requests.is_empty();
            s.token_request_of_receiver = server
                .token_requests
                .iter()
                .any(|&r| self.run.redemptions[r].requester == receiver.name);
            s.revocation_of_receiver = server
                .revocations
                .iter()
                .any(|&r| self.run.revocations[r].requester == receiver.name);
        }
        s.api_call_of_receiver = sender
            .serving
            .iter()
            .any(|&c| self.run.api_calls[c].caller == receiver.name);
        if let (ActorKind::Client { app }, Some(_)) = (&sender.kind, receiver.user_agent()) {
            s.session_bound = self.apps[*app].sessions.contains_key(&receiver.name);
        }
        s
    }

    /// What the message starting at `start` was read as on its first pass, when this is
    /// a repeat of it.
    fn first_pass(&mut self, start: usize) -> Option<StepKind> {
        let repeat = self.latest_start.is_some_and(|latest| start <= latest);
        self.latest_start = Some(start);
        if repeat && self.first_passes.is_none() {
            let mut passes = HashMap::default();
            for step in &self.run.steps {
                passes.entry(step.span.start).or_insert(step.kind);
            }
            self.first_passes = Some(passes);
            self.run.repeats = true;
        }
        self.first_passes.as_ref()?.get(&start).copied()
    }

    /// Replays one message.
    pub(crate) fn message(&mut self, bound: &Bound<'_>) {
        let from = self.by_name[bound.from];
        let to = self.by_name[bound.to];
        let words = self.words(bound.label);
        let written: Vec<Key> = bound
            .overrides
            .iter()
            .filter(|o| o.value.is_some())
            .map(|o| o.key)
            .collect();
        let situation = self.situation(from, to);
        let first_pass = self.first_pass(bound.span.start);
        let mut reading = match (bound.explicit, first_pass) {
            (Some(kind), _) => Reading {
                kind,
                reason: format!("written `as {kind}`").into(),
                ambiguous_with: ThinVec::new(),
            },
            (None, Some(kind)) => Reading {
                kind,
                reason: "as on its first pass through the loop".into(),
                ambiguous_with: ThinVec::new(),
            },
            (None, None) => reading::read(
                &reading::Message {
                    from: self.actors[from].role,
                    to: self.actors[to].role,
                    is_self: from == to,
                    written: &written,
                    words: &words,
                },
                &situation,
            ),
        };
        let grant = if reading.kind == StepKind::TokenRequest {
            let grant_written = bound
                .overrides
                .iter()
                .find(|o| o.key == Key::GrantType)
                .and_then(|o| o.value.as_deref())
                .and_then(GrantType::from_word);
            match grant_written {
                Some(grant) => {
                    // The reading may rest on the very same parameter: say it once.
                    if !reading.reason.contains("`grant_type` written") {
                        reading.reason = format!("{}; `grant_type` written", reading.reason).into();
                    }
                    grant
                }
                None => {
                    let (grant, why) = reading::grant(&written, &words, &situation);
                    reading.reason = format!("{}; {} grant: {why}", reading.reason, grant).into();
                    grant
                }
            }
        } else {
            GrantType::AuthorizationCode
        };
        let id = self.run.steps.len();
        let sent = Sent {
            id,
            kind: reading.kind,
            grant,
            from,
            to,
            words: &words,
            label: bound.label,
            overrides: &bound.overrides,
        };

        if let Some(planted) = self.planted_link(&sent) {
            let line = self.run.steps[planted.at].line;
            reading.reason = format!(
                "{}, following the link `{}` handed it at line {line}",
                reading.reason, planted.by
            )
            .into();
        }
        let mut out = Outgoing::default();
        self.form(&sent, &mut out);
        // A label that writes a token into a URL (`302 /app#access_token=…`) shows the
        // sender putting the token it holds there, whatever step the message is.
        let holds = &self.actors[from].holds;
        for (key, held) in [
            (Key::AccessToken, &holds.token),
            (Key::RefreshToken, &holds.refresh),
        ] {
            if out.params.get(key).is_none()
                && let Some(value) = held
                && written_in_url(bound.label, key).is_some()
            {
                out.params.set(key, Some(value.clone()));
            }
        }
        // A label that writes a value the flow has produced into a URL
        // (`link https://client.example/callback?code=code-1`) carries it, where the
        // sender's model has none of its own: the label is the weakest evidence, and
        // illustrative values (`state=xyz`) were never produced, so they stay text.
        for (key, text) in url_values(bound.label) {
            if out.params.get(key).is_none()
                && let Some(value) = self.run.provenance.known(text)
            {
                out.params.set(key, Some(value.clone()));
            }
        }
        out.params.apply(&bound.overrides);
        out.missing
            .retain(|m| !bound.overrides.iter().any(|o| o.key == m.key));
        let unknown = self.causality(&sent, &mut out);
        let kind = reading.kind;
        let via = bound.via;
        out.params
            .place(|key| location(kind, key, via, bound.label, &words));

        if let Some(passes) = &mut self.first_passes {
            passes.entry(bound.span.start).or_insert(kind);
        }
        self.run.steps.push(Step {
            line: bound.line,
            span: bound.span,
            label_span: bound.label_span,
            from: self.actors[from].name.clone(),
            to: self.actors[to].name.clone(),
            from_role: self.actors[from].role,
            to_role: self.actors[to].role,
            kind,
            reading,
            params: out.params,
            via,
            time: self.clock,
            unknown_to_sender: unknown,
            missing: out.missing,
        });
        self.act(&sent);
        self.observe(&sent);
    }

    /// Every secret value carried must be known to its sender; returns the ones it could
    /// not know. A value nobody had before is one the sender makes up here.
    fn causality(&mut self, sent: &Sent, out: &mut Outgoing) -> ThinVec<(Key, Value)> {
        let mut unknown = ThinVec::new();
        for carried in out.params.iter().filter(|c| c.key.is_secret()) {
            if out.generated.iter().any(|(_, v)| *v == carried.value) {
                continue;
            }
            // A login page is the AS's own front end: it knows what its AS knows.
            let known = self.actors[sent.from]
                .knows
                .get(&carried.value)
                .or_else(|| {
                    let server = self.server_of(sent.from).filter(|&s| s != sent.from)?;
                    self.actors[server].knows.get(&carried.value)
                });
            match known {
                Some(Some(learned)) => {
                    self.run
                        .provenance
                        .carried(*learned, sent.id, &carried.value)
                }
                Some(None) => {}
                None if self.run.provenance.origin(&carried.value).is_some() => {
                    unknown.push((carried.key, carried.value.clone()));
                }
                None => out.generated.push((carried.key, carried.value.clone())),
            }
        }
        for (key, value) in &out.generated {
            self.run.provenance.generated(value, Origin::Step(sent.id));
            self.learn(sent.from, *key, value, Some(sent.id));
        }
        unknown
    }

    /// The receiver learns every secret the message carried, and holds the latest code
    /// and tokens it was handed.
    fn observe(&mut self, sent: &Sent) {
        // By index: learning borrows the replay mutably, and a copy of the parameters
        // would cost an allocation per message.
        for index in 0..self.run.steps[sent.id].params.len() {
            let carried = self.run.steps[sent.id].params.at(index);
            if carried.key.is_learned() {
                let (key, value) = (carried.key, carried.value.clone());
                self.learn(sent.to, key, &value, Some(sent.id));
            }
        }
        let step = &self.run.steps[sent.id];
        let receiver = &mut self.actors[sent.to];
        for carried in step.params.iter().filter(|c| c.key.is_learned()) {
            let slot = match carried.key {
                Key::Code => {
                    receiver.holds.receive_code(&carried.value, None);
                    continue;
                }
                Key::AccessToken => &mut receiver.holds.token,
                Key::RefreshToken => &mut receiver.holds.refresh,
                _ => continue,
            };
            *slot = Some(carried.value.clone());
        }
    }
}

/// The `key=value` pairs a label writes in URLs, for the keys that are parameters, each
/// with where it travels: a pair follows `?` or `#`, or `&` in a word that has one of them
/// before it, and the last of those says query or fragment. A form body
/// (`grant_type=refresh_token&refresh_token=…`) is no URL. Values are as written, up to
/// the next separator; they may be empty (`?access_token=`).
fn url_params(label: &str) -> impl Iterator<Item = (Key, &str, Location)> {
    let words = label
        .contains('=')
        .then(|| label.split_whitespace())
        .into_iter()
        .flatten();
    words.flat_map(|word| {
        let url = word.find(['?', '#']).map_or("", |at| &word[at..]);
        let separators = url.match_indices(['?', '#', '&']);
        let ends = separators
            .clone()
            .skip(1)
            .map(|(at, _)| at)
            .chain(std::iter::once(url.len()));
        let mut location = Location::Query;
        separators
            .zip(ends)
            .filter_map(move |((at, separator), end)| {
                match separator {
                    "?" => location = Location::Query,
                    "#" => location = Location::Fragment,
                    _ => {}
                }
                let (key, value) = url[at + 1..end].split_once('=')?;
                Some((Key::from_word(key)?, value, location))
            })
    })
}

/// The values a label writes in URLs (`?code=code-1`), without trailing punctuation.
fn url_values(label: &str) -> impl Iterator<Item = (Key, &str)> {
    url_params(label).filter_map(|(key, value, _)| {
        let value = value.trim_end_matches([',', '.', ';', ')', '"', '\'']);
        (!value.is_empty()).then_some((key, value))
    })
}

/// Where the label writes `key=` in a URL, if it does.
fn written_in_url(label: &str, key: Key) -> Option<Location> {
    url_params(label)
        .find(|&(written, _, _)| written == key)
        .map(|(_, _, location)| location)
}

/// Where a parameter travelled: as the author says (`via`), else as the label shows it
/// (`?access_token=…`, `#access_token=…`), else where the step puts it.
fn location(
    kind: StepKind,
    key: Key,
    via: Option<Location>,
    label: &str,
    words: &Words,
) -> Location {
    if let Some(via) = via {
        return via;
    }
    if let Some(location) = written_in_url(label, key) {
        return location;
    }
    use StepKind::*;
    match kind {
        AuthorizationRedirect | AuthorizationRequest | AuthorizationResponse | Callback => {
            Location::Query
        }
        ApiRequest if key == Key::AccessToken => Location::Header,
        TokenRequest if key == Key::ClientSecret => Location::Header,
        // A client's redirect carries its values in the URL it redirects to.
        Other | ApiResponse if words.has(Cue::Redirect) => Location::Query,
        _ => Location::Body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parameters_and_where_they_travel() {
        let at = |label, key| written_in_url(label, key);
        assert_eq!(
            at("GET /api?access_token=", Key::AccessToken),
            Some(Location::Query)
        );
        assert_eq!(
            at("302 /app#access_token=t", Key::AccessToken),
            Some(Location::Fragment)
        );
        assert_eq!(
            at("POST /notes?title=hi&access_token=t", Key::AccessToken),
            Some(Location::Query)
        );
        assert_eq!(
            at("/cb?code=c#x=1&access_token=t", Key::AccessToken),
            Some(Location::Fragment)
        );
        // A form body has no `?` or `#` before it; `refresh_token=` is not `token=`.
        assert_eq!(at("title=hi&access_token=t", Key::AccessToken), None);
        assert_eq!(
            at("POST /token?grant_type=x&refresh_token=r", Key::Token),
            None
        );
        let values: Vec<_> =
            url_values("mail: (https://c.example/cb?code=code-1&state=s-1&scope=).").collect();
        assert_eq!(values, [(Key::Code, "code-1"), (Key::State, "s-1")]);
    }
}
