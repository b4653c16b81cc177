//! The world a flow runs in: registrations, users, policies and clock settings, built
//! from the front matter over defaults that make the seed flow work unchanged.

use serde::{Deserialize, Serialize};

use crate::syntax::front_matter::{ClientConfig, FrontMatter};

/// A client registration at the authorization server (RFC 6749 §2).
#[derive(Clone, Debug, PartialEq)]
pub struct Client {
    /// The `client_id` (RFC 6749 §2.2).
    pub id: String,
    /// The secret it authenticates with at the token endpoint (RFC 6749 §2.3.1); a public
    /// client has none unless the front matter gives one.
    pub secret: Option<String>,
    /// Whether it can keep a secret (RFC 6749 §2.1).
    pub client_type: ClientType,
    /// The redirect URIs it registered (RFC 6749 §3.1.2.2).
    pub redirect_uris: Vec<String>,
    /// The scope the client asks for (space separated, RFC 6749 §3.3).
    pub scope: String,
    /// Whether the client sends an S256 `code_challenge` and then its verifier (RFC 7636).
    pub uses_pkce: bool,
}

impl Client {
    /// Whether an authorization request may name `uri`: one of the registered URIs,
    /// compared as exact strings (RFC 6749 §3.1.2, RFC 9700 §2.1), except that a native
    /// app's loopback URI matches on any port, which the app picks when it starts
    /// (RFC 8252 §7.3; RFC 9700 §2.1 makes the same exception).
    pub fn allows_redirect_uri(&self, uri: &str) -> bool {
        self.redirect_uris
            .iter()
            .any(|registered| registered == uri || same_loopback_but_port(registered, uri))
    }
}

/// Whether `registered` is an `http` loopback URI and `requested` is the same URI with
/// another port (or none).
fn same_loopback_but_port(registered: &str, requested: &str) -> bool {
    let (Ok(mut registered), Ok(mut requested)) =
        (url::Url::parse(registered), url::Url::parse(requested))
    else {
        return false;
    };
    let loopback = match registered.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    if !loopback || registered.scheme() != "http" {
        return false;
    }
    // Both drop their ports; a URL that cannot have one is no loopback URL anyway.
    registered.set_port(None).is_ok() && requested.set_port(None).is_ok() && registered == requested
}

/// A user (resource owner) the authorization server knows.
#[derive(Clone, Debug, PartialEq)]
pub struct User {
    /// The username they log in with.
    pub name: String,
    /// Their password.
    pub password: String,
}

/// The world a flow runs in: the registrations, users and policies the actors act on.
#[derive(Clone, Debug, PartialEq)]
pub struct World {
    /// The client the flow's `fe`/`be` (or `as client` participants) act for.
    pub client: Client,
    /// Every registration the authorization server knows, `client` first.
    pub registrations: Vec<Client>,
    /// Users the authorization server knows.
    pub users: Vec<User>,
    /// Scopes the authorization server supports.
    pub scopes: Vec<String>,
    /// Whether the authorization server demands PKCE.
    pub pkce: PkcePolicy,
    /// Seconds an authorization code stays redeemable (RFC 6749 §4.1.2 recommends at
    /// most 10 minutes).
    pub code_lifetime: u64,
    /// Seconds an access token stays valid.
    pub token_lifetime: u64,
    /// Whether an AS's login session remembers the user's consent to a client and scope,
    /// so that a later request of the same browser needs no new consent (on by default,
    /// as at real servers).
    pub remember_consent: bool,
}

/// The `client_id` of the flow's client when the front matter names none.
pub const DEFAULT_CLIENT_ID: &str = "client-1";
/// The redirect URI registered for the flow's client when the front matter names none.
pub const DEFAULT_REDIRECT_URI: &str = "https://client.example/callback";

impl World {
    /// Whether `username` and `password` are a user's credentials.
    pub fn authenticates(&self, username: Option<&str>, password: Option<&str>) -> bool {
        self.users
            .iter()
            .any(|u| Some(u.name.as_str()) == username && Some(u.password.as_str()) == password)
    }

    /// Builds the world; the error names the front matter key whose value is invalid.
    pub fn from_front_matter(front: Option<&FrontMatter>) -> Result<World, (String, String)> {
        let default = FrontMatter::default();
        let front = front.unwrap_or(&default);
        let client = client_from(front.client.as_ref().unwrap_or(&ClientConfig::default()), 1);
        let mut registrations = vec![client.clone()];
        for (index, config) in front.clients.iter().enumerate() {
            registrations.push(client_from(config, index + 2));
        }
        let users = if front.users.is_empty() {
            vec![User {
                name: "alice".into(),
                password: "alice-password".into(),
            }]
        } else {
            front
                .users
                .iter()
                .map(|u| User {
                    name: u.name.clone(),
                    password: u.password.clone(),
                })
                .collect()
        };
        let lifetime = |key: &str, value: &Option<String>, default: u64| match value {
            None => Ok(default),
            Some(text) => parse_duration(text).ok_or_else(|| {
                (
                    key.to_string(),
                    format!("`{text}` is not a duration like `30s`, `10m` or `1h`"),
                )
            }),
        };
        Ok(World {
            client,
            registrations,
            users,
            scopes: front
                .scopes
                .clone()
                .unwrap_or_else(|| vec!["profile".into(), "email".into()]),
            pkce: front.pkce.unwrap_or(PkcePolicy::Optional),
            code_lifetime: lifetime("code_lifetime", &front.code_lifetime, 600)?,
            token_lifetime: lifetime("token_lifetime", &front.token_lifetime, 3600)?,
            remember_consent: front.remember_consent.unwrap_or(true),
        })
    }

    /// The registration of `client_id`, if the authorization server has one.
    pub fn registration(&self, client_id: &str) -> Option<&Client> {
        self.registrations.iter().find(|c| c.id == client_id)
    }
}

fn client_from(config: &ClientConfig, n: usize) -> Client {
    let client_type = config.client_type.unwrap_or(ClientType::Confidential);
    let secret = match (&config.secret, client_type) {
        (Some(secret), _) => Some(secret.clone()),
        (None, ClientType::Confidential) => Some(format!("secret-{n}")),
        (None, ClientType::Public) => None,
    };
    Client {
        id: config.id.clone().unwrap_or_else(|| format!("client-{n}")),
        secret,
        client_type,
        redirect_uris: config.redirect_uris.clone().unwrap_or_else(|| {
            if n == 1 {
                vec![DEFAULT_REDIRECT_URI.into()]
            } else {
                vec![format!("https://client{n}.example/callback")]
            }
        }),
        scope: config.scope.clone().unwrap_or_else(|| "profile".into()),
        uses_pkce: config.pkce.unwrap_or(false),
    }
}

/// Whether a client can keep a secret (RFC 6749 §2.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientType {
    /// Can keep a secret, so it authenticates at the token endpoint (RFC 6749 §2.3).
    Confidential,
    /// Cannot keep a secret: a browser or native app (RFC 6749 §2.1).
    Public,
}

/// Whether the authorization server demands PKCE (RFC 7636; RFC 9700 §2.1.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PkcePolicy {
    /// PKCE is accepted but not demanded (the client's type decides the severity).
    Optional,
    /// The authorization server refuses requests without an S256 challenge.
    Required,
}

/// Parses `90s`, `10m`, `1h30m`: one or more `<digits><unit>` groups, unit `s`, `m` or `h`.
pub fn parse_duration(text: &str) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let amount: u64 = rest[..digits].parse().ok()?;
        let unit = match rest.as_bytes().get(digits)? {
            b's' => 1,
            b'm' => 60,
            b'h' => 3600,
            _ => return None,
        };
        total = total.checked_add(amount.checked_mul(unit)?)?;
        rest = &rest[digits + 1..];
    }
    Some(total)
}

/// The inverse of [`parse_duration`], for explanations: `2h`, `1h30m`, `11m`, `1m30s`.
pub fn format_duration(total: u64) -> String {
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    let mut out = String::new();
    for (amount, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if amount > 0 {
            out.push_str(&format!("{amount}{unit}"));
        }
    }
    if out.is_empty() {
        "0s".to_string()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Some(90));
        assert_eq!(parse_duration("11m"), Some(660));
        assert_eq!(parse_duration("1h30m"), Some(5400));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("m"), None);
        assert_eq!(parse_duration("5d"), None);
        assert_eq!(parse_duration("99999999999999999999s"), None);
    }

    #[test]
    fn formatted_durations_parse_back() {
        for seconds in [0, 59, 60, 90, 660, 3600, 5400, 86399] {
            let text = format_duration(seconds);
            assert_eq!(parse_duration(&text).unwrap_or(0), seconds, "{text}");
        }
        assert_eq!(format_duration(5400), "1h30m");
    }
    fn client(redirect_uris: &[&str]) -> Client {
        Client {
            redirect_uris: redirect_uris.iter().map(|u| u.to_string()).collect(),
            ..World::from_front_matter(None)
                .expect("the default world is valid")
                .client
        }
    }

    #[test]
    fn redirect_uris_match_exactly_except_a_loopback_port() {
        let web = client(&["https://client.example/cb"]);
        assert!(web.allows_redirect_uri("https://client.example/cb"));
        assert!(!web.allows_redirect_uri("https://client.example/cb/"));
        assert!(!web.allows_redirect_uri("https://client.example:8443/cb"));
        let native = client(&["http://127.0.0.1/callback", "http://[::1]:8080/cb"]);
        assert!(native.allows_redirect_uri("http://127.0.0.1:51234/callback"));
        assert!(native.allows_redirect_uri("http://[::1]:9000/cb"));
        assert!(!native.allows_redirect_uri("http://127.0.0.1:51234/other"));
        assert!(!native.allows_redirect_uri("http://127.0.0.2.evil.example:51234/callback"));
        assert!(!native.allows_redirect_uri("https://127.0.0.1:51234/callback"));
    }
}
