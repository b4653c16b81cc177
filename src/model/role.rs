//! Roles: what part of the protocol a participant plays. The seed's four names bind
//! automatically; any other name binds with `participant NAME as ROLE`.

use std::fmt;

/// What part of the protocol a participant plays (RFC 6749 §1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// The user's browser running the client's front end (`fe`): carries redirects,
    /// holds the session in which the client binds `state` and the PKCE verifier.
    Browser,
    /// The client's back end (`be`): redirect_uri handler, holds the client credentials,
    /// redeems codes; in the seed it also serves the API.
    Client,
    /// The authorization server's login and consent page (`auth_server_fe`).
    LoginPage,
    /// The authorization server's endpoints (`auth_server_be`): authorize and token.
    AuthorizationServer,
    /// A resource server separate from the client (`rs`).
    ResourceServer,
    /// Knows only what it generated or observed; may inject messages.
    Attacker,
}

/// Role names accepted after `as`, with the role each stands for.
pub const ROLE_NAMES: &[(&str, Role)] = &[
    ("browser", Role::Browser),
    ("user_agent", Role::Browser),
    ("user", Role::Browser),
    ("resource_owner", Role::Browser),
    ("client", Role::Client),
    ("client_backend", Role::Client),
    ("login_page", Role::LoginPage),
    ("authorization_server", Role::AuthorizationServer),
    ("resource_server", Role::ResourceServer),
    ("attacker", Role::Attacker),
];

impl Role {
    /// The role a participant has without a declaration: the seed's names, and a role's
    /// own name in any case or spelling (`participant browser`, `AuthorizationServer`).
    pub fn default_for(name: &str) -> Option<Role> {
        Some(match name {
            "fe" => Role::Browser,
            "be" => Role::Client,
            "auth_server_fe" => Role::LoginPage,
            "auth_server_be" => Role::AuthorizationServer,
            "rs" => Role::ResourceServer,
            "attacker" => Role::Attacker,
            _ => return Role::from_keyword(name),
        })
    }

    /// The role a name accepted after `as` stands for. Case and the separators `_`, `-`
    /// and `.` do not matter: authors write the RFC's roles as `Browser`,
    /// `AuthorizationServer` or `user-agent`, and each means one role only.
    pub fn from_keyword(word: &str) -> Option<Role> {
        let folded = fold(word);
        ROLE_NAMES
            .iter()
            .find(|(name, _)| fold(name) == folded)
            .map(|(_, role)| *role)
    }

    /// Both halves of the authorization server act as one party towards the client.
    pub fn is_authorization_server(self) -> bool {
        matches!(self, Role::AuthorizationServer | Role::LoginPage)
    }

    /// A party the user's browser (or an attacker's) represents.
    pub fn is_user_agent(self) -> bool {
        matches!(self, Role::Browser | Role::Attacker)
    }
}

/// `word` in lower case without separators, the form role names are compared in.
fn fold(word: &str) -> String {
    word.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Browser => "browser",
            Role::Client => "client",
            Role::LoginPage => "login_page",
            Role::AuthorizationServer => "authorization_server",
            Role::ResourceServer => "resource_server",
            Role::Attacker => "attacker",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_match_in_any_case_and_spelling() {
        for (word, role) in [
            ("Browser", Role::Browser),
            ("user-agent", Role::Browser),
            ("UserAgent", Role::Browser),
            ("ResourceOwner", Role::Browser),
            ("AuthorizationServer", Role::AuthorizationServer),
            ("authorization.server", Role::AuthorizationServer),
            ("Resource_Server", Role::ResourceServer),
            ("CLIENT", Role::Client),
        ] {
            assert_eq!(Role::from_keyword(word), Some(role), "{word}");
            assert_eq!(Role::default_for(word), Some(role), "{word}");
        }
        // Default names stay exact: `FE` is not the seed's `fe`.
        assert_eq!(Role::default_for("FE"), None);
        assert_eq!(Role::from_keyword("oauth_server"), None);
    }
}
