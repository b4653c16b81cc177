//! Which server a live replay talks to, read from TOML (`--config FILE`) or built from
//! `--against URL` by discovery. The endpoints' origins are the only places a replay
//! ever sends a request to: the allow-list is derived from this file, never from what a
//! server says.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Deserialize;
use url::Url;

use crate::model::world::parse_duration;

/// A server to replay against, as the user configured it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// A short name for reports and known departures (`oidc-provider`).
    #[serde(default)]
    pub name: Option<String>,
    /// The server's base URL: its metadata is fetched from
    /// `/.well-known/oauth-authorization-server` (then `openid-configuration`) to fill
    /// in endpoints the file does not name. `--against URL` sets it.
    #[serde(default)]
    pub server: Option<String>,
    /// Endpoints; each one named here wins over the server's metadata.
    #[serde(default)]
    pub endpoints: Endpoints,
    /// The real registrations behind the flow's `client_id`s, by model id.
    #[serde(default)]
    pub clients: BTreeMap<String, ClientCredentials>,
    /// The real accounts behind the flow's usernames, by model name.
    #[serde(default)]
    pub users: BTreeMap<String, UserCredentials>,
    /// Clock and time-out settings.
    #[serde(default)]
    pub time: TimeSettings,
    /// Departures of this server that are known and accepted: CI fails only on others.
    #[serde(default)]
    pub known: Vec<KnownDeparture>,
}

/// The server's endpoints (RFC 8414 §2 names).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    /// Authorization endpoint (RFC 6749 §3.1).
    pub authorization: Option<String>,
    /// Token endpoint (RFC 6749 §3.2).
    pub token: Option<String>,
    /// Revocation endpoint (RFC 7009).
    pub revocation: Option<String>,
    /// A protected resource that takes the access token as a Bearer header (RFC 6750):
    /// the flow's resource server (`rs`). Without it, API messages are not sent.
    pub api: Option<String>,
}

/// How a client authenticates at the token endpoint (RFC 6749 §2.3.1).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// HTTP Basic with the URL-encoded id and secret.
    #[default]
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the form body.
    ClientSecretPost,
}

/// A client registration as the server knows it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCredentials {
    /// The real `client_id`; the model's id when absent.
    pub id: Option<String>,
    /// The real secret; the model's secret when absent.
    pub secret: Option<String>,
    /// How the client authenticates, unless the flow says `via body` or `via header`.
    #[serde(default)]
    pub auth: ClientAuth,
}

/// A test user as the server knows them.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCredentials {
    /// The login typed into the login form.
    pub login: String,
    /// The password typed into the login form.
    pub password: String,
}

/// Clock and time-out settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSettings {
    /// The server's real authorization code lifetime (`10s`). A flow's `wait` is scaled
    /// by this over the flow's own `code_lifetime`, so `wait 11m` against a server whose
    /// codes live 10 s (model: 10 min) sleeps 11 s.
    pub code_lifetime: Option<String>,
    /// Longest time one request may take (default `5s`).
    pub request_timeout: Option<String>,
}

/// A departure of this server that is known and accepted.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnownDeparture {
    /// The flow file, as a path suffix (`attacks/code_replay.flow`); every flow if absent.
    pub flow: Option<String>,
    /// The invariant that names the departure.
    pub invariant: String,
    /// Why it is accepted.
    pub reason: String,
}

impl Config {
    /// Reads a TOML config; the error names the problem as the `toml` crate reports it.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|error| error.to_string())
    }

    /// The server's code lifetime in seconds, if configured.
    pub fn code_lifetime(&self) -> Result<Option<u64>, String> {
        duration_setting("time.code_lifetime", &self.time.code_lifetime)
    }

    /// How long one request may take.
    pub fn request_timeout(&self) -> Result<Duration, String> {
        Ok(Duration::from_secs(
            duration_setting("time.request_timeout", &self.time.request_timeout)?.unwrap_or(5),
        ))
    }
}

fn duration_setting(key: &str, value: &Option<String>) -> Result<Option<u64>, String> {
    value
        .as_deref()
        .map(|text| {
            parse_duration(text)
                .ok_or_else(|| format!("`{key}`: `{text}` is not a duration like `10s` or `1m`"))
        })
        .transpose()
}

/// The endpoints a replay may call, resolved and checked.
#[derive(Clone, Debug)]
pub struct ResolvedEndpoints {
    /// Authorization endpoint.
    pub authorization: Url,
    /// Token endpoint.
    pub token: Url,
    /// Revocation endpoint, if the server has one.
    pub revocation: Option<Url>,
    /// The protected resource, if the config names one.
    pub api: Option<Url>,
}

/// Parses an endpoint URL; only `http` and `https` are accepted.
pub fn parse_endpoint(key: &str, text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|error| format!("`{key}`: `{text}`: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("`{key}`: `{text}` is not an http(s) URL"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_config_and_rejects_unknown_keys() {
        let config = Config::from_toml(
            r#"
            name = "local"
            server = "http://127.0.0.1:3000"
            [endpoints]
            token = "http://127.0.0.1:3000/token"
            [clients.client-1]
            secret = "s3cret"
            auth = "client_secret_post"
            [users.alice]
            login = "alice@example.com"
            password = "pw"
            [time]
            code_lifetime = "10s"
            [[known]]
            flow = "attacks/code_replay.flow"
            invariant = "code_single_use"
            reason = "documented"
            "#,
        )
        .unwrap();
        assert_eq!(
            config.clients["client-1"].auth,
            ClientAuth::ClientSecretPost
        );
        assert_eq!(config.code_lifetime(), Ok(Some(10)));
        assert_eq!(config.known[0].invariant, "code_single_use");
        let typo = Config::from_toml("[endpoints]\ntokn = \"x\"").unwrap_err();
        assert!(typo.contains("tokn"), "{typo}");
    }

    #[test]
    fn endpoints_must_be_http_urls() {
        assert!(parse_endpoint("token", "http://127.0.0.1:1/token").is_ok());
        assert!(parse_endpoint("token", "file:///etc/passwd").is_err());
        assert!(parse_endpoint("token", "not a url").is_err());
    }
}
