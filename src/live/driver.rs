//! Sends a replayed flow's AS-bound messages to a real server and records what it
//! answered. The model's run says what each message is and carries; this file only turns
//! that into HTTP as a browser or client would send it: a query for the authorization
//! endpoint, a form body with HTTP Basic or `client_secret_post` for the token and
//! revocation endpoints, login and consent through the page's own forms, one cookie jar
//! per browser participant, redirects followed only while they stay at the server.
//!
//! Values the server makes up (codes, tokens) differ from the model's (`code-1`); the
//! driver keeps the model name of each, so a later message that carries `code-1` sends
//! the real code, and a dump can name it without showing it.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::Duration;

use base64::Engine as _;
use cookie_store::CookieStore;
use url::Url;

use super::config::{ClientAuth, Config, ResolvedEndpoints};
use super::forms::{PageKind, classify};
use super::http::{Exchange, HttpRequest, HttpResponse, Transport, origin};
use crate::model::run::{Step, StepId};
use crate::model::vocab::{Key, Location};
use crate::model::{Role, Run, StepKind};

/// What the server answered where the flow draws an AS answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer {
    /// A redirect to the client with a code.
    Code {
        /// The `state` it carried.
        state: Option<String>,
        /// Whether it named its issuer (`iss`, RFC 9207).
        iss: bool,
    },
    /// A redirect to the client with an error (RFC 6749 §4.1.2.1).
    RedirectError(String),
    /// A page asking for credentials or consent.
    LoginPage,
    /// A page that neither redirects nor asks anything: an error page, with its status.
    ErrorPage(u16),
    /// Tokens from the token endpoint.
    Tokens {
        /// Whether a refresh token came with them.
        refresh: bool,
    },
    /// An error from the token or revocation endpoint: the `error` code, if any, and
    /// the status.
    EndpointError(Option<String>, u16),
    /// The revocation endpoint's success (RFC 7009 §2.2).
    Revoked,
    /// The protected resource served the request.
    Resource,
    /// No request was sent that this answer could answer.
    NotSent,
}

impl fmt::Display for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Answer::Code { .. } => f.write_str("code"),
            Answer::RedirectError(error) => write!(f, "error={error}"),
            Answer::LoginPage => f.write_str("login page"),
            Answer::ErrorPage(status) => write!(f, "error page ({status})"),
            Answer::Tokens { refresh: false } => f.write_str("tokens"),
            Answer::Tokens { refresh: true } => f.write_str("tokens + refresh"),
            Answer::EndpointError(Some(error), _) => write!(f, "error={error}"),
            Answer::EndpointError(None, status) => write!(f, "HTTP {status}"),
            Answer::Revoked => f.write_str("revoked"),
            Answer::Resource => f.write_str("resource"),
            Answer::NotSent => f.write_str("(not sent)"),
        }
    }
}

/// Where a browser's last navigation at the server ended.
#[derive(Clone, Debug)]
enum Landing {
    /// A redirect away from the server: the authorization response.
    Redirect(Url),
    /// A page at the server.
    Page { status: u16, kind: PageKind },
}

#[derive(Default)]
struct Browser {
    cookies: CookieStore,
    landing: Option<Landing>,
    /// The message whose request ended in `landing`.
    landed_by: Option<StepId>,
}

/// The longest redirect chain followed within the server.
const MAX_REDIRECTS: usize = 12;
/// The most forms (login, second factor, consent) one login message submits.
const MAX_FORMS: usize = 4;

/// The server's answer at one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Answered {
    /// What it answered.
    pub answer: Answer,
    /// Whom: the requester, on the back channel.
    pub to: String,
    /// The message whose request it answers, if one was sent.
    pub request: Option<StepId>,
    /// Whether that request carried a code or token the server never issued (because
    /// it answered an earlier request otherwise than drawn): refusing it is right.
    pub guessed: bool,
}

/// What a live replay recorded.
pub struct Recorded {
    /// The server's answer at each step the flow draws as a server's answer.
    pub answers: HashMap<StepId, Answered>,
    /// Every request and response, in order.
    pub exchanges: Vec<Exchange>,
    /// Every secret value seen, for masking dumps.
    pub secrets: Vec<String>,
}

/// Sends the AS-bound messages of `run` through `transport` to `endpoints`.
pub struct Driver<'a> {
    config: &'a Config,
    endpoints: &'a ResolvedEndpoints,
    allowed: Vec<String>,
    transport: &'a mut dyn Transport,
    browsers: HashMap<String, Browser>,
    last_browser: Option<String>,
    pending_tokens: VecDeque<Pending>,
    pending_revocations: VecDeque<Pending>,
    pending_api: VecDeque<Pending>,
    /// The world's first user and password, for a login message that names none.
    default_user: Option<(String, String)>,
    /// Each registration's model secret, by client id.
    model_secrets: HashMap<String, String>,
    /// Model value → the server's value.
    real: HashMap<String, String>,
    recorded: Recorded,
    /// The message being sent.
    current: StepId,
    /// Whether the message being sent carries a code or token the server never issued.
    guessed: bool,
    time_scale: Option<f64>,
}

impl<'a> Driver<'a> {
    /// A driver that may send requests only to the origins of `endpoints`.
    pub fn new(
        config: &'a Config,
        endpoints: &'a ResolvedEndpoints,
        transport: &'a mut dyn Transport,
        time_scale: Option<f64>,
    ) -> Driver<'a> {
        let mut allowed = vec![origin(&endpoints.authorization), origin(&endpoints.token)];
        allowed.extend(endpoints.revocation.as_ref().map(origin));
        allowed.extend(endpoints.api.as_ref().map(origin));
        Driver {
            config,
            endpoints,
            allowed,
            transport,
            browsers: HashMap::new(),
            last_browser: None,
            pending_tokens: VecDeque::new(),
            pending_revocations: VecDeque::new(),
            pending_api: VecDeque::new(),
            model_secrets: HashMap::new(),
            default_user: None,
            real: HashMap::new(),
            recorded: Recorded {
                answers: HashMap::new(),
                exchanges: Vec::new(),
                secrets: Vec::new(),
            },
            current: 0,
            guessed: false,
            time_scale,
        }
    }

    /// Walks the run's messages in order, sending what goes to the server and recording
    /// what it answered.
    pub fn drive(mut self, run: &Run) -> Result<Recorded, String> {
        for client in &run.world.registrations {
            if let Some(secret) = &client.secret {
                self.model_secrets.insert(client.id.clone(), secret.clone());
            }
        }
        self.default_user = run
            .world
            .users
            .first()
            .map(|u| (u.name.clone(), u.password.clone()));
        let mut clock = 0;
        for (id, step) in run.steps.iter().enumerate() {
            self.current = id;
            self.guessed = false;
            if step.time > clock {
                self.wait(step.time - clock)?;
                clock = step.time;
            }
            match step.kind {
                StepKind::AuthorizationRequest if step.to_role == Role::AuthorizationServer => {
                    self.authorization_request(step)?
                }
                StepKind::Login | StepKind::Deny if step.to_role == Role::AuthorizationServer => {
                    // A flow that draws the consent page as the server's next answer
                    // gets there with this message and approves with its next one.
                    let consent_drawn = run.steps[id + 1..]
                        .iter()
                        .find(|s| is_server(s.from_role) && is_front_channel_answer(s.kind))
                        .is_some_and(|s| s.kind == StepKind::LoginPage);
                    self.login(step, consent_drawn)?
                }
                StepKind::TokenRequest if step.to_role == Role::AuthorizationServer => {
                    let pending = self.back_channel(step, false)?;
                    self.pending_tokens.push_back(pending);
                }
                StepKind::Revocation if step.to_role == Role::AuthorizationServer => {
                    let pending = self.back_channel(step, true)?;
                    self.pending_revocations.push_back(pending);
                }
                StepKind::ApiRequest if step.to_role == Role::ResourceServer => {
                    let pending = self.api_request(step)?;
                    self.pending_api.push_back(pending);
                }
                StepKind::LoginPage | StepKind::ErrorPage | StepKind::AuthorizationResponse
                    if is_server(step.from_role) =>
                {
                    let answered = self.front_channel_answer(step);
                    self.recorded.answers.insert(id, answered);
                }
                StepKind::TokenResponse | StepKind::RevocationResponse | StepKind::ApiResponse
                    if is_server(step.from_role) =>
                {
                    let queue = match step.kind {
                        StepKind::TokenResponse => &mut self.pending_tokens,
                        StepKind::RevocationResponse => &mut self.pending_revocations,
                        _ => &mut self.pending_api,
                    };
                    let position = queue
                        .iter()
                        .position(|p| *p.requester == *step.to)
                        .unwrap_or(0);
                    let Some(pending) = queue.remove(position) else {
                        let answered = Answered {
                            answer: Answer::NotSent,
                            to: step.to.to_string(),
                            request: None,
                            guessed: false,
                        };
                        self.recorded.answers.insert(id, answered);
                        continue;
                    };
                    self.learn(step.params.get(Key::AccessToken), pending.access.as_deref());
                    self.learn(
                        step.params.get(Key::RefreshToken),
                        pending.refresh.as_deref(),
                    );
                    let answered = Answered {
                        answer: pending.answer,
                        to: pending.requester,
                        request: Some(pending.request),
                        guessed: pending.guessed,
                    };
                    self.recorded.answers.insert(id, answered);
                }
                _ => {}
            }
        }
        Ok(self.recorded)
    }

    /// A flow's `wait`, scaled to the server's clock.
    fn wait(&self, model_seconds: u64) -> Result<(), String> {
        let seconds = match self.time_scale {
            Some(scale) => model_seconds as f64 * scale,
            None if model_seconds <= 60 => model_seconds as f64,
            None => {
                return Err(format!(
                    "the flow waits {model_seconds}s; set `time.code_lifetime` in the config to \
                     the server's code lifetime so waits are scaled to it"
                ));
            }
        };
        std::thread::sleep(Duration::from_secs_f64(seconds));
        Ok(())
    }

    /// What to send for `key`: the server's value for a model value the server issued,
    /// else the value itself. A code or token the server never issued is sent as the
    /// model names it and noted, so that its refusal is not held against the server.
    fn value_to_send(&mut self, key: Key, value: &str) -> String {
        match self.real.get(value) {
            Some(real) => real.clone(),
            None => {
                if matches!(
                    key,
                    Key::Code | Key::AccessToken | Key::RefreshToken | Key::Token
                ) {
                    self.guessed = true;
                }
                value.to_string()
            }
        }
    }

    fn learn(&mut self, model: Option<&str>, real: Option<&str>) {
        if let (Some(model), Some(real)) = (model, real) {
            self.real.insert(model.to_string(), real.to_string());
            self.recorded.secrets.push(real.to_string());
        }
    }

    fn client(&self, model_id: &str) -> (String, Option<&super::config::ClientCredentials>) {
        let configured = self.config.clients.get(model_id);
        let id = configured
            .and_then(|c| c.id.clone())
            .unwrap_or_else(|| model_id.to_string());
        (id, configured)
    }

    fn authorization_request(&mut self, step: &Step) -> Result<(), String> {
        let mut url = self.endpoints.authorization.clone();
        {
            let mut query = url.query_pairs_mut();
            for carried in step.params.iter() {
                let value = match carried.key {
                    Key::ClientId => self.client(&carried.value).0,
                    key => self.value_to_send(key, &carried.value),
                };
                query.append_pair(carried.key.as_str(), &value);
            }
        }
        let request = HttpRequest {
            method: "GET",
            url,
            headers: Vec::new(),
            form: None,
        };
        let browser = step.from.to_string();
        let landing = self.navigate(&browser, request, step)?;
        self.land(&browser, landing);
        Ok(())
    }

    fn land(&mut self, browser: &str, landing: Landing) {
        self.browsers
            .entry(browser.to_string())
            .or_default()
            .landed_by = Some(self.current);
        self.browsers
            .entry(browser.to_string())
            .or_default()
            .landing = Some(landing);
        self.last_browser = Some(browser.to_string());
    }

    /// The browser a login page's message comes from: the sender itself when it is a
    /// browser, else the one that last reached a page at the server.
    fn browser_of(&self, step: &Step) -> Option<String> {
        if matches!(step.from_role, Role::Browser | Role::Attacker) {
            return Some(step.from.to_string());
        }
        self.last_browser.clone()
    }

    /// Submits the credentials in the pending login form, then approves (or, for a
    /// denial, refuses) any consent form that follows.
    fn login(&mut self, step: &Step, consent_drawn: bool) -> Result<(), String> {
        let Some(browser) = self.browser_of(step) else {
            return Ok(());
        };
        // A denial written without credentials ("login, deny") logs in as the world's
        // first user, as the model's login page does.
        let (username, model_password) = match step.params.get(Key::Username) {
            Some(name) => (
                name.to_string(),
                step.params
                    .get(Key::Password)
                    .unwrap_or_default()
                    .to_string(),
            ),
            None => self.default_user.clone().unwrap_or_default(),
        };
        let (login, password) = match self.config.users.get(&username) {
            Some(user) => (user.login.clone(), user.password.clone()),
            None => (username, model_password),
        };
        self.recorded.secrets.push(password.clone());
        let approve = step.kind == StepKind::Login;
        let mut logged_in = false;
        for submitted in 0..MAX_FORMS {
            let landing = self.browsers.get(&browser).and_then(|b| b.landing.clone());
            let (form, body) = match landing {
                Some(Landing::Page {
                    kind: PageKind::Login(form),
                    ..
                }) if !logged_in => {
                    logged_in = true;
                    let body = form.fill_login(&login, &password);
                    (form, body)
                }
                Some(Landing::Page {
                    kind: PageKind::Consent(_),
                    ..
                }) if submitted > 0 && consent_drawn => break,
                Some(Landing::Page {
                    kind: PageKind::Consent(form),
                    ..
                }) => match form.decide(approve) {
                    Some(body) => (form, body),
                    None => break,
                },
                _ => break,
            };
            let request = if form.method == "POST" {
                HttpRequest {
                    method: "POST",
                    url: form.action.clone(),
                    headers: Vec::new(),
                    form: Some(body),
                }
            } else {
                let mut url = form.action.clone();
                url.set_query(Some(&body));
                HttpRequest {
                    method: "GET",
                    url,
                    headers: Vec::new(),
                    form: None,
                }
            };
            let landing = self.navigate(&browser, request, step)?;
            self.land(&browser, landing);
        }
        Ok(())
    }

    /// Follows redirects while they stay at the server; a redirect elsewhere is the
    /// authorization response and is not followed.
    fn navigate(
        &mut self,
        browser: &str,
        mut request: HttpRequest,
        step: &Step,
    ) -> Result<Landing, String> {
        for _ in 0..MAX_REDIRECTS {
            let url = request.url.clone();
            let jar = &mut self
                .browsers
                .entry(browser.to_string())
                .or_default()
                .cookies;
            let cookie: Vec<String> = jar
                .get_request_values(&url)
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            if !cookie.is_empty() {
                request.headers.push(("Cookie".into(), cookie.join("; ")));
                self.recorded.secrets.extend(cookie);
            }
            let response = self.exchange(request, step)?;
            let jar = &mut self
                .browsers
                .entry(browser.to_string())
                .or_default()
                .cookies;
            for set_cookie in response.header_values("set-cookie") {
                // A cookie the jar refuses (bad domain, expired) is what a browser drops too.
                let _ = jar.parse(set_cookie, &url);
                if let Some(pair) = set_cookie.split(';').next() {
                    self.recorded.secrets.push(pair.trim().to_string());
                }
            }
            let location = response
                .header("location")
                .filter(|_| (300..400).contains(&response.status));
            let Some(location) = location else {
                let is_html = response
                    .header("content-type")
                    .is_some_and(|t| t.contains("html"));
                let kind = if is_html {
                    classify(&response.body, &url)
                } else {
                    PageKind::Other
                };
                return Ok(Landing::Page {
                    status: response.status,
                    kind,
                });
            };
            let next = url
                .join(location)
                .map_err(|error| format!("the server redirects to `{location}`: {error}"))?;
            if !self.allowed.contains(&origin(&next)) {
                return Ok(Landing::Redirect(next));
            }
            request = HttpRequest {
                method: "GET",
                url: next,
                headers: Vec::new(),
                form: None,
            };
        }
        Err(format!(
            "line {}: more than {MAX_REDIRECTS} redirects within the server",
            step.line
        ))
    }

    /// Sends one request, refusing any origin the config does not name.
    fn exchange(&mut self, request: HttpRequest, step: &Step) -> Result<HttpResponse, String> {
        if !self.allowed.contains(&origin(&request.url)) {
            return Err(format!(
                "line {}: refusing to send a request to `{}`, which the config does not name",
                step.line,
                origin(&request.url)
            ));
        }
        let response = self
            .transport
            .send(&request)
            .map_err(|error| format!("line {}: {error}", step.line))?;
        self.recorded.exchanges.push(Exchange {
            line: step.line,
            message: format!("{} -> {} ({})", step.from, step.to, step.kind.name()),
            request,
            response: response.clone(),
        });
        Ok(response)
    }

    /// The authorization server's front-channel answer: where the browser's last
    /// navigation ended. A redirect is taken (it is answered once); a page stays, since
    /// the login message will fill its form.
    fn front_channel_answer(&mut self, step: &Step) -> Answered {
        let receiver = step.to.to_string();
        let not_sent = |to: String| Answered {
            answer: Answer::NotSent,
            to,
            request: None,
            guessed: false,
        };
        let browser = if self
            .browsers
            .get(&receiver)
            .is_some_and(|b| b.landing.is_some())
        {
            receiver
        } else {
            match self.last_browser.clone() {
                Some(browser) => browser,
                None => return not_sent(receiver),
            }
        };
        let state = self.browsers.entry(browser.clone()).or_default();
        let request = state.landed_by;
        let slot = &mut state.landing;
        let answer = match slot {
            None => Answer::NotSent,
            Some(Landing::Page { status, kind }) => match kind {
                PageKind::Other => Answer::ErrorPage(*status),
                _ => Answer::LoginPage,
            },
            Some(Landing::Redirect(url)) => {
                let url = url.clone();
                *slot = None;
                let mut pairs: HashMap<String, String> = url.query_pairs().into_owned().collect();
                if let Some(fragment) = url.fragment() {
                    pairs.extend(url::form_urlencoded::parse(fragment.as_bytes()).into_owned());
                }
                match (pairs.get("code"), pairs.get("error")) {
                    (_, Some(error)) => Answer::RedirectError(error.clone()),
                    (Some(code), None) => {
                        let code = code.clone();
                        // Masked in dumps even when the flow drew no code here to map.
                        self.recorded.secrets.push(code.clone());
                        self.learn(step.params.get(Key::Code), Some(&code));
                        Answer::Code {
                            state: pairs.get("state").cloned(),
                            iss: pairs.contains_key("iss"),
                        }
                    }
                    (None, None) => Answer::ErrorPage(302),
                }
            }
        };
        Answered {
            answer,
            to: step.to.to_string(),
            request,
            guessed: false,
        }
    }

    /// A back-channel request of `step` not answered yet.
    fn pending(&self, step: &Step) -> Pending {
        Pending {
            request: self.current,
            guessed: false,
            requester: step.from.to_string(),
            answer: Answer::NotSent,
            access: None,
            refresh: None,
        }
    }

    /// An API call with the access token as a Bearer header (RFC 6750 §2.1).
    fn api_request(&mut self, step: &Step) -> Result<Pending, String> {
        let mut pending = self.pending(step);
        let Some(url) = self.endpoints.api.clone() else {
            return Ok(pending);
        };
        let mut headers = Vec::new();
        if let Some(token) = step.params.get(Key::AccessToken) {
            let header = format!("Bearer {}", self.value_to_send(Key::AccessToken, token));
            self.recorded.secrets.push(header.clone());
            headers.push(("Authorization".to_string(), header));
        }
        let request = HttpRequest {
            method: "GET",
            url,
            headers,
            form: None,
        };
        let response = self.exchange(request, step)?;
        pending.guessed = self.guessed;
        pending.answer = match response.status {
            200..=299 => Answer::Resource,
            status => {
                // RFC 6750 §3: the error is in `WWW-Authenticate: Bearer error="..."`.
                let error = response.header("www-authenticate").and_then(|challenge| {
                    let start = challenge.find("error=\"")? + "error=\"".len();
                    let end = challenge[start..].find('"')?;
                    Some(challenge[start..start + end].to_string())
                });
                Answer::EndpointError(error, status)
            }
        };
        Ok(pending)
    }

    /// A token or revocation request: a form body, the client authenticated as the
    /// flow says (`via header` is HTTP Basic, `via body` is `client_secret_post`) or else
    /// as the config registers it.
    fn back_channel(&mut self, step: &Step, revocation: bool) -> Result<Pending, String> {
        let mut pending = self.pending(step);
        let endpoint = if revocation {
            match &self.endpoints.revocation {
                Some(url) => url.clone(),
                None => return Ok(pending),
            }
        } else {
            self.endpoints.token.clone()
        };
        let model_id = step
            .params
            .get(Key::ClientId)
            .unwrap_or_default()
            .to_string();
        let (client_id, configured) = self.client(&model_id);
        let secret = step.params.get(Key::ClientSecret).map(|written| {
            // The configured secret stands in for the model's, not for a wrong one the
            // flow has an attacker send.
            match (
                configured.and_then(|c| c.secret.clone()),
                self.model_secrets.get(&model_id),
            ) {
                (Some(real), Some(model)) if model == written => real,
                _ => written.to_string(),
            }
        });
        let auth = match step.via {
            Some(Location::Body) => ClientAuth::ClientSecretPost,
            Some(Location::Header) => ClientAuth::ClientSecretBasic,
            _ => configured.map(|c| c.auth).unwrap_or_default(),
        };
        let mut headers = Vec::new();
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        // RFC 6749 §4.1.3 asks for `client_id` only from a client that does not
        // authenticate; some servers count it beside HTTP Basic as a second method.
        let basic = secret.is_some() && auth == ClientAuth::ClientSecretBasic;
        for carried in step.params.iter() {
            match carried.key {
                Key::ClientSecret => {}
                Key::ClientId if basic => {}
                Key::ClientId => {
                    body.append_pair("client_id", &client_id);
                }
                key => {
                    let value = self.value_to_send(key, &carried.value);
                    if key.is_secret() {
                        self.recorded.secrets.push(value.clone());
                    }
                    body.append_pair(key.as_str(), &value);
                }
            }
        }
        if let Some(secret) = &secret {
            self.recorded.secrets.push(secret.clone());
            match auth {
                ClientAuth::ClientSecretPost => {
                    body.append_pair("client_secret", secret);
                }
                ClientAuth::ClientSecretBasic => {
                    let encode = |s: &str| -> String {
                        url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
                    };
                    let credentials = base64::engine::general_purpose::STANDARD.encode(format!(
                        "{}:{}",
                        encode(&client_id),
                        encode(secret)
                    ));
                    let header = format!("Basic {credentials}");
                    self.recorded.secrets.push(header.clone());
                    headers.push(("Authorization".to_string(), header));
                }
            }
        }
        let request = HttpRequest {
            method: "POST",
            url: endpoint,
            headers,
            form: Some(body.finish()),
        };
        let response = self.exchange(request, step)?;
        let json: serde_json::Value =
            serde_json::from_str(&response.body).unwrap_or(serde_json::Value::Null);
        let field = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_string);
        pending.guessed = self.guessed;
        pending.answer = match (response.status, field("access_token")) {
            (200, Some(access)) if !revocation => {
                let refresh = field("refresh_token");
                self.recorded.secrets.push(access.clone());
                self.recorded.secrets.extend(refresh.clone());
                let answer = Answer::Tokens {
                    refresh: refresh.is_some(),
                };
                (pending.access, pending.refresh) = (Some(access), refresh);
                answer
            }
            (200, _) if revocation => Answer::Revoked,
            (status, _) => Answer::EndpointError(field("error"), status),
        };
        Ok(pending)
    }
}

/// A back-channel answer waiting for the message that draws it.
struct Pending {
    request: StepId,
    guessed: bool,
    requester: String,
    answer: Answer,
    access: Option<String>,
    refresh: Option<String>,
}

/// An answer the server gives the browser: a page or a redirect.
fn is_front_channel_answer(kind: StepKind) -> bool {
    matches!(
        kind,
        StepKind::LoginPage | StepKind::ErrorPage | StepKind::AuthorizationResponse
    )
}

/// The server under test: the authorization server, its pages and its resource server.
pub fn is_server(role: Role) -> bool {
    matches!(
        role,
        Role::AuthorizationServer | Role::LoginPage | Role::ResourceServer
    )
}
