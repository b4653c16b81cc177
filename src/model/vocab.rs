//! The protocol's vocabulary as types: parameter keys, grant types, where a value travels.
//! Strings from the flow become these once, at the edge, so a typo is an input error with
//! a suggestion and never a silently different key.

use std::fmt;

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The word the flow language and the RFCs use.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The value a word names, if any.
            pub fn from_word(word: &str) -> Option<$name> {
                match word {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// Every word accepted, for "did you mean" and error notes.
            pub fn words() -> impl Iterator<Item = &'static str> + Clone {
                Self::ALL.iter().map(|v| v.as_str())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum! {
    /// A parameter a message may carry (RFC 6749 §4.1, §5.1, §6; RFC 7636 §4; RFC 7009 §2.1).
    Key {
        /// `response_type`: the grant the authorization request asks for (RFC 6749 §3.1.1).
        ResponseType => "response_type",
        /// `client_id`: the client's identifier at the AS (RFC 6749 §2.2).
        ClientId => "client_id",
        /// `redirect_uri`: where the AS sends the authorization response (RFC 6749 §3.1.2).
        RedirectUri => "redirect_uri",
        /// `scope`: the access requested or granted (RFC 6749 §3.3).
        Scope => "scope",
        /// `state`: binds the authorization response to the client's session against CSRF
        /// (RFC 6749 §10.12).
        State => "state",
        /// `code_challenge`: the PKCE challenge derived from the verifier (RFC 7636 §4.2).
        CodeChallenge => "code_challenge",
        /// `code_challenge_method`: how the challenge was derived, `S256` or `plain`
        /// (RFC 7636 §4.3).
        CodeChallengeMethod => "code_challenge_method",
        /// `code`: the authorization code (RFC 6749 §4.1.2).
        Code => "code",
        /// `grant_type`: the grant a token request uses (RFC 6749 §4.1.3, §6).
        GrantType => "grant_type",
        /// `code_verifier`: the PKCE secret the token request reveals (RFC 7636 §4.5).
        CodeVerifier => "code_verifier",
        /// `client_secret`: the client's credential at the token endpoint (RFC 6749 §2.3.1).
        ClientSecret => "client_secret",
        /// `access_token`: the bearer credential for the API (RFC 6749 §5.1).
        AccessToken => "access_token",
        /// `refresh_token`: the credential for new access tokens (RFC 6749 §1.5, §6).
        RefreshToken => "refresh_token",
        /// `token_type`: how the access token is used, e.g. `Bearer` (RFC 6749 §7.1).
        TokenType => "token_type",
        /// The token a revocation request names (RFC 7009 §2.1).
        Token => "token",
        /// `token_type_hint`: which kind of token a revocation names (RFC 7009 §2.1).
        TokenTypeHint => "token_type_hint",
        /// `error`: the error code of a refused request (RFC 6749 §4.1.2.1, §5.2).
        Error => "error",
        /// `iss`: the issuer identifier in an authorization response (RFC 9207 §2).
        Iss => "iss",
        /// `username`: the login name the user submits at the login page.
        Username => "username",
        /// `password`: the password the user submits at the login page.
        Password => "password",
    }
}

impl Key {
    /// Secrets and one-time values: a sender must have generated or received them
    /// (`sender_knows`). The rest is public protocol data.
    pub fn is_secret(self) -> bool {
        matches!(
            self,
            Key::State
                | Key::Code
                | Key::CodeVerifier
                | Key::ClientSecret
                | Key::AccessToken
                | Key::RefreshToken
                | Key::Token
                | Key::Password
        )
    }

    /// Values a receiver learns from a message (secrets, and the challenge it must keep).
    pub fn is_learned(self) -> bool {
        self.is_secret() || self == Key::CodeChallenge
    }

    /// A bearer credential: whoever holds it has the access it grants.
    pub fn is_token(self) -> bool {
        matches!(self, Key::AccessToken | Key::RefreshToken)
    }
}

keyword_enum! {
    /// The grant a token request uses (RFC 6749 §4.1.3, §6).
    GrantType {
        /// Redeeming an authorization code (RFC 6749 §4.1.3).
        AuthorizationCode => "authorization_code",
        /// Refreshing with a refresh token (RFC 6749 §6).
        RefreshToken => "refresh_token",
    }
}

keyword_enum! {
    /// Where a message's values travel. A URL (query or fragment) ends up in history, logs
    /// and Referer headers; a header or a body does not (RFC 6750 §2, RFC 9700 §4.3.2).
    Location {
        /// In the URL's query string.
        Query => "query",
        /// In the URL's fragment, after `#`.
        Fragment => "fragment",
        /// In an HTTP header, e.g. `Authorization: Bearer` (RFC 6750 §2.1).
        Header => "header",
        /// In the request or response body.
        Body => "body",
    }
}

impl Location {
    /// Part of a URL, with everything that follows from that.
    pub fn in_url(self) -> bool {
        matches!(self, Location::Query | Location::Fragment)
    }
}

/// The error codes of RFC 6749 §4.1.2.1 and §5.2 and RFC 6750 §3.1, as the model names them.
pub const ERROR_CODES: &[&str] = &[
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "unsupported_response_type",
    "unsupported_token_type",
    "invalid_scope",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
    "invalid_token",
    "insufficient_scope",
];
