//! Replaying a flow against a real authorization server (`authflow replay`).
//!
//! The model already knows what every message of a flow is and what a correct sender
//! puts in it; a live replay sends the AS-bound ones to a server as real HTTP
//! (`driver.rs`, logging in through the server's own pages with `forms.rs`), puts the
//! server's answers in place of the drawn ones and lets the checker judge the result
//! (`compare.rs`). So a server is judged by exactly the invariants that judge flows, and
//! the report (`report.rs`) shows per AS answer what the flow drew, what the server did
//! and what a correct AS answers. `config.rs` names the server; nothing outside the
//! origins it names is ever contacted. `http.rs` keeps the transport swappable, so tests
//! can drive an in-process server library without sockets.

pub mod compare;
pub mod config;
pub mod driver;
pub mod forms;
pub mod http;
pub mod report;

use url::Url;

use crate::check::{CheckOptions, check_run_with};
use crate::diagnostic::Diagnostic;
use crate::model::execute;
use crate::span::SourceFile;
use crate::syntax::{Flow, Statement};
use compare::Comparison;
use config::{Config, ResolvedEndpoints, parse_endpoint};
use driver::Driver;
use http::{Exchange, HttpRequest, Transport, origin};

/// Why a live replay could not be made.
#[derive(Debug)]
pub enum LiveError {
    /// The flow itself is invalid (or became so when rewritten).
    Flow(Vec<Diagnostic>),
    /// The config, the server or the network failed; the message says which.
    Server(String),
}

/// A finished live replay.
#[derive(Debug)]
pub struct LiveReplay {
    /// The three-way table and the departures.
    pub comparison: Comparison,
    /// Every request and response, in order.
    pub exchanges: Vec<Exchange>,
    /// Secret values to mask in dumps.
    pub secrets: Vec<String>,
}

/// The endpoints to replay against: those the config names, the rest from the server's
/// metadata (RFC 8414, then OpenID Connect Discovery). A discovered endpoint on another
/// origin than the configured server is refused: requests go only where the config says.
pub fn resolve_endpoints(
    config: &Config,
    transport: &mut dyn Transport,
) -> Result<ResolvedEndpoints, String> {
    let base = config
        .server
        .as_deref()
        .map(|server| parse_endpoint("server", server))
        .transpose()?;
    // An endpoint may be written as a path on the server (`/api`).
    let named = |key: &str, value: &Option<String>| -> Result<Option<Url>, String> {
        let Some(text) = value.as_deref() else {
            return Ok(None);
        };
        match &base {
            Some(base) if text.starts_with('/') => {
                let joined = base.join(text).map_err(|e| format!("`{key}`: {e}"))?;
                parse_endpoint(key, joined.as_str()).map(Some)
            }
            _ => parse_endpoint(key, text).map(Some),
        }
    };
    let mut authorization = named("endpoints.authorization", &config.endpoints.authorization)?;
    let mut token = named("endpoints.token", &config.endpoints.token)?;
    let mut revocation = named("endpoints.revocation", &config.endpoints.revocation)?;
    let api = named("endpoints.api", &config.endpoints.api)?;
    if let Some(base) = &base
        && (authorization.is_none() || token.is_none() || revocation.is_none())
    {
        let metadata = discover(base, transport)?;
        let field = |name: &str| -> Result<Option<Url>, String> {
            let Some(text) = metadata.get(name).and_then(|v| v.as_str()) else {
                return Ok(None);
            };
            let url = parse_endpoint(name, text)?;
            if origin(&url) != origin(base) {
                return Err(format!(
                    "the server's metadata puts `{name}` at `{url}`, outside `{}`; name it in \
                     the config to allow it",
                    origin(base)
                ));
            }
            Ok(Some(url))
        };
        authorization = authorization.or(field("authorization_endpoint")?);
        token = token.or(field("token_endpoint")?);
        revocation = revocation.or(field("revocation_endpoint")?);
    }
    match (authorization, token) {
        (Some(authorization), Some(token)) => Ok(ResolvedEndpoints {
            authorization,
            token,
            revocation,
            api,
        }),
        _ => Err(
            "no authorization and token endpoints: give `--against URL` of a server with \
             metadata, or name them under `[endpoints]` in the config"
                .into(),
        ),
    }
}

fn discover(base: &Url, transport: &mut dyn Transport) -> Result<serde_json::Value, String> {
    let mut tried = Vec::new();
    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let mut url = base.clone();
        let prefix = base.path().trim_end_matches('/');
        url.set_path(&format!("{path}{prefix}"));
        if path.ends_with("openid-configuration") {
            url.set_path(&format!("{prefix}{path}"));
        }
        let request = HttpRequest {
            method: "GET",
            url: url.clone(),
            headers: vec![("Accept".into(), "application/json".into())],
            form: None,
        };
        let response = transport.send(&request)?;
        if response.status == 200
            && let Ok(metadata) = serde_json::from_str::<serde_json::Value>(&response.body)
        {
            return Ok(metadata);
        }
        tried.push(format!("{url} ({})", response.status));
    }
    Err(format!("no server metadata at {}", tried.join(" or ")))
}

/// Replays `flow` against the server at `endpoints` and judges what it answered.
pub fn replay_live(
    source: &SourceFile,
    flow: &Flow,
    config: &Config,
    endpoints: &ResolvedEndpoints,
    transport: &mut dyn Transport,
    options: &CheckOptions,
) -> Result<LiveReplay, LiveError> {
    if let Some(fragment) = flow
        .statements()
        .find(|s| matches!(s, Statement::FragmentStart(_)))
    {
        // A server answers one request at a time: it cannot take two branches of an `alt`.
        return Err(LiveError::Flow(vec![
            Diagnostic::error(
                "a flow with alt/opt/loop fragments cannot be replayed against a server",
                fragment.span(),
            )
            .with_label("a server takes one path, not every path")
            .with_note(
                "help: `authflow check` judges every path; `authflow replay --path N` replays one of them",
            ),
        ]));
    }
    let drawn = execute(flow, source).map_err(LiveError::Flow)?;
    let drawn_violations = check_run_with(&drawn, &options.for_flow(flow));
    let time_scale = config
        .code_lifetime()
        .map_err(LiveError::Server)?
        .map(|server| server as f64 / drawn.world.code_lifetime.max(1) as f64);
    let recorded = Driver::new(config, endpoints, transport, time_scale)
        .drive(&drawn)
        .map_err(LiveError::Server)?;
    let comparison = compare::compare(
        source,
        &drawn,
        &drawn_violations,
        &recorded.answers,
        options,
    )
    .map_err(LiveError::Server)?;
    Ok(LiveReplay {
        comparison,
        exchanges: recorded.exchanges,
        secrets: recorded.secrets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::http::HttpResponse;
    use crate::syntax::parse;

    /// A server in a closure, remembering every URL it was sent.
    struct Scripted<F: FnMut(&HttpRequest) -> HttpResponse> {
        answer: F,
        seen: Vec<String>,
    }

    impl<F: FnMut(&HttpRequest) -> HttpResponse> Transport for Scripted<F> {
        fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
            self.seen.push(request.url.to_string());
            Ok((self.answer)(request))
        }
    }

    fn json(body: &str) -> HttpResponse {
        HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// The authorization and token endpoints of the test server `as.test`.
    fn endpoints() -> ResolvedEndpoints {
        ResolvedEndpoints {
            authorization: Url::parse("http://as.test/auth").unwrap(),
            token: Url::parse("http://as.test/token").unwrap(),
            revocation: None,
            api: None,
        }
    }

    /// The flow `text` replayed against `server` at [`endpoints`], with the default
    /// config and options.
    fn replay_text(text: &str, server: &mut dyn Transport) -> Result<LiveReplay, LiveError> {
        let file = SourceFile::new("t.flow", text);
        let flow = parse(&file).unwrap();
        replay_live(
            &file,
            &flow,
            &Config::default(),
            &endpoints(),
            server,
            &CheckOptions::default(),
        )
    }

    fn redirect(to: &str) -> HttpResponse {
        HttpResponse {
            status: 302,
            headers: vec![("location".into(), to.into())],
            body: String::new(),
        }
    }

    #[test]
    fn discovered_endpoints_on_another_origin_are_refused() {
        let mut server = Scripted {
            answer: |_: &HttpRequest| {
                json(
                    r#"{"authorization_endpoint": "http://as.test/auth",
                        "token_endpoint": "http://elsewhere.test/token"}"#,
                )
            },
            seen: Vec::new(),
        };
        let config = Config {
            server: Some("http://as.test".into()),
            ..Config::default()
        };
        let error = resolve_endpoints(&config, &mut server).unwrap_err();
        assert!(error.contains("outside `http://as.test`"), "{error}");
        assert_eq!(
            server.seen,
            ["http://as.test/.well-known/oauth-authorization-server"]
        );
    }

    #[test]
    fn a_redirect_off_the_server_is_the_answer_and_never_followed() {
        let text = "fe -> auth_server_be: \"authorize\"\nauth_server_be -> fe: \"code\"\n";
        let mut server = Scripted {
            answer: |request: &HttpRequest| match request.url.path() {
                "/auth" => redirect("/hop"),
                _ => redirect("http://tracker.test/?code=abc&state=state-1"),
            },
            seen: Vec::new(),
        };
        let live = replay_text(text, &mut server).unwrap();
        assert!(
            server
                .seen
                .iter()
                .all(|url| url.starts_with("http://as.test/"))
        );
        assert_eq!(server.seen.len(), 2, "{:?}", server.seen);
        let row = &live.comparison.rows[0];
        assert_eq!((row.line, row.server.as_str()), (2, "code"));
        // The query the authorization endpoint got is the model's request.
        assert!(
            server.seen[0].contains("response_type=code&client_id=client-1"),
            "{}",
            server.seen[0]
        );
    }

    #[test]
    fn the_rewritten_flow_carries_the_servers_values() {
        use crate::live::driver::{Answer, Answered};
        let text = "fe -> auth_server_be: \"authorize\"\nauth_server_be -> fe: \"code\" # drawn\n";
        let file = SourceFile::new("t.flow", text);
        let run = execute(&parse(&file).unwrap(), &file).unwrap();
        let answered = Answered {
            answer: Answer::Code {
                state: Some("echoed-wrong".into()),
                iss: false,
            },
            to: "fe".into(),
            request: Some(0),
            guessed: false,
        };
        let rewritten = compare::rewrite(text, &run, &[(1, answered)].into_iter().collect());
        assert_eq!(
            rewritten.lines().nth(1),
            Some(
                "\"auth_server_be\" -> \"fe\": \"code\" as authorization_response \
                 { iss: none, state: \"echoed-wrong\" } # drawn"
            )
        );
    }

    #[test]
    fn a_flow_with_fragments_is_refused_before_any_request() {
        let text = "alt \"ok\"\n  fe -> auth_server_be: \"authorize\"\nelse \"no\"\n  fe -> be: \"give up\"\nend\n";
        let mut server = Scripted {
            answer: |_: &HttpRequest| redirect("/never"),
            seen: Vec::new(),
        };
        let result = replay_text(text, &mut server);
        match result {
            Err(LiveError::Flow(diagnostics)) => {
                assert!(diagnostics[0].message.contains("fragments"));
            }
            other => panic!("expected a flow error, got {other:?}"),
        }
        assert!(server.seen.is_empty());
    }
}
