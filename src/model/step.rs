//! Protocol steps, and how a message is classified into one from its sender's and
//! receiver's roles, what the actors are waiting for, and (as a hint only) its label.

use std::fmt;

use super::role::Role;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// The user does something in the browser (`click`).
    UserAction,
    /// The client sends the browser off to the authorization endpoint (it prepares the
    /// request: state, PKCE).
    AuthorizationRedirect,
    /// The browser (or an attacker) calls the authorization endpoint.
    AuthorizationRequest,
    /// The authorization server shows its login / consent page.
    LoginPage,
    /// The user types credentials.
    EnterCredentials,
    /// Credentials and consent are submitted.
    Login,
    /// The user refuses consent.
    Deny,
    /// The authorization server checks the submitted credentials.
    Verify,
    /// The authorization server answers a request it must not redirect for with an error page.
    ErrorPage,
    /// Redirect back to the client's redirect_uri with a code (or an error) and state.
    AuthorizationResponse,
    /// The browser delivers the authorization response to the client's redirect_uri.
    Callback,
    /// Back-channel code redemption at the token endpoint.
    TokenRequest,
    /// The token endpoint's answer: tokens, or an error such as `invalid_grant`.
    TokenResponse,
    /// A call to the API with a bearer token.
    ApiRequest,
    /// The API's answer: the resource, or an error such as `invalid_token`.
    ApiResponse,
    /// An attacker learns what it is sent; nothing is checked but causality.
    Leak,
    /// Anything else: only causality (`sender_knows`) is checked.
    Other,
}

/// Step names accepted after `as` in a message.
pub const STEP_NAMES: &[(&str, StepKind)] = &[
    ("user_action", StepKind::UserAction),
    ("authorization_redirect", StepKind::AuthorizationRedirect),
    ("authorization_request", StepKind::AuthorizationRequest),
    ("login_page", StepKind::LoginPage),
    ("enter_credentials", StepKind::EnterCredentials),
    ("login", StepKind::Login),
    ("deny", StepKind::Deny),
    ("verify", StepKind::Verify),
    ("error_page", StepKind::ErrorPage),
    ("authorization_response", StepKind::AuthorizationResponse),
    ("callback", StepKind::Callback),
    ("token_request", StepKind::TokenRequest),
    ("token_response", StepKind::TokenResponse),
    ("api_request", StepKind::ApiRequest),
    ("api_response", StepKind::ApiResponse),
    ("leak", StepKind::Leak),
    ("other", StepKind::Other),
];

impl StepKind {
    pub fn from_keyword(word: &str) -> Option<StepKind> {
        STEP_NAMES
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, kind)| *kind)
    }

    pub fn name(self) -> &'static str {
        STEP_NAMES
            .iter()
            .find(|(_, kind)| *kind == self)
            .map_or("other", |(name, _)| name)
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the actors are waiting for when a message is sent; the classifier reads the
/// protocol's position from this rather than from the label.
#[derive(Clone, Copy, Debug, Default)]
pub struct Expecting {
    /// The receiver made a token request that the sender (an AS) has not answered.
    pub token_response: bool,
    /// The sender (an AS) has an authorization request whose user has not logged in.
    pub login: bool,
    /// The sender (a browser) holds an authorization response not yet delivered.
    pub callback: bool,
    /// The receiver made an API request that the sender has not answered.
    pub api_response: bool,
    /// The sender holds an access token.
    pub has_token: bool,
    /// The receiver's session already has an authorization request bound to it.
    pub session_bound: bool,
    /// The sender (an AS) has a request whose user logged in and that it has not
    /// answered yet: a page it shows now asks for consent.
    pub consent_page: bool,
}

/// Words of the label that hint at a step; only consulted where roles leave a choice.
pub(crate) struct Hint(String);

impl Hint {
    pub(crate) fn new(label: &str) -> Hint {
        Hint(label.to_lowercase())
    }

    pub(crate) fn any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.0.contains(w))
    }

    pub(crate) fn denial(&self) -> bool {
        self.any(&[
            "deny",
            "denied",
            "refuse",
            "reject",
            "cancel",
            "access_denied",
        ])
    }

    pub(crate) fn error(&self) -> bool {
        error_word(&self.0).is_some()
            || self.any(&[
                "error",
                "invalid",
                "denied",
                "unauthorized",
                "forbidden",
                "401",
                "400",
                "403",
                "fail",
            ])
    }
}

/// Classifies one message.
pub(crate) fn classify(
    from: Role,
    to: Role,
    is_self: bool,
    hint: &Hint,
    expecting: Expecting,
) -> StepKind {
    use Role as R;
    use StepKind::*;
    if is_self {
        return match from {
            R::Browser if expecting.login => EnterCredentials,
            R::Browser => UserAction,
            R::LoginPage => EnterCredentials,
            R::AuthorizationServer => Verify,
            _ => Other,
        };
    }
    match (from, to) {
        (R::Browser | R::Attacker, R::AuthorizationServer)
            if expecting.login && !hint.any(&["authoriz", "redirect"]) =>
        {
            if hint.denial() {
                Deny
            } else {
                Login
            }
        }
        (R::Browser | R::Attacker, R::AuthorizationServer)
            if hint.any(&["token"]) && !hint.any(&["redirect", "authoriz"]) =>
        {
            TokenRequest
        }
        (R::Browser | R::Attacker, R::AuthorizationServer) => AuthorizationRequest,
        (R::LoginPage, R::AuthorizationServer) | (R::Browser, R::LoginPage) => {
            if hint.denial() {
                Deny
            } else {
                Login
            }
        }
        (R::AuthorizationServer, R::LoginPage) => LoginPage,
        (R::AuthorizationServer, _) if expecting.token_response => TokenResponse,
        (R::AuthorizationServer, R::Browser | R::Attacker)
            if expecting.consent_page
                && hint.any(&["consent", "permission", "approve", "scope", "allow"])
                && !hint.any(&["code"])
                && !hint.error() =>
        {
            LoginPage
        }
        (R::AuthorizationServer, R::Browser | R::Attacker) if expecting.login => {
            // A code handed out before the user logged in is still an authorization
            // response (which `consent_before_code` then judges), not a login page.
            if hint.any(&["code"]) && !hint.error() {
                AuthorizationResponse
            } else if !hint.error() {
                LoginPage
            } else if hint.any(&["redirect"]) && !hint.any(&["error page"]) {
                // An error redirect back to the redirect_uri (RFC 6749 §4.1.2.1), not a page.
                AuthorizationResponse
            } else {
                ErrorPage
            }
        }
        (R::AuthorizationServer | R::LoginPage, R::Browser | R::Client | R::Attacker) => {
            if hint.any(&["error page", "invalid_request", "unauthorized_client"])
                && !hint.any(&["redirect"])
            {
                ErrorPage
            } else {
                AuthorizationResponse
            }
        }
        (R::Browser | R::Attacker, R::Client) if expecting.callback => Callback,
        (R::Browser | R::Attacker, R::Client) if expecting.has_token => ApiRequest,
        // A resource server only serves its API: a call without (or with someone else's)
        // token is still an API request, and `token_valid_at_rs` judges the answer.
        (R::Browser | R::Attacker, R::ResourceServer) => ApiRequest,
        (R::Attacker, R::Client) if hint.any(&["code", "callback", "redirect"]) => Callback,
        (R::Client, R::AuthorizationServer) => TokenRequest,
        (R::Client | R::ResourceServer, _) if expecting.api_response => ApiResponse,
        // A client sends the browser to the AS when no request is bound to that session
        // yet, or when the label says so: any other page it shows is not a new login.
        (R::Client, R::Browser)
            if !hint.error()
                && !expecting.has_token
                && (!expecting.session_bound
                    || hint.any(&["redirect", "authoriz", "sign in", "oauth"])) =>
        {
            AuthorizationRedirect
        }
        (R::Client, R::ResourceServer) => ApiRequest,
        (_, R::Attacker) => Leak,
        _ => Other,
    }
}

/// The OAuth error code named in a label (`"invalid_grant"`, `"error: access_denied"`).
pub fn error_word(label: &str) -> Option<&'static str> {
    const ERRORS: &[&str] = &[
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "unsupported_response_type",
        "invalid_scope",
        "access_denied",
        "server_error",
        "temporarily_unavailable",
        "invalid_token",
        "insufficient_scope",
    ];
    let label = label.to_lowercase();
    ERRORS.iter().find(|e| label.contains(*e)).copied()
}
