//! Protocol steps: what a message does in the protocol. How a message is read as one is
//! `reading.rs`'s business.

use std::fmt;

macro_rules! steps {
    ($($(#[$meta:meta])* $variant:ident => $name:literal,)*) => {
        /// A protocol step.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum StepKind {
            $($(#[$meta])* $variant,)*
        }

        /// Step names accepted after `as` in a message.
        pub const STEP_NAMES: &[(&str, StepKind)] = &[$(($name, StepKind::$variant),)*];

        impl StepKind {
            /// The step's name in the flow language (`token_request`), as written after `as`.
            pub fn name(self) -> &'static str {
                match self {
                    $(StepKind::$variant => $name,)*
                }
            }
        }
    };
}

steps! {
    /// The user does something in the browser (`click`).
    UserAction => "user_action",
    /// The client sends the browser off to the authorization endpoint (it prepares the
    /// request: state, PKCE).
    AuthorizationRedirect => "authorization_redirect",
    /// The browser (or an attacker) calls the authorization endpoint.
    AuthorizationRequest => "authorization_request",
    /// The authorization server shows its login / consent page.
    LoginPage => "login_page",
    /// The user types credentials.
    EnterCredentials => "enter_credentials",
    /// Credentials and consent are submitted.
    Login => "login",
    /// The user refuses consent.
    Deny => "deny",
    /// The authorization server checks the submitted credentials.
    Verify => "verify",
    /// The authorization server answers a request it must not redirect for with an error page.
    ErrorPage => "error_page",
    /// Redirect back to the client's redirect_uri with a code (or an error) and state.
    AuthorizationResponse => "authorization_response",
    /// The browser delivers the authorization response to the client's redirect_uri.
    Callback => "callback",
    /// Back-channel token request: a code redemption or a refresh.
    TokenRequest => "token_request",
    /// The token endpoint's answer: tokens, or an error such as `invalid_grant`.
    TokenResponse => "token_response",
    /// A call to the API with a bearer token.
    ApiRequest => "api_request",
    /// The API's answer: the resource, or an error such as `invalid_token`.
    ApiResponse => "api_response",
    /// A token revocation request (RFC 7009 §2.1).
    Revocation => "revocation",
    /// The revocation endpoint's answer (RFC 7009 §2.2).
    RevocationResponse => "revocation_response",
    /// An attacker learns what it is sent; nothing is checked but causality.
    Leak => "leak",
    /// Anything else: only causality (`sender_knows`) is checked.
    Other => "other",
}

impl StepKind {
    /// The step a name written after `as` stands for.
    pub fn from_keyword(word: &str) -> Option<StepKind> {
        STEP_NAMES
            .iter()
            .find(|(name, _)| *name == word)
            .map(|(_, kind)| *kind)
    }

    /// The name as prose: `token response`.
    pub fn prose(self) -> String {
        match self {
            StepKind::Other => "message".to_string(),
            StepKind::ApiRequest => "API request".to_string(),
            StepKind::ApiResponse => "API response".to_string(),
            _ => self.name().replace('_', " "),
        }
    }

    /// The prose with its indefinite article: `an authorization request`.
    pub fn with_article(self) -> String {
        let prose = self.prose();
        let article = if prose.starts_with(['a', 'e', 'i', 'o', 'u', 'A']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {prose}")
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
