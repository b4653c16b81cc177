//! Reading a message: which protocol step it is. Evidence counts in a fixed order — the
//! author's `as KIND`; the parameters written on it; what the sender can do next in its
//! state and what the receiver accepts; the label's words last, only to break a tie — and
//! every reading records the evidence that decided it. A tie the label cannot break is
//! reported (`ambiguous_with`), never guessed silently.

use thin_vec::{ThinVec, thin_vec};

use super::role::Role;
use super::run::Reading;
use super::step::StepKind;
use super::vocab::{GrantType, Key};
use super::words::{Cue, Words};

/// What the actors' state says about a message, gathered by the replay from the sender
/// and the receiver before the message is read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Situation {
    /// The sending user agent holds a redirect to a client's callback it has not followed.
    pub holds_redirect: bool,
    /// The sender holds an access token.
    pub holds_token: bool,
    /// The sender holds a code it has not redeemed.
    pub holds_code: bool,
    /// The sender holds a code it already redeemed.
    pub holds_spent_code: bool,
    /// The sender holds a refresh token.
    pub holds_refresh: bool,
    /// The authorization server has a request from this browser waiting for the user
    /// to log in (its login page is what the browser sees).
    pub awaiting_login: bool,
    /// ... whose user logged in and has not consented yet.
    pub awaiting_consent: bool,
    /// ... whose user logged in, and that the AS has not answered: a page it shows now
    /// asks for consent.
    pub logged_in: bool,
    /// The browser has an authorization request under way at the AS (or its page).
    pub request_under_way: bool,
    /// The receiver made a token request to the sending AS that is not answered yet.
    pub token_request_of_receiver: bool,
    /// Anyone made a token request to the sending AS that is not answered yet.
    pub token_request_pending: bool,
    /// The receiver made a revocation request to the sending AS not answered yet.
    pub revocation_of_receiver: bool,
    /// The receiver made an API call to the sender not answered yet.
    pub api_call_of_receiver: bool,
    /// The sending client has bound an authorization request to the receiving browser's
    /// session already: a page it shows now is not a new sign-in unless it says so.
    pub session_bound: bool,
}

/// A message as the reader sees it.
pub(crate) struct Message<'a> {
    pub from: Role,
    pub to: Role,
    pub is_self: bool,
    pub written: &'a [Key],
    pub words: &'a Words,
}

impl Message<'_> {
    fn wrote(&self, key: Key) -> bool {
        self.written.contains(&key)
    }

    fn wrote_any(&self, keys: &[Key]) -> Option<Key> {
        keys.iter().copied().find(|k| self.wrote(*k))
    }
}

fn read_as(kind: StepKind, reason: impl Into<std::borrow::Cow<'static, str>>) -> Reading {
    Reading {
        kind,
        reason: reason.into(),
        ambiguous_with: ThinVec::new(),
    }
}

fn written(key: Key) -> String {
    format!("`{key}` written")
}

/// Reads a message whose author did not say `as KIND`.
pub(crate) fn read(message: &Message, situation: &Situation) -> Reading {
    use Role as R;
    use StepKind::*;
    let words = message.words;
    let s = situation;
    if message.is_self {
        return match message.from {
            R::Browser | R::Attacker if s.awaiting_login => {
                read_as(EnterCredentials, "the browser shows the AS's login page")
            }
            R::Browser | R::Attacker => read_as(UserAction, "a browser acting on its own"),
            R::LoginPage => read_as(EnterCredentials, "the login page, on its own"),
            R::AuthorizationServer => read_as(Verify, "the authorization server, on its own"),
            _ => read_as(Other, "a message to itself"),
        };
    }
    match (message.from, message.to) {
        (R::Browser | R::Attacker, R::AuthorizationServer) => user_agent_to_server(message, s),
        (R::LoginPage, R::AuthorizationServer) | (R::Browser | R::Attacker, R::LoginPage) => {
            if s.logged_in
                && !s.awaiting_consent
                && !words.has(Cue::Denial)
                && !words.has(Cue::Consent)
                && message.wrote_any(&[Key::Username, Key::Password]).is_none()
            {
                read_as(
                    Other,
                    "the user already logged in and consented: the page passes it on",
                )
            } else {
                login_or_deny(words, "the login page submits to the AS")
            }
        }
        (R::AuthorizationServer, R::LoginPage) => {
            if words.has(Cue::Error) && !s.awaiting_login {
                read_as(ErrorPage, "the AS shows an error on its page (label)")
            } else if s.logged_in && !words.has(Cue::Consent) {
                read_as(
                    Other,
                    "the user already logged in: the AS answers its own page",
                )
            } else {
                read_as(LoginPage, "the AS hands over to its login page")
            }
        }
        // The login page is the AS's own front end: what it sends a browser or a client,
        // the AS sends.
        (R::AuthorizationServer | R::LoginPage, R::Browser | R::Attacker) => {
            server_to_user_agent(message, s)
        }
        (R::AuthorizationServer | R::LoginPage, _) => server_to_backend(message, s),
        (R::Browser | R::Attacker, R::Client) => user_agent_to_client(message, s),
        (R::Browser | R::Attacker, R::ResourceServer) => {
            read_as(ApiRequest, "a resource server only serves its API")
        }
        (R::Client, R::AuthorizationServer) => client_to_server(message),
        (R::Client | R::ResourceServer, _) if s.api_call_of_receiver => {
            read_as(ApiResponse, "the receiver's API call is unanswered")
        }
        (R::Client, R::Browser) => client_to_browser(message, s),
        (R::Client, R::Attacker) => {
            let redirect = client_to_browser(message, s);
            if redirect.kind == AuthorizationRedirect
                && (words.has(Cue::Redirect)
                    || words.has(Cue::Authorize)
                    || !message.written.is_empty())
            {
                redirect
            } else {
                read_as(Leak, "the attacker learns what it is sent")
            }
        }
        (R::Client, R::ResourceServer) => read_as(ApiRequest, "a client calling a resource server"),
        (_, R::Attacker) => read_as(Leak, "the attacker learns what it is sent"),
        _ => read_as(Other, "no protocol step goes between these roles"),
    }
}

/// A submission at the login or consent page: a refusal when the label says so, else a
/// login. A label that says neither (`"submit"`) leaves both open.
fn login_or_deny(words: &Words, why: &'static str) -> Reading {
    if words.has(Cue::Denial) {
        read_as(
            StepKind::Deny,
            format!("{why}; label says the user refuses"),
        )
    } else if words.has(Cue::Login) || words.has(Cue::Consent) {
        read_as(StepKind::Login, why)
    } else {
        Reading {
            kind: StepKind::Login,
            reason: format!("{why}; the label says neither login nor refusal").into(),
            ambiguous_with: thin_vec![StepKind::Deny],
        }
    }
}

/// Parameters that settle what a browser's message to the AS is, strongest first.
const BROWSER_TO_SERVER: &[(&[Key], StepKind)] = &[
    (&[Key::Token, Key::TokenTypeHint], StepKind::Revocation),
    (
        &[
            Key::GrantType,
            Key::Code,
            Key::CodeVerifier,
            Key::RefreshToken,
            Key::ClientSecret,
        ],
        StepKind::TokenRequest,
    ),
    (&[Key::Username, Key::Password], StepKind::Login),
    (
        &[
            Key::ResponseType,
            Key::RedirectUri,
            Key::CodeChallenge,
            Key::State,
        ],
        StepKind::AuthorizationRequest,
    ),
];

/// The first row of `table` whose parameters the author wrote.
fn by_parameters(message: &Message, table: &[(&[Key], StepKind)]) -> Option<Reading> {
    table.iter().find_map(|(keys, kind)| {
        message
            .wrote_any(keys)
            .map(|key| read_as(*kind, written(key)))
    })
}

fn user_agent_to_server(message: &Message, s: &Situation) -> Reading {
    use StepKind::*;
    let words = message.words;
    if let Some(reading) = by_parameters(message, BROWSER_TO_SERVER) {
        return reading;
    }
    if (s.awaiting_login || s.awaiting_consent) && words.has(Cue::HttpGet) {
        // Credentials and consent are submitted with a form; a GET fetches the page
        // that shows one (RFC 6749 §3.1 leaves the page to the AS).
        return read_as(
            Other,
            "the browser fetches a page of the AS (label says `GET`); a login is a form it submits",
        );
    }
    if !words.has(Cue::Authorize) && !words.has(Cue::Redirect) {
        if s.awaiting_login {
            return login_or_deny(words, "the AS is waiting for this browser's user to log in");
        }
        if s.awaiting_consent {
            return login_or_deny(
                words,
                "the AS is waiting for this browser's user to consent",
            );
        }
        if words.has(Cue::Consent) || words.has(Cue::Login) || words.has(Cue::Denial) {
            return login_or_deny(
                words,
                "label says the user answers the login or consent page",
            );
        }
    }
    if words.has(Cue::Token) && !words.has(Cue::Authorize) && !words.has(Cue::Redirect) {
        return read_as(TokenRequest, "a browser-run client; label says `token`");
    }
    if words.has(Cue::Revoke) && (s.holds_token || s.holds_refresh) {
        return read_as(Revocation, "the sender holds a token; label says `revoke`");
    }
    read_as(
        AuthorizationRequest,
        "a browser at the authorization endpoint",
    )
}

/// An AS answers on the connection a request came in on: the receiver's unanswered token
/// or revocation request decides before anything else.
fn answer_to_receiver(s: &Situation) -> Option<Reading> {
    if s.token_request_of_receiver {
        Some(read_as(
            StepKind::TokenResponse,
            "the receiver's token request is unanswered",
        ))
    } else if s.revocation_of_receiver {
        Some(read_as(
            StepKind::RevocationResponse,
            "the receiver's revocation request is unanswered",
        ))
    } else {
        None
    }
}

fn server_to_user_agent(message: &Message, s: &Situation) -> Reading {
    use StepKind::*;
    let words = message.words;
    if let Some(answer) = answer_to_receiver(s) {
        return answer;
    }
    if let Some(key) = message.wrote_any(&[Key::Code, Key::Error, Key::State]) {
        return read_as(AuthorizationResponse, written(key));
    }
    if message.wrote(Key::AccessToken) {
        return if s.token_request_pending {
            read_as(
                TokenResponse,
                "`access_token` written; a token request is unanswered",
            )
        } else {
            read_as(
                AuthorizationResponse,
                "`access_token` written in a redirect",
            )
        };
    }
    if s.awaiting_login {
        // A code handed out before the user logged in is still an authorization response
        // (which `consent_before_code` then judges), not a login page.
        return if words.has(Cue::Code) && !words.has(Cue::Error) {
            read_as(
                AuthorizationResponse,
                "the user has not logged in; label says `code`",
            )
        } else if !words.has(Cue::Error) {
            read_as(LoginPage, "the request awaits the user's login")
        } else if words.has(Cue::Redirect) && !words.has(Cue::ErrorPage) {
            read_as(AuthorizationResponse, "label says it is an error redirect")
        } else {
            read_as(ErrorPage, "label says the AS shows an error")
        };
    }
    if s.logged_in && words.has(Cue::Consent) && !words.has(Cue::Code) && !words.has(Cue::Error) {
        return read_as(
            LoginPage,
            "the user logged in and has not consented; label asks for consent",
        );
    }
    if s.token_request_pending && !words.has(Cue::Code) && !words.has(Cue::Redirect) {
        // Drawn to the browser although someone else asked: the seed's own step 10.
        return read_as(TokenResponse, "a token request is unanswered");
    }
    if s.logged_in && !words.has(Cue::Code) {
        // The user's login session lets the AS answer at once, but it may always ask
        // for the password again (prompt=login, max_age) or show an error page, and a
        // page the label names is never a redirect with a code.
        if words.has(Cue::ErrorPage) {
            return read_as(ErrorPage, "label says error page");
        }
        if words.has(Cue::Login) && !words.has(Cue::Redirect) {
            return read_as(
                LoginPage,
                "the user is logged in, but the label asks for a login again",
            );
        }
    }
    if !s.request_under_way
        && ![
            Cue::Code,
            Cue::Redirect,
            Cue::Callback,
            Cue::Error,
            Cue::Token,
        ]
        .iter()
        .any(|&cue| words.has(cue))
    {
        return read_as(
            Other,
            "no request of this browser is under way at the AS, and the label names no redirect: a page of the AS's own",
        );
    }
    if words.has(Cue::ErrorPage) && !words.has(Cue::Redirect) {
        return read_as(ErrorPage, "label says error page");
    }
    read_as(
        AuthorizationResponse,
        "the AS sends the browser back to the client",
    )
}

fn server_to_backend(message: &Message, s: &Situation) -> Reading {
    use StepKind::*;
    if let Some(answer) = answer_to_receiver(s) {
        return answer;
    }
    if let Some(key) = message.wrote_any(&[Key::Code, Key::State]) {
        return read_as(AuthorizationResponse, written(key));
    }
    if s.token_request_pending {
        return read_as(TokenResponse, "a token request is unanswered");
    }
    if message.to == Role::Client {
        read_as(
            AuthorizationResponse,
            "the AS redirects to the client's callback (drawn straight to the client)",
        )
    } else {
        read_as(Other, "the receiver asked the AS nothing")
    }
}

fn user_agent_to_client(message: &Message, s: &Situation) -> Reading {
    use StepKind::*;
    let words = message.words;
    if let Some(key) = message.wrote_any(&[Key::Code, Key::State, Key::Error]) {
        return read_as(Callback, written(key));
    }
    if message.wrote(Key::AccessToken) {
        return read_as(ApiRequest, written(Key::AccessToken));
    }
    match (s.holds_redirect, s.holds_token) {
        (true, true) => {
            if words.has(Cue::Callback) || words.has(Cue::Code) {
                read_as(
                    Callback,
                    "the browser holds a redirect and a token; label says callback",
                )
            } else if words.has(Cue::Api) || words.has(Cue::Token) {
                read_as(
                    ApiRequest,
                    "the browser holds a redirect and a token; label says API",
                )
            } else {
                Reading {
                    kind: Callback,
                    reason: "the browser holds a redirect to the client's callback".into(),
                    ambiguous_with: thin_vec![ApiRequest],
                }
            }
        }
        (true, false) => read_as(
            Callback,
            "the browser holds a redirect to the client's callback",
        ),
        (false, true) if words.has(Cue::Login) || words.has(Cue::Authorize) => {
            read_as(Other, "label asks the client to log in")
        }
        (false, true) => read_as(ApiRequest, "the sender holds an access token"),
        (false, false) => {
            if words.has(Cue::Callback) || (words.has(Cue::Code) && !words.has(Cue::Login)) {
                read_as(
                    Callback,
                    "label says callback (no authorization response is held)",
                )
            } else if (words.has(Cue::Api) || words.has(Cue::Token))
                && !words.has(Cue::Login)
                && !words.has(Cue::Authorize)
            {
                read_as(ApiRequest, "label says API (the sender holds no token)")
            } else {
                read_as(Other, "the browser holds neither a redirect nor a token")
            }
        }
    }
}

/// The grant a client's token request uses: shown by the parameters, else by what the
/// client can do next — redeem the code it holds, or refresh — the label deciding only
/// when it could do both or neither.
pub(crate) fn grant(message_written: &[Key], words: &Words, s: &Situation) -> (GrantType, String) {
    let has = |k| message_written.contains(&k);
    if has(Key::RefreshToken) {
        return (GrantType::RefreshToken, written(Key::RefreshToken));
    }
    if has(Key::Code) || has(Key::CodeVerifier) {
        return (GrantType::AuthorizationCode, written(Key::Code));
    }
    let says_refresh = words.has(Cue::Refresh);
    let says_code = words.has(Cue::Code);
    let code = GrantType::AuthorizationCode;
    let refresh = GrantType::RefreshToken;
    let (grant, why) = match (s.holds_code, s.holds_refresh, s.holds_spent_code) {
        (true, false, _) => (code, "the sender holds an unredeemed code"),
        (true, true, _) if says_refresh => (
            refresh,
            "the sender holds a code and a refresh token; label says `refresh`",
        ),
        (true, true, _) => (code, "the sender holds an unredeemed code"),
        (false, true, true) if says_code && !says_refresh => {
            (code, "the sender's code is spent; label says `code`")
        }
        (false, true, _) => (
            refresh,
            "the sender holds a refresh token and no unredeemed code",
        ),
        (false, false, _) if says_refresh => (
            refresh,
            "label says `refresh` (the sender holds no refresh token)",
        ),
        (false, false, true) => (code, "the sender holds only a code it already redeemed"),
        (false, false, false) => (code, "the code grant (the sender holds no code)"),
    };
    (grant, why.to_string())
}

fn client_to_server(message: &Message) -> Reading {
    use StepKind::*;
    let words = message.words;
    if let Some(key) = message.wrote_any(&[Key::Token, Key::TokenTypeHint]) {
        return read_as(Revocation, written(key));
    }
    if let Some(key) = message.wrote_any(&[Key::GrantType, Key::Code, Key::RefreshToken]) {
        return read_as(TokenRequest, written(key));
    }
    if words.has(Cue::Revoke) {
        return read_as(Revocation, "label says `revoke`");
    }
    read_as(TokenRequest, "a client's back channel to the AS")
}

fn client_to_browser(message: &Message, s: &Situation) -> Reading {
    use StepKind::*;
    let words = message.words;
    // Parameters only an authorization request carries: a client writes them on a
    // message to the browser only to send it to the authorization endpoint.
    if let Some(key) = message.wrote_any(&[
        Key::ResponseType,
        Key::CodeChallenge,
        Key::RedirectUri,
        Key::Scope,
        Key::State,
    ]) {
        return read_as(AuthorizationRedirect, written(key));
    }
    // A client that holds a token sends the browser on to its own pages, unless the label
    // names the authorization endpoint: then it asks again (more scope, a new login).
    if !words.has(Cue::Error)
        && (!s.holds_token || words.has(Cue::Authorize))
        && (!s.session_bound || words.has(Cue::Redirect) || words.has(Cue::Authorize))
        && !words.has(Cue::Api)
    {
        let why = if s.holds_token {
            "the client holds a token and the label names the authorization endpoint: it asks again"
        } else {
            "the client sends a browser without a login under way to the AS"
        };
        return read_as(AuthorizationRedirect, why);
    }
    read_as(Other, "a page the client shows")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(from: Role, to: Role, label: &str, written: &[Key], s: Situation) -> StepKind {
        let words = Words::new(label);
        read(
            &Message {
                from,
                to,
                is_self: false,
                written,
                words: &words,
            },
            &s,
        )
        .kind
    }

    #[test]
    fn parameters_beat_labels() {
        let awaiting = Situation {
            awaiting_login: true,
            ..Situation::default()
        };
        assert_eq!(
            reading(
                Role::AuthorizationServer,
                Role::Browser,
                "login page",
                &[Key::Code],
                awaiting
            ),
            StepKind::AuthorizationResponse
        );
        assert_eq!(
            reading(
                Role::Browser,
                Role::AuthorizationServer,
                "authorize",
                &[Key::Password],
                Situation::default()
            ),
            StepKind::Login
        );
        assert_eq!(
            reading(
                Role::Client,
                Role::AuthorizationServer,
                "POST /revoke",
                &[Key::Token],
                Situation::default()
            ),
            StepKind::Revocation
        );
    }

    #[test]
    fn a_client_with_a_token_asks_again_only_when_it_says_so() {
        let signed_in = Situation {
            holds_token: true,
            session_bound: true,
            ..Situation::default()
        };
        let client_to_browser = |label: &str, written: &[Key]| {
            reading(Role::Client, Role::Browser, label, written, signed_in)
        };
        assert_eq!(
            client_to_browser("redirect to the authorization endpoint", &[]),
            StepKind::AuthorizationRedirect
        );
        assert_eq!(
            client_to_browser("redirect", &[Key::Scope]),
            StepKind::AuthorizationRedirect
        );
        assert_eq!(
            client_to_browser("redirect to the dashboard", &[]),
            StepKind::Other
        );
    }

    #[test]
    fn a_code_held_beats_the_word_refresh() {
        let words = Words::new("refresh token");
        let holds_code = Situation {
            holds_code: true,
            ..Situation::default()
        };
        assert_eq!(
            grant(&[], &words, &holds_code).0,
            GrantType::AuthorizationCode
        );
        let holds_refresh = Situation {
            holds_refresh: true,
            ..Situation::default()
        };
        assert_eq!(
            grant(&[], &words, &holds_refresh).0,
            GrantType::RefreshToken
        );
    }
}
