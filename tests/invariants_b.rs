//! One test per invariant of the second half of the catalogue (PKCE, response type,
//! causality, tokens at the API, scope, state reuse, redirects and the front channel): an
//! inline flow that violates it and one that satisfies it, asserting exactly which
//! invariants fire, on which line and with which severity, and that the explanation names
//! the values involved.

use authflow::check::{Violation, check_run, verdict};
use authflow::model::execute;
use authflow::syntax::parse;
use authflow::{Severity, SourceFile, render_diagnostics};

/// The seed's twelve messages with the token response drawn back to `be` and the API
/// served by a separate `rs`, so that a conformant variant fires nothing.
const SEED: [&str; 12] = [
    r#"fe -> fe: "click""#,
    r#"fe -> auth_server_be: "redirect""#,
    r#"auth_server_be -> auth_server_fe: "redirect""#,
    r#"auth_server_fe -> auth_server_fe: "enter ""#,
    r#"auth_server_fe -> auth_server_be: "login, permission""#,
    r#"auth_server_be -> auth_server_be: "verify""#,
    r#"auth_server_be -> fe: "code""#,
    r#"fe -> be: """#,
    r#"be -> auth_server_be: "request token""#,
    r#"auth_server_be -> be: "access token""#,
    r#"be -> rs: "access token""#,
    r#"rs -> be: "response""#,
];

// Indexes into SEED of the messages the tests change.
const REQUEST: usize = 1;
const LOGIN_PAGE: usize = 2;
const LOGIN: usize = 4;
const CODE: usize = 6;
const CALLBACK: usize = 7;
const TOKEN_REQUEST: usize = 8;
const TOKEN_RESPONSE: usize = 9;
const API_RESPONSE: usize = 11;

/// A PKCE client, so that `pkce_required` stays quiet where it is not the point.
const PKCE: &str = "client: { pkce: true }";

/// A flow: front matter `yaml` and `body`, one message (or statement) a line.
struct Flow {
    yaml: String,
    body: Vec<String>,
}

impl Flow {
    fn seed(yaml: &str) -> Flow {
        Flow {
            yaml: yaml.to_string(),
            body: SEED.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Replaces message `index`.
    fn with(mut self, index: usize, message: &str) -> Flow {
        self.body[index] = message.to_string();
        self
    }

    /// Keeps the first `len` messages.
    fn first(mut self, len: usize) -> Flow {
        self.body.truncate(len);
        self
    }

    fn then(mut self, message: &str) -> Flow {
        self.body.push(message.to_string());
        self
    }

    /// The 1-based line of body statement `index`.
    fn line(&self, index: usize) -> usize {
        self.yaml.lines().count() + 3 + index
    }

    fn text(&self) -> String {
        format!("---\n{}\n---\n{}\n", self.yaml, self.body.join("\n"))
    }

    fn violations(&self) -> Vec<Violation> {
        let text = self.text();
        let file = SourceFile::new("inline.flow", text.as_str());
        let flow =
            parse(&file).unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
        let run = execute(&flow, &file)
            .unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
        check_run(&run)
    }

    /// The violations as (id, 1-based line), in source order.
    fn fired(&self) -> Vec<(&'static str, usize)> {
        let text = self.text();
        let file = SourceFile::new("inline.flow", text.as_str());
        self.violations()
            .iter()
            .map(|v| (v.id, file.line_col(v.span.start).0))
            .collect()
    }

    /// The one violation of `id`.
    fn violation(&self, id: &str) -> Violation {
        let found: Vec<Violation> = self
            .violations()
            .into_iter()
            .filter(|v| v.id == id)
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        found.into_iter().next().unwrap()
    }

    /// Whether the flow meets an `expect:` listing exactly `ids`.
    fn meets(&self, ids: &[&str]) -> bool {
        let expecting = Flow {
            yaml: format!("{}\nexpect: [{}]", self.yaml, ids.join(", ")),
            body: self.body.clone(),
        };
        let text = expecting.text();
        let file = SourceFile::new("inline.flow", text.as_str());
        let flow = parse(&file).unwrap();
        let run = execute(&flow, &file).unwrap();
        verdict(&flow, &run, false).passed
    }
}

fn assert_names(message: &str, values: &[&str]) {
    for value in values {
        assert!(message.contains(value), "`{value}` missing from: {message}");
    }
}

#[test]
fn pkce_required_public_error_confidential_warning_refused_or_s256_fine() {
    let public = Flow::seed("client: { type: public }");
    assert_eq!(public.fired(), [("pkce_required", public.line(REQUEST))]);
    let violation = public.violation("pkce_required");
    assert_eq!(violation.severity, Severity::Error);
    assert_names(
        &violation.message,
        &["public client `client-1`", "no code_challenge"],
    );
    assert!(public.meets(&["pkce_required"]));

    let confidential = Flow::seed("client: { type: confidential }");
    assert_eq!(
        confidential.fired(),
        [("pkce_required", confidential.line(REQUEST))]
    );
    assert_eq!(
        confidential.violation("pkce_required").severity,
        Severity::Warning
    );

    // The AS requires PKCE but goes on anyway: an error, naming what it should have said.
    let required = Flow::seed("pkce: required");
    assert_eq!(
        required.fired(),
        [("pkce_required", required.line(REQUEST))]
    );
    let violation = required.violation("pkce_required");
    assert_eq!(violation.severity, Severity::Error);
    assert_names(&violation.message, &["invalid_request"]);

    let s256 = Flow::seed("client: { type: public, pkce: true }");
    assert_eq!(s256.fired(), []);

    // The AS refuses the request without PKCE: handled, nothing fires.
    let refused = Flow::seed("client: { type: public }\npkce: required")
        .first(2)
        .then(r#"auth_server_be -> fe: "redirect with error=invalid_request""#);
    assert_eq!(refused.fired(), []);
    assert!(refused.meets(&[]));
}

#[test]
fn response_type_code_implicit_request_goes_on_vs_refused() {
    let token = Flow::seed(PKCE).with(
        REQUEST,
        r#"fe -> auth_server_be: "redirect" { response_type: token }"#,
    );
    assert_eq!(
        token.fired(),
        [("response_type_code", token.line(LOGIN_PAGE))]
    );
    let message = token.violation("response_type_code").message;
    assert_names(
        &message,
        &[
            "`token`",
            "unsupported_response_type",
            &format!("line {}", token.line(REQUEST)),
        ],
    );

    let refused = Flow::seed(PKCE)
        .with(
            REQUEST,
            r#"fe -> auth_server_be: "redirect" { response_type: token }"#,
        )
        .first(2)
        .then(r#"auth_server_be -> fe: "redirect with error=unsupported_response_type""#);
    assert_eq!(refused.fired(), []);

    assert_eq!(Flow::seed(PKCE).fired(), []);
}

#[test]
fn sender_knows_unreceived_token_vs_observed_code() {
    // The token response went to `be`; the browser cannot have token-1.
    let violated = Flow::seed(PKCE)
        .with(
            API_RESPONSE - 1,
            r#"fe -> rs: "access token" { access_token: "token-1" }"#,
        )
        .with(API_RESPONSE, r#"rs -> fe: "response""#);
    assert_eq!(
        violated.fired(),
        [("sender_knows", violated.line(API_RESPONSE - 1))]
    );
    let message = violated.violation("sender_knows").message;
    assert_names(
        &message,
        &[
            "`fe`",
            "`token-1`",
            &format!("line {}", violated.line(TOKEN_RESPONSE)),
        ],
    );

    // An attacker that observed code-1 (Referer) may send it; the AS refuses it.
    let yaml = "client: { pkce: true }\nclients: [{ id: client-2, secret: secret-2 }]";
    let attempt = r#"attacker -> auth_server_be: "token request" { code: "code-1", client_id: client-2, client_secret: secret-2 }"#;
    let unseen = Flow::seed(yaml)
        .first(TOKEN_RESPONSE + 1)
        .then(attempt)
        .then(r#"auth_server_be -> attacker: "invalid_grant""#);
    assert_eq!(
        unseen.fired(),
        [("sender_knows", unseen.line(TOKEN_RESPONSE + 1))]
    );
    let observed = Flow::seed(yaml)
        .first(TOKEN_RESPONSE + 1)
        .then(r#"fe -> attacker: "Referer: callback URL""#)
        .then(attempt)
        .then(r#"auth_server_be -> attacker: "invalid_grant""#);
    assert_eq!(observed.fired(), []);
}

#[test]
fn token_valid_at_rs_revoked_or_expired_served_vs_refused() {
    // A replayed code: the AS refuses and revokes token-1, the API still serves it.
    let replayed = Flow::seed(PKCE)
        .first(TOKEN_RESPONSE + 1)
        .then(r#"be -> auth_server_be: "request token""#)
        .then(r#"auth_server_be -> be: "invalid_grant""#)
        .then(r#"be -> rs: "access token""#)
        .then(r#"rs -> be: "response""#);
    assert_eq!(replayed.fired(), [("token_valid_at_rs", replayed.line(13))]);
    let message = replayed.violation("token_valid_at_rs").message;
    assert_names(
        &message,
        &[
            "`token-1`",
            "`code-1`",
            &format!("line {}", replayed.line(10)),
        ],
    );
    let refused = replayed.first(13).then(r#"rs -> be: "401 invalid_token""#);
    assert_eq!(refused.fired(), []);

    // Two hours later token-1 (one hour) has expired.
    let late = Flow::seed(PKCE)
        .then("wait 2h")
        .then(r#"be -> rs: "access token""#)
        .then(r#"rs -> be: "response""#);
    assert_eq!(late.fired(), [("token_valid_at_rs", late.line(14))]);
    assert_names(
        &late.violation("token_valid_at_rs").message,
        &["expired", "2h old", "valid for 1h"],
    );

    assert_eq!(Flow::seed(PKCE).fired(), []);
}

#[test]
fn token_response_to_requester_browser_vs_back_end() {
    let to_browser = Flow::seed(PKCE)
        .with(TOKEN_RESPONSE, r#"auth_server_be -> fe: "access token""#)
        .with(TOKEN_RESPONSE + 1, r#"fe -> be: "access token""#)
        .with(API_RESPONSE, r#"be -> fe: "response""#);
    assert_eq!(
        to_browser.fired(),
        [(
            "token_response_to_requester",
            to_browser.line(TOKEN_RESPONSE)
        )]
    );
    let violation = to_browser.violation("token_response_to_requester");
    assert_eq!(violation.severity, Severity::Warning);
    assert_names(&violation.message, &["`fe`", "`be`", "`token-1`"]);
    assert!(to_browser.meets(&["token_response_to_requester"]));

    assert_eq!(Flow::seed(PKCE).fired(), []);
}

#[test]
fn scope_not_widened_consent_or_grant_wider_vs_narrowed() {
    let consent = Flow::seed(PKCE).with(
        LOGIN,
        r#"auth_server_fe -> auth_server_be: "login, permission" { scope: "profile email" }"#,
    );
    assert_eq!(
        consent.fired(),
        [("scope_not_widened", consent.line(LOGIN))]
    );
    assert_names(
        &consent.violation("scope_not_widened").message,
        &["`email`", "`profile`"],
    );

    let grant = Flow::seed(PKCE).with(
        TOKEN_RESPONSE,
        r#"auth_server_be -> be: "access token" { scope: "profile email" }"#,
    );
    assert_eq!(
        grant.fired(),
        [("scope_not_widened", grant.line(TOKEN_RESPONSE))]
    );
    assert_names(
        &grant.violation("scope_not_widened").message,
        &["`email`", "`code-1`"],
    );

    let narrowed = Flow::seed(r#"client: { pkce: true, scope: "profile email" }"#).with(
        LOGIN,
        r#"auth_server_fe -> auth_server_be: "login, permission" { scope: profile }"#,
    );
    assert_eq!(narrowed.fired(), []);
}

#[test]
fn pkce_no_downgrade_verifier_for_code_without_challenge() {
    // The client prepares PKCE; the challenge is stripped before it reaches the AS.
    let stripped = Flow::seed(PKCE)
        .with(0, r#"be -> fe: "redirect to the authorization endpoint""#)
        .with(REQUEST, r#"fe -> auth_server_be: "redirect" { code_challenge: none, code_challenge_method: none }"#);
    assert_eq!(
        stripped.fired(),
        [
            ("pkce_required", stripped.line(REQUEST)),
            ("pkce_no_downgrade", stripped.line(TOKEN_RESPONSE)),
        ]
    );
    let message = stripped.violation("pkce_no_downgrade").message;
    assert_names(
        &message,
        &[
            "`code-1`",
            "verifier-1-",
            "invalid_grant",
            &format!("line {}", stripped.line(TOKEN_REQUEST)),
        ],
    );

    let refused = stripped
        .with(TOKEN_RESPONSE, r#"auth_server_be -> be: "invalid_grant""#)
        .first(TOKEN_RESPONSE + 1);
    assert_eq!(refused.fired(), [("pkce_required", refused.line(REQUEST))]);

    let intact = Flow::seed(PKCE).with(0, r#"be -> fe: "redirect to the authorization endpoint""#);
    assert_eq!(intact.fired(), []);
}

#[test]
fn state_single_use_replayed_callback_redeemed_vs_refused() {
    let replay =
        r#"fe -> be: "Back: callback URL again" as callback { code: "code-1", state: "state-1" }"#;
    let redeemed = Flow::seed(PKCE)
        .first(TOKEN_RESPONSE + 1)
        .then(replay)
        .then(r#"be -> auth_server_be: "request token""#)
        .then(r#"auth_server_be -> be: "invalid_grant""#);
    assert_eq!(redeemed.fired(), [("state_single_use", redeemed.line(11))]);
    let violation = redeemed.violation("state_single_use");
    assert_eq!(violation.severity, Severity::Warning);
    assert_names(
        &violation.message,
        &[
            "`state-1`",
            &format!("line {}", redeemed.line(CALLBACK)),
            &format!("line {}", redeemed.line(10)),
        ],
    );

    let refused = Flow::seed(PKCE)
        .first(TOKEN_RESPONSE + 1)
        .then(replay)
        .then(r#"be -> fe: "error: state already used""#);
    assert_eq!(refused.fired(), []);
}

#[test]
fn no_redirect_to_unregistered_error_redirect_vs_error_page() {
    let evil = r#"fe -> auth_server_be: "redirect" { redirect_uri: "https://evil.example/cb" }"#;
    let redirected = Flow::seed(PKCE).with(REQUEST, evil).first(2).then(
        r#"auth_server_be -> fe: "redirect to https://evil.example/cb with error=invalid_request""#,
    );
    assert_eq!(
        redirected.fired(),
        [("no_redirect_to_unregistered", redirected.line(2))]
    );
    assert_names(
        &redirected.violation("no_redirect_to_unregistered").message,
        &["error redirect", "`https://evil.example/cb`", "`client-1`"],
    );

    let unknown = Flow::seed(PKCE)
        .with(
            REQUEST,
            r#"fe -> auth_server_be: "redirect" { client_id: nobody }"#,
        )
        .first(2)
        .then(r#"auth_server_be -> fe: "redirect with error=unauthorized_client""#);
    assert_eq!(
        unknown.fired(),
        [("no_redirect_to_unregistered", unknown.line(2))]
    );
    assert_names(
        &unknown.violation("no_redirect_to_unregistered").message,
        &["`nobody`"],
    );

    let page = Flow::seed(PKCE)
        .with(REQUEST, evil)
        .first(2)
        .then(r#"auth_server_be -> fe: "error page: unregistered redirect_uri""#);
    assert_eq!(page.fired(), []);
}

#[test]
fn no_token_in_front_channel_token_in_redirect_vs_back_channel() {
    let in_redirect = Flow::seed(PKCE).with(
        CODE,
        r#"auth_server_be -> fe: "code" { access_token: "token-1" }"#,
    );
    // The redirect carries it, and the browser forwards it to the callback.
    assert_eq!(
        in_redirect.fired(),
        [
            ("no_token_in_front_channel", in_redirect.line(CODE)),
            ("no_token_in_front_channel", in_redirect.line(CALLBACK)),
        ]
    );
    let callback = &in_redirect.violations()[1];
    assert_names(
        &callback.message,
        &[
            "`token-1`",
            &format!("line {}", in_redirect.line(CODE)),
            "`fe`",
            "`be`",
        ],
    );

    // The seed's token response and Authorization header are back channel.
    assert_eq!(Flow::seed(PKCE).fired(), []);
}
