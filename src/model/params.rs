//! The OAuth parameters a message carries: what the actor models fill in, with the
//! author's `{ key: value }` overrides applied on top.

use crate::Span;
use crate::syntax::Param;

/// Parameter names a flow may set. Anything else is a typo the author wants to hear about.
pub const KNOWN_KEYS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "code",
    "grant_type",
    "code_verifier",
    "client_secret",
    "access_token",
    "refresh_token",
    "token_type",
    "error",
    "iss",
    "username",
    "password",
];

/// Parameters whose values are secrets or one-time values: the sender must have
/// generated or received them (`sender_knows`). The rest are public protocol data.
pub const SECRET_KEYS: &[&str] = &[
    "state",
    "code",
    "code_verifier",
    "client_secret",
    "access_token",
    "refresh_token",
    "password",
];

#[derive(Clone, Debug, PartialEq)]
pub struct Carried {
    pub key: String,
    pub value: String,
    /// Where the author wrote this value, when it is an override.
    pub written_at: Option<Span>,
}

/// An ordered set of parameters, each key at most once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(Vec<Carried>);

impl Params {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|c| c.key == key)
            .map(|c| c.value.as_str())
    }

    pub fn carried(&self, key: &str) -> Option<&Carried> {
        self.0.iter().find(|c| c.key == key)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Carried> {
        self.0.iter()
    }

    /// Sets a default the model would send; `None` leaves the key out.
    pub fn set(&mut self, key: &str, value: Option<impl Into<String>>) {
        self.0.retain(|c| c.key != key);
        if let Some(value) = value {
            self.0.push(Carried {
                key: key.to_string(),
                value: value.into(),
                written_at: None,
            });
        }
    }

    /// Applies the author's overrides: a value replaces the default, `none` removes it.
    pub fn apply(&mut self, overrides: &[Param]) {
        for param in overrides {
            self.0.retain(|c| c.key != param.key.text);
            if let Some(value) = param.value.text() {
                self.0.push(Carried {
                    key: param.key.text.clone(),
                    value: value.to_string(),
                    written_at: Some(param.value.span()),
                });
            }
        }
    }
}

/// Space-separated scope values as a list (RFC 6749 §3.3).
pub fn scope_list(scope: Option<&str>) -> Vec<String> {
    scope
        .map(|s| {
            s.split(' ')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}
