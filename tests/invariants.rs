//! Every invariant on inline flows, as data: each case is a flow, the exact list of
//! (invariant, line) that must fire on it, in source order, and what each explanation must
//! name (the values involved, the lines they came from) and, where it matters, its
//! severity. One loop runs them all, so adding a case is adding a row to `cases()`.
//!
//! Each invariant has at least one case that violates it and one that satisfies it. The
//! flows are written two ways: appended to the seed's login (`LOGIN`) or as the seed with
//! messages replaced (`Seed`), whichever says the scenario more directly.

use std::collections::BTreeSet;

use authflow::check::{
    CheckOptions, INVARIANTS, Status, Violation, check_run, validate_expectation, verdict_with,
};
use authflow::model::{Run, execute, s256};
use authflow::syntax::{Flow, parse};
use authflow::{Severity, SourceFile, render_diagnostics};

// ---------------------------------------------------------------------------------------
// The table's rows.

struct Case {
    /// The invariant the case is about; what it shows is said by `name`.
    about: &'static str,
    name: &'static str,
    text: String,
    fired: Vec<Fired>,
}

/// One violation that must fire.
struct Fired {
    id: &'static str,
    /// 1-based line of the message the caret is on.
    line: usize,
    /// Substrings of the explanation.
    needles: Vec<String>,
    severity: Option<Severity>,
}

impl Case {
    fn new(about: &'static str, name: &'static str, text: impl Into<String>) -> Case {
        Case {
            about,
            name,
            text: text.into(),
            fired: Vec::new(),
        }
    }

    /// `id` must fire at `line` (after whatever `fires` named before it).
    fn fires(mut self, id: &'static str, line: usize) -> Case {
        self.fired.push(Fired {
            id,
            line,
            needles: Vec::new(),
            severity: None,
        });
        self
    }

    /// The explanation of the last violation named must contain each of `needles`.
    fn naming(mut self, needles: &[&str]) -> Case {
        let last = self.fired.last_mut().expect("`naming` follows `fires`");
        last.needles.extend(needles.iter().map(|n| n.to_string()));
        self
    }

    /// The last violation named must have `severity`.
    fn severity(mut self, severity: Severity) -> Case {
        let last = self.fired.last_mut().expect("`severity` follows `fires`");
        last.severity = Some(severity);
        self
    }

    fn violates(&self) -> bool {
        self.fired.iter().any(|f| f.id == self.about)
    }
}

fn line(n: usize) -> String {
    format!("line {n}")
}

// ---------------------------------------------------------------------------------------
// Flows appended to the seed's login.

/// The seed's first eight messages (lines 1-8 of a flow without front matter): the user
/// logs in and the browser delivers code-1 to the client's callback.
const LOGIN: &str = r#"fe -> fe: "click"
fe -> auth_server_be: "redirect"
auth_server_be -> auth_server_fe: "redirect"
auth_server_fe -> auth_server_fe: "enter "
auth_server_fe -> auth_server_be: "login, permission"
auth_server_be -> auth_server_be: "verify"
auth_server_be -> fe: "code"
fe -> be: ""
"#;

/// A PKCE client, so that `pkce_required` stays quiet; the front matter takes 4 lines,
/// so `LOGIN` is lines 5-12 after it.
const PKCE_FRONT: &str = "---\nclient: { pkce: true }\nexpect: []\n---\n";

/// The client's code redemption, answered with tokens.
const REDEEM: &str =
    "be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n";

// ---------------------------------------------------------------------------------------
// Flows made from the seed, one message replaced at a time.

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

// Indexes into SEED of the messages the cases change.
const REQUEST: usize = 1;
const LOGIN_PAGE: usize = 2;
const CONSENT: usize = 4;
const CODE: usize = 6;
const CALLBACK: usize = 7;
const TOKEN_REQUEST: usize = 8;
const TOKEN_RESPONSE: usize = 9;
const API_RESPONSE: usize = 11;

/// A PKCE client, so that `pkce_required` stays quiet where it is not the point.
const PKCE: &str = "client: { pkce: true }";

/// A flow: front matter `yaml` and `body`, one message (or statement) a line.
#[derive(Clone)]
struct Seed {
    yaml: String,
    body: Vec<String>,
}

impl Seed {
    fn new(yaml: &str) -> Seed {
        Seed {
            yaml: yaml.to_string(),
            body: SEED.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Replaces message `index`.
    fn with(mut self, index: usize, message: &str) -> Seed {
        self.body[index] = message.to_string();
        self
    }

    /// Keeps the first `len` messages.
    fn first(mut self, len: usize) -> Seed {
        self.body.truncate(len);
        self
    }

    fn then(mut self, message: &str) -> Seed {
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
}

// ---------------------------------------------------------------------------------------
// The table.

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    cases.extend(state_match());
    cases.extend(code_single_use());
    cases.extend(redirect_uri_equal());
    cases.extend(redirect_uri_registered());
    cases.extend(code_bound_to_client());
    cases.extend(client_authenticated());
    cases.extend(consent_before_code());
    cases.extend(denied_no_code());
    cases.extend(code_lifetime());
    cases.extend(pkce_verifier_match());
    cases.extend(pkce_required());
    cases.extend(response_type_code());
    cases.extend(sender_knows());
    cases.extend(token_valid_at_rs());
    cases.extend(token_response_to_requester());
    cases.extend(scope_not_widened());
    cases.extend(pkce_no_downgrade());
    cases.extend(state_single_use());
    cases.extend(no_redirect_to_unregistered());
    cases.extend(no_token_in_front_channel());
    cases.extend(refresh_token_valid());
    cases.extend(iss_match());
    cases.extend(client_secret_not_in_url());
    cases
}

fn state_match() -> Vec<Case> {
    let forged = LOGIN.replace(r#"fe: "code""#, r#"fe: "code" { state: "forged" }"#);
    let pkce_only = LOGIN.replace(
        r#"fe -> auth_server_be: "redirect""#,
        r#"fe -> auth_server_be: "redirect" { state: none }"#,
    );
    let missing = LOGIN.replace(r#"fe: "code""#, r#"fe: "code" { state: none }"#);
    vec![
        Case::new(
            "state_match",
            "a forged state, and the client redeems the code",
            format!("{PKCE_FRONT}{forged}{REDEEM}"),
        )
        .fires("state_match", 13)
        .naming(&["`forged`", "`state-1`", "line 12"]),
        // The client compares the states and refuses: nothing is redeemed.
        Case::new(
            "state_match",
            "a forged state, and the client refuses",
            format!("{PKCE_FRONT}{forged}be -> fe: \"error: state mismatch\"\n"),
        ),
        // Without a state but with PKCE the client relies on PKCE (RFC 9700 §4.7.1)...
        Case::new(
            "state_match",
            "no state but PKCE",
            format!("{PKCE_FRONT}{pkce_only}{REDEEM}"),
        ),
        // ...and without either it has no CSRF protection at all.
        Case::new(
            "state_match",
            "neither state nor PKCE",
            format!("---\nclient: {{ pkce: false }}\n---\n{pkce_only}{REDEEM}"),
        )
        .fires("pkce_required", 5)
        .fires("state_match", 12),
        // Without front matter: the seed's client, no PKCE (a warning at line 2).
        Case::new(
            "state_match",
            "no state in the response",
            format!("{missing}{REDEEM}"),
        )
        .fires("pkce_required", 2)
        .fires("state_match", 9)
        .naming(&["carried no state"]),
    ]
}

fn code_single_use() -> Vec<Case> {
    let again = |answer: &str| {
        format!(
            "{PKCE_FRONT}{LOGIN}{REDEEM}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"{answer}\"\n"
        )
    };
    vec![
        Case::new(
            "code_single_use",
            "a replay buys tokens",
            again("access token"),
        )
        .fires("code_single_use", 16)
        .naming(&["`code-1`", "line 13"]),
        Case::new(
            "code_single_use",
            "a replay is refused",
            again("invalid_grant"),
        ),
        // The wrong refusal is a warning that names the right error.
        Case::new(
            "code_single_use",
            "a replay is refused with the wrong error",
            again("invalid_request"),
        )
        .fires("code_single_use", 16)
        .naming(&["`invalid_grant`"]),
        // Another client's attempt was refused: the owner's redemption afterwards is the first.
        Case::new(
            "code_single_use",
            "an earlier attempt was refused",
            format!(
                "---\nclient: {{ pkce: true }}\nclients: [{{ id: other, secret: other-secret }}]\n---\n\
                 {LOGIN}fe -> attacker: \"callback URL\" as leak\n\
                 attacker -> auth_server_be: \"request token\" {{ client_id: other, client_secret: other-secret }}\n\
                 auth_server_be -> attacker: \"invalid_grant\"\n{REDEEM}"
            ),
        ),
    ]
}

fn redirect_uri_equal() -> Vec<Case> {
    let request =
        "be -> auth_server_be: \"request token\" { redirect_uri: \"https://evil.example/cb\" }\n";
    vec![
        Case::new(
            "redirect_uri_equal",
            "another redirect_uri, and tokens",
            format!("{PKCE_FRONT}{LOGIN}{request}auth_server_be -> be: \"access token\"\n"),
        )
        .fires("redirect_uri_equal", 14)
        .naming(&[
            "`https://evil.example/cb`",
            "`https://client.example/callback`",
            "line 13",
            "line 6",
        ]),
        Case::new(
            "redirect_uri_equal",
            "another redirect_uri, refused",
            format!("{PKCE_FRONT}{LOGIN}{request}auth_server_be -> be: \"invalid_grant\"\n"),
        ),
        Case::new(
            "redirect_uri_equal",
            "no redirect_uri, and tokens",
            format!(
                "{PKCE_FRONT}{LOGIN}be -> auth_server_be: \"request token\" {{ redirect_uri: none }}\nauth_server_be -> be: \"access token\"\n"
            ),
        )
        .fires("redirect_uri_equal", 14)
        .naming(&["no redirect_uri"]),
    ]
}

fn redirect_uri_registered() -> Vec<Case> {
    let request = r#"fe -> auth_server_be: "redirect" { redirect_uri: "https://client.example.evil.example/cb" }"#;
    vec![
        // Reported where the AS goes on: the login page.
        Case::new(
            "redirect_uri_registered",
            "a look-alike redirect_uri, and the login page",
            format!(
                "{PKCE_FRONT}fe -> fe: \"click\"\n{request}\nauth_server_be -> auth_server_fe: \"redirect\"\n"
            ),
        )
        .fires("redirect_uri_registered", 7)
        .naming(&[
            "`https://client.example.evil.example/cb`",
            "https://client.example/callback",
            "line 6",
        ]),
        Case::new(
            "redirect_uri_registered",
            "a look-alike redirect_uri, and an error page",
            format!(
                "{PKCE_FRONT}fe -> fe: \"click\"\n{request}\nauth_server_be -> fe: \"error page: invalid redirect_uri\"\n"
            ),
        ),
        // The registered URI itself is fine all the way through.
        Case::new(
            "redirect_uri_registered",
            "the registered redirect_uri",
            format!("{PKCE_FRONT}{LOGIN}{REDEEM}"),
        ),
    ]
}

fn code_bound_to_client() -> Vec<Case> {
    let front = "---\nclient: { pkce: true }\nclients: [{ id: attacker-app, secret: attacker-secret }]\n---\n";
    let steal = "fe -> attacker: \"callback URL\" as leak\n\
                 attacker -> auth_server_be: \"request token\" { client_id: attacker-app, client_secret: attacker-secret, code_verifier: none }\n";
    let answered =
        |answer: &str| format!("{front}{LOGIN}{steal}auth_server_be -> attacker: \"{answer}\"\n");
    vec![
        // PKCE would stop the attacker too; the AS here checks neither.
        Case::new(
            "code_bound_to_client",
            "another client redeems, and gets tokens",
            answered("access token"),
        )
        .fires("code_bound_to_client", 15)
        .naming(&["`attacker-app`", "`client-1`", "line 11"])
        .fires("pkce_verifier_match", 15),
        Case::new(
            "code_bound_to_client",
            "another client redeems, refused",
            answered("invalid_grant"),
        ),
        // Refused, but with an error that does not say the grant belongs to another client:
        // both checks the AS skipped say which error it owed.
        Case::new(
            "code_bound_to_client",
            "another client redeems, refused with the wrong error",
            answered("unauthorized_client"),
        )
        .fires("code_bound_to_client", 15)
        .naming(&["`invalid_grant`"])
        .fires("pkce_verifier_match", 15),
    ]
}

fn client_authenticated() -> Vec<Case> {
    let request = "be -> auth_server_be: \"request token\" { client_secret: none }\n";
    vec![
        Case::new(
            "client_authenticated",
            "no secret, and tokens",
            format!("{PKCE_FRONT}{LOGIN}{request}auth_server_be -> be: \"access token\"\n"),
        )
        .fires("client_authenticated", 14)
        .naming(&["`client-1`", "no client secret", "line 13"]),
        Case::new(
            "client_authenticated",
            "no secret, refused",
            format!("{PKCE_FRONT}{LOGIN}{request}auth_server_be -> be: \"401 invalid_client\"\n"),
        ),
        Case::new(
            "client_authenticated",
            "the wrong secret, and tokens",
            format!(
                "{PKCE_FRONT}{LOGIN}be -> auth_server_be: \"request token\" {{ client_secret: old-secret }}\nauth_server_be -> be: \"access token\"\n"
            ),
        )
        .fires("client_authenticated", 14)
        .naming(&["`old-secret`"]),
        // A public client has no secret to present.
        Case::new(
            "client_authenticated",
            "a public client",
            format!("---\nclient: {{ type: public, pkce: true }}\n---\n{LOGIN}{REDEEM}"),
        ),
    ]
}

fn consent_before_code() -> Vec<Case> {
    let head = "fe -> fe: \"click\"\nfe -> auth_server_be: \"redirect\"\nauth_server_be -> auth_server_fe: \"redirect\"\n\
                auth_server_fe -> auth_server_fe: \"enter wrong password\"\nauth_server_fe -> auth_server_be: \"login, permission\"\n\
                auth_server_be -> auth_server_be: \"verify\"\n";
    vec![
        Case::new(
            "consent_before_code",
            "a code after a failed login",
            format!("{PKCE_FRONT}{head}auth_server_be -> fe: \"code\" as authorization_response\n"),
        )
        .fires("consent_before_code", 11)
        .naming(&["`code-1`", "line 9", "line 6"]),
        Case::new(
            "consent_before_code",
            "a code after the retried login",
            format!(
                "{PKCE_FRONT}{head}auth_server_be -> auth_server_fe: \"try again\"\nauth_server_fe -> auth_server_fe: \"enter \"\n\
                 auth_server_fe -> auth_server_be: \"login, permission\"\nauth_server_be -> auth_server_be: \"verify\"\n\
                 auth_server_be -> fe: \"code\"\n"
            ),
        ),
        Case::new(
            "consent_before_code",
            "a code without any login",
            format!(
                "{PKCE_FRONT}fe -> fe: \"click\"\nfe -> auth_server_be: \"redirect\"\nauth_server_be -> fe: \"code\" as authorization_response\n"
            ),
        )
        .fires("consent_before_code", 7)
        .naming(&["never logged in"]),
    ]
}

fn denied_no_code() -> Vec<Case> {
    let head = "fe -> fe: \"click\"\nfe -> auth_server_be: \"redirect\"\nauth_server_be -> auth_server_fe: \"redirect\"\n\
                auth_server_fe -> auth_server_fe: \"enter \"\nauth_server_fe -> auth_server_be: \"deny\"\n";
    vec![
        Case::new(
            "denied_no_code",
            "a code after the denial",
            format!(
                "{PKCE_FRONT}{head}auth_server_be -> fe: \"code\" {{ code: code-1, error: none }}\n"
            ),
        )
        .fires("denied_no_code", 10)
        .naming(&["line 9", "`code-1`"]),
        // The model's AS answers a denial with access_denied by itself.
        Case::new(
            "denied_no_code",
            "access_denied after the denial",
            format!(
                "{PKCE_FRONT}{head}auth_server_be -> fe: \"error=access_denied\"\nfe -> be: \"\"\n"
            ),
        ),
        Case::new(
            "denied_no_code",
            "the wrong error after the denial",
            format!(
                "{PKCE_FRONT}{head}auth_server_be -> fe: \"error\" {{ error: server_error }}\n"
            ),
        )
        .fires("denied_no_code", 10)
        .naming(&["`error=server_error`"]),
    ]
}

fn code_lifetime() -> Vec<Case> {
    let late = format!("{LOGIN}wait 11m\nbe -> auth_server_be: \"request token\"\n");
    let answered = |answer: &str| format!("{PKCE_FRONT}{late}auth_server_be -> be: \"{answer}\"\n");
    vec![
        Case::new(
            "code_lifetime",
            "an expired code buys tokens",
            answered("access token"),
        )
        .fires("code_lifetime", 15)
        .naming(&["`code-1`", "11m old", "10m", "line 11"]),
        Case::new(
            "code_lifetime",
            "an expired code is refused",
            answered("invalid_grant"),
        ),
        // A longer configured lifetime accepts the same delay.
        Case::new(
            "code_lifetime",
            "a longer lifetime",
            format!(
                "---\nclient: {{ pkce: true }}\ncode_lifetime: 15m\n---\n{late}auth_server_be -> be: \"access token\"\n"
            ),
        ),
        Case::new(
            "code_lifetime",
            "an expired code is refused with the wrong error",
            answered("invalid_request"),
        )
        .fires("code_lifetime", 15),
    ]
}

fn pkce_verifier_match() -> Vec<Case> {
    let request = "be -> auth_server_be: \"request token\" { code_verifier: \"not-the-verifier-of-this-session-0123456789ab\" }\n";
    let challenge = format!("`{}`", s256("verifier-1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    let presented = s256("not-the-verifier-of-this-session-0123456789ab");
    vec![
        Case::new(
            "pkce_verifier_match",
            "the wrong verifier buys tokens",
            format!("{PKCE_FRONT}{LOGIN}{request}auth_server_be -> be: \"access token\"\n"),
        )
        .fires("pkce_verifier_match", 14)
        .naming(&[&challenge, &presented, "line 6", "line 13"]),
        Case::new(
            "pkce_verifier_match",
            "the wrong verifier is refused",
            format!("{PKCE_FRONT}{LOGIN}{request}auth_server_be -> be: \"invalid_grant\"\n"),
        ),
        // The client's own verifier matches.
        Case::new(
            "pkce_verifier_match",
            "the client's own verifier",
            format!("{PKCE_FRONT}{LOGIN}{REDEEM}"),
        ),
        Case::new(
            "pkce_verifier_match",
            "no verifier, and tokens",
            format!(
                "{PKCE_FRONT}{LOGIN}be -> auth_server_be: \"request token\" {{ code_verifier: none }}\nauth_server_be -> be: \"access token\"\n"
            ),
        )
        .fires("pkce_verifier_match", 14)
        .naming(&["no code_verifier"]),
    ]
}

fn pkce_required() -> Vec<Case> {
    let public = Seed::new("client: { type: public }");
    let confidential = Seed::new("client: { type: confidential }");
    // The AS requires PKCE but goes on anyway: an error, naming what it should have said.
    let required = Seed::new("pkce: required");
    // The AS refuses the request without PKCE: handled, nothing fires.
    let refused = Seed::new("client: { type: public }\npkce: required")
        .first(2)
        .then(r#"auth_server_be -> fe: "redirect with error=invalid_request""#);
    vec![
        Case::new(
            "pkce_required",
            "a public client without PKCE",
            public.text(),
        )
        .fires("pkce_required", public.line(REQUEST))
        .severity(Severity::Error)
        .naming(&["public client `client-1`", "no code_challenge"]),
        Case::new(
            "pkce_required",
            "a confidential client without PKCE",
            confidential.text(),
        )
        .fires("pkce_required", confidential.line(REQUEST))
        .severity(Severity::Warning),
        Case::new(
            "pkce_required",
            "the AS requires PKCE and goes on without",
            required.text(),
        )
        .fires("pkce_required", required.line(REQUEST))
        .severity(Severity::Error)
        .naming(&["invalid_request"]),
        Case::new(
            "pkce_required",
            "a public client with S256",
            Seed::new("client: { type: public, pkce: true }").text(),
        ),
        Case::new(
            "pkce_required",
            "the AS refuses a request without PKCE",
            refused.text(),
        ),
    ]
}

fn response_type_code() -> Vec<Case> {
    let implicit = r#"fe -> auth_server_be: "redirect" { response_type: token }"#;
    let token = Seed::new(PKCE).with(REQUEST, implicit);
    let refused = Seed::new(PKCE)
        .with(REQUEST, implicit)
        .first(2)
        .then(r#"auth_server_be -> fe: "redirect with error=unsupported_response_type""#);
    vec![
        Case::new(
            "response_type_code",
            "an implicit request, and the AS goes on",
            token.text(),
        )
        .fires("response_type_code", token.line(LOGIN_PAGE))
        .naming(&[
            "`token`",
            "unsupported_response_type",
            &line(token.line(REQUEST)),
        ]),
        Case::new(
            "response_type_code",
            "an implicit request, refused",
            refused.text(),
        ),
        Case::new("response_type_code", "the seed", Seed::new(PKCE).text()),
    ]
}

fn sender_knows() -> Vec<Case> {
    // The token response went to `be`; the browser cannot have token-1.
    let violated = Seed::new(PKCE)
        .with(
            API_RESPONSE - 1,
            r#"fe -> rs: "access token" { access_token: "token-1" }"#,
        )
        .with(API_RESPONSE, r#"rs -> fe: "response""#);
    // An attacker that observed code-1 (Referer) may send it; the AS refuses it.
    let yaml = "client: { pkce: true }\nclients: [{ id: client-2, secret: secret-2 }]";
    let attempt = r#"attacker -> auth_server_be: "token request" { code: "code-1", client_id: client-2, client_secret: secret-2 }"#;
    let unseen = Seed::new(yaml)
        .first(TOKEN_RESPONSE + 1)
        .then(attempt)
        .then(r#"auth_server_be -> attacker: "invalid_grant""#);
    let observed = Seed::new(yaml)
        .first(TOKEN_RESPONSE + 1)
        .then(r#"fe -> attacker: "Referer: callback URL""#)
        .then(attempt)
        .then(r#"auth_server_be -> attacker: "invalid_grant""#);
    vec![
        Case::new(
            "sender_knows",
            "the browser uses a token it never received",
            violated.text(),
        )
        .fires("sender_knows", violated.line(API_RESPONSE - 1))
        .naming(&["`fe`", "`token-1`", &line(violated.line(TOKEN_RESPONSE))]),
        Case::new(
            "sender_knows",
            "the attacker sends a code it never saw",
            unseen.text(),
        )
        .fires("sender_knows", unseen.line(TOKEN_RESPONSE + 1)),
        Case::new(
            "sender_knows",
            "the attacker sends a code it observed",
            observed.text(),
        ),
    ]
}

fn token_valid_at_rs() -> Vec<Case> {
    // A replayed code: the AS refuses and revokes token-1, the API still serves it.
    let replayed = Seed::new(PKCE)
        .first(TOKEN_RESPONSE + 1)
        .then(r#"be -> auth_server_be: "request token""#)
        .then(r#"auth_server_be -> be: "invalid_grant""#)
        .then(r#"be -> rs: "access token""#)
        .then(r#"rs -> be: "response""#);
    let refused = replayed
        .clone()
        .first(13)
        .then(r#"rs -> be: "401 invalid_token""#);
    // Two hours later token-1 (one hour) has expired.
    let late = Seed::new(PKCE)
        .then("wait 2h")
        .then(r#"be -> rs: "access token""#)
        .then(r#"rs -> be: "response""#);
    vec![
        Case::new(
            "token_valid_at_rs",
            "a revoked token is served",
            replayed.text(),
        )
        .fires("token_valid_at_rs", replayed.line(13))
        .naming(&["`token-1`", "`code-1`", &line(replayed.line(10))]),
        Case::new(
            "token_valid_at_rs",
            "a revoked token is refused",
            refused.text(),
        ),
        Case::new(
            "token_valid_at_rs",
            "an expired token is served",
            late.text(),
        )
        .fires("token_valid_at_rs", late.line(14))
        .naming(&["expired", "2h old", "valid for 1h"]),
        Case::new("token_valid_at_rs", "the seed", Seed::new(PKCE).text()),
    ]
}

fn token_response_to_requester() -> Vec<Case> {
    let to_browser = Seed::new(PKCE)
        .with(TOKEN_RESPONSE, r#"auth_server_be -> fe: "access token""#)
        .with(TOKEN_RESPONSE + 1, r#"fe -> be: "access token""#)
        .with(API_RESPONSE, r#"be -> fe: "response""#);
    vec![
        Case::new(
            "token_response_to_requester",
            "the tokens go to the browser",
            to_browser.text(),
        )
        .fires(
            "token_response_to_requester",
            to_browser.line(TOKEN_RESPONSE),
        )
        .severity(Severity::Warning)
        .naming(&["`fe`", "`be`", "`token-1`"]),
        Case::new(
            "token_response_to_requester",
            "the seed",
            Seed::new(PKCE).text(),
        ),
    ]
}

fn scope_not_widened() -> Vec<Case> {
    let consent = Seed::new(PKCE).with(
        CONSENT,
        r#"auth_server_fe -> auth_server_be: "login, permission" { scope: "profile email" }"#,
    );
    let grant = Seed::new(PKCE).with(
        TOKEN_RESPONSE,
        r#"auth_server_be -> be: "access token" { scope: "profile email" }"#,
    );
    let narrowed = Seed::new(r#"client: { pkce: true, scope: "profile email" }"#).with(
        CONSENT,
        r#"auth_server_fe -> auth_server_be: "login, permission" { scope: profile }"#,
    );
    vec![
        Case::new(
            "scope_not_widened",
            "consent to more than was requested",
            consent.text(),
        )
        .fires("scope_not_widened", consent.line(CONSENT))
        .naming(&["`email`", "`profile`"]),
        Case::new(
            "scope_not_widened",
            "tokens for more than was consented",
            grant.text(),
        )
        .fires("scope_not_widened", grant.line(TOKEN_RESPONSE))
        .naming(&["`email`", "`code-1`"]),
        Case::new(
            "scope_not_widened",
            "consent to less than was requested",
            narrowed.text(),
        ),
    ]
}

fn pkce_no_downgrade() -> Vec<Case> {
    // The client prepares PKCE; the challenge is stripped before it reaches the AS.
    let prepared = r#"be -> fe: "redirect to the authorization endpoint""#;
    let stripped = Seed::new(PKCE).with(0, prepared).with(
        REQUEST,
        r#"fe -> auth_server_be: "redirect" { code_challenge: none, code_challenge_method: none }"#,
    );
    let refused = stripped
        .clone()
        .with(TOKEN_RESPONSE, r#"auth_server_be -> be: "invalid_grant""#)
        .first(TOKEN_RESPONSE + 1);
    let intact = Seed::new(PKCE).with(0, prepared);
    vec![
        Case::new(
            "pkce_no_downgrade",
            "a stripped challenge, and tokens for the verifier",
            stripped.text(),
        )
        .fires("pkce_required", stripped.line(REQUEST))
        .fires("pkce_no_downgrade", stripped.line(TOKEN_RESPONSE))
        .naming(&[
            "`code-1`",
            "verifier-1-",
            "invalid_grant",
            &line(stripped.line(TOKEN_REQUEST)),
        ]),
        Case::new(
            "pkce_no_downgrade",
            "a stripped challenge, and the verifier refused",
            refused.text(),
        )
        .fires("pkce_required", refused.line(REQUEST)),
        Case::new("pkce_no_downgrade", "an intact challenge", intact.text()),
    ]
}

fn state_single_use() -> Vec<Case> {
    let replay =
        r#"fe -> be: "Back: callback URL again" as callback { code: "code-1", state: "state-1" }"#;
    let redeemed = Seed::new(PKCE)
        .first(TOKEN_RESPONSE + 1)
        .then(replay)
        .then(r#"be -> auth_server_be: "request token""#)
        .then(r#"auth_server_be -> be: "invalid_grant""#);
    let refused = Seed::new(PKCE)
        .first(TOKEN_RESPONSE + 1)
        .then(replay)
        .then(r#"be -> fe: "error: state already used""#);
    vec![
        Case::new(
            "state_single_use",
            "a replayed callback is redeemed",
            redeemed.text(),
        )
        .fires("state_single_use", redeemed.line(11))
        .severity(Severity::Warning)
        .naming(&[
            "`state-1`",
            &line(redeemed.line(CALLBACK)),
            &line(redeemed.line(10)),
        ]),
        Case::new(
            "state_single_use",
            "a replayed callback is refused",
            refused.text(),
        ),
    ]
}

fn no_redirect_to_unregistered() -> Vec<Case> {
    let evil = r#"fe -> auth_server_be: "redirect" { redirect_uri: "https://evil.example/cb" }"#;
    let redirected = Seed::new(PKCE).with(REQUEST, evil).first(2).then(
        r#"auth_server_be -> fe: "redirect to https://evil.example/cb with error=invalid_request""#,
    );
    let unknown = Seed::new(PKCE)
        .with(
            REQUEST,
            r#"fe -> auth_server_be: "redirect" { client_id: nobody }"#,
        )
        .first(2)
        .then(r#"auth_server_be -> fe: "redirect with error=unauthorized_client""#);
    let page = Seed::new(PKCE)
        .with(REQUEST, evil)
        .first(2)
        .then(r#"auth_server_be -> fe: "error page: unregistered redirect_uri""#);
    vec![
        Case::new(
            "no_redirect_to_unregistered",
            "an error redirect to an unregistered URI",
            redirected.text(),
        )
        .fires("no_redirect_to_unregistered", redirected.line(2))
        .naming(&["error redirect", "`https://evil.example/cb`", "`client-1`"]),
        Case::new(
            "no_redirect_to_unregistered",
            "an error redirect for an unknown client",
            unknown.text(),
        )
        .fires("no_redirect_to_unregistered", unknown.line(2))
        .naming(&["`nobody`"]),
        Case::new("no_redirect_to_unregistered", "an error page", page.text()),
    ]
}

fn no_token_in_front_channel() -> Vec<Case> {
    let in_redirect = Seed::new(PKCE).with(
        CODE,
        r#"auth_server_be -> fe: "code" { access_token: "token-1" }"#,
    );
    vec![
        // The redirect carries it, and the browser forwards it to the callback.
        Case::new(
            "no_token_in_front_channel",
            "a token in the redirect",
            in_redirect.text(),
        )
        .fires("no_token_in_front_channel", in_redirect.line(CODE))
        .fires("no_token_in_front_channel", in_redirect.line(CALLBACK))
        .naming(&["`token-1`", &line(in_redirect.line(CODE)), "`fe`", "`be`"]),
        // The seed's token response and Authorization header are back channel.
        Case::new(
            "no_token_in_front_channel",
            "the seed",
            Seed::new(PKCE).text(),
        ),
    ]
}

fn refresh_token_valid() -> Vec<Case> {
    // The client gets refresh-1, revokes it (RFC 7009), then presents it again.
    let presented = Seed::new(PKCE)
        .first(TOKEN_RESPONSE + 1)
        .with(
            TOKEN_RESPONSE,
            r#"auth_server_be -> be: "access token, refresh token" { refresh_token: refresh-1 }"#,
        )
        .then(r#"be -> auth_server_be: "POST /revoke" { token: refresh-1, token_type_hint: refresh_token }"#)
        .then(r#"auth_server_be -> be: "200 OK""#)
        .then(r#"be -> auth_server_be: "refresh the access token" { grant_type: refresh_token, refresh_token: refresh-1 }"#);
    let revoke = TOKEN_RESPONSE + 1;
    let issued = presented
        .clone()
        .then(r#"auth_server_be -> be: "new access token""#);
    let refused = presented.then(r#"auth_server_be -> be: "invalid_grant""#);
    vec![
        Case::new(
            "refresh_token_valid",
            "a revoked refresh token buys an access token",
            issued.text(),
        )
        .fires("refresh_token_valid", issued.line(revoke + 3))
        .naming(&["`refresh-1`", "revoked", &line(issued.line(revoke))]),
        Case::new(
            "refresh_token_valid",
            "a revoked refresh token is refused",
            refused.text(),
        ),
    ]
}

fn iss_match() -> Vec<Case> {
    // A preview invariant: both files say `preview: true`.
    vec![
        Case::new(
            "iss_match",
            "a code from one AS is sent to another's token endpoint",
            include_str!("../flows/iss_match/violated.flow"),
        )
        .fires("iss_match", ISS_MIXUP_LINE)
        .naming(&["`evil_as`", "https://evil.example", "`https://as.example`"]),
        Case::new(
            "iss_match",
            "each code goes to the AS its iss names",
            include_str!("../flows/iss_match/satisfied.flow"),
        ),
    ]
}

fn client_secret_not_in_url() -> Vec<Case> {
    // A preview invariant: both files say `preview: true`.
    vec![
        Case::new(
            "client_secret_not_in_url",
            "the secret in the token endpoint's query string",
            include_str!("../flows/client_secret_not_in_url/violated.flow"),
        )
        .fires("client_secret_not_in_url", SECRET_IN_URL_LINE)
        .naming(&["`be`", "`secret-1`", "query string"]),
        Case::new(
            "client_secret_not_in_url",
            "the secret in the request body",
            include_str!("../flows/client_secret_not_in_url/satisfied.flow"),
        ),
    ]
}

/// The line of `be -> auth_server_be: "POST /token?…"` in
/// flows/client_secret_not_in_url/violated.flow.
const SECRET_IN_URL_LINE: usize = 20;

/// The line of `be -> evil_as: "token request"` in flows/iss_match/violated.flow.
const ISS_MIXUP_LINE: usize = 25;

// ---------------------------------------------------------------------------------------
// The loop.

fn load(text: &str) -> Result<(SourceFile, Flow, Run), String> {
    let file = SourceFile::new("inline.flow", text);
    let flow = parse(&file).map_err(|d| render_diagnostics(&d, &file, false))?;
    let run = execute(&flow, &file).map_err(|d| render_diagnostics(&d, &file, false))?;
    Ok((file, flow, run))
}

/// What is wrong with `case`, if anything.
fn judge(case: &Case) -> Result<(), String> {
    let (file, flow, run) = load(&case.text)?;
    // As `authflow check` judges the file: stable invariants, and the preview ones if the
    // front matter says `preview: true`.
    let verdict = verdict_with(&flow, &run, false, &CheckOptions::default());
    let violations: &[Violation] = &verdict.violations;
    let fired: Vec<(&str, usize)> = violations
        .iter()
        .map(|v| (v.id, file.line_col(v.span.start).0))
        .collect();
    let expected: Vec<(&str, usize)> = case.fired.iter().map(|f| (f.id, f.line)).collect();
    if fired != expected {
        return Err(format!("fired {fired:?}, expected {expected:?}"));
    }
    for (want, got) in case.fired.iter().zip(violations) {
        for needle in &want.needles {
            if !got.message.contains(needle.as_str()) {
                return Err(format!("`{needle}` missing from: {}", got.message));
            }
        }
        if let Some(severity) = want.severity.filter(|s| *s != got.severity) {
            return Err(format!(
                "{} at line {} has severity {:?}, expected {severity:?}",
                want.id, want.line, got.severity
            ));
        }
    }
    // `expect:` is honoured the way the catalogue relies on: listing exactly what fires
    // passes, anything else fails.
    let fired_ids: BTreeSet<&str> = fired.iter().map(|(id, _)| *id).collect();
    match &verdict.expected {
        Some(listed) => {
            let listed: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
            if verdict.passed != (listed == fired_ids) {
                return Err(format!(
                    "expect: {listed:?} with {fired_ids:?} fired, yet passed is {}",
                    verdict.passed
                ));
            }
        }
        None => {
            let ids: Vec<&str> = fired_ids.into_iter().collect();
            let text = with_expectation(&case.text, &ids);
            let (_, flow, run) = load(&text)?;
            if !verdict_with(&flow, &run, false, &CheckOptions::default()).passed {
                return Err(format!("does not pass with `expect: [{}]`", ids.join(", ")));
            }
        }
    }
    Ok(())
}

/// `text` with `expect: [ids]` added to its front matter (or a front matter made for it).
fn with_expectation(text: &str, ids: &[&str]) -> String {
    let expect = format!("expect: [{}]\n", ids.join(", "));
    match text.strip_prefix("---\n") {
        Some(rest) => format!("---\n{expect}{rest}"),
        None => format!("---\n{expect}---\n{text}"),
    }
}

#[test]
fn every_case() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            judge(case)
                .err()
                .map(|e| format!("{} ({}): {e}\n{}", case.about, case.name, case.text))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn every_invariant_has_a_violated_and_a_satisfied_case() {
    let cases = cases();
    for case in &cases {
        assert!(
            INVARIANTS.iter().any(|i| i.id == case.about),
            "case `{}` is about `{}`, which is no invariant",
            case.name,
            case.about
        );
    }
    let mut missing = Vec::new();
    for invariant in INVARIANTS {
        let about: Vec<&Case> = cases.iter().filter(|c| c.about == invariant.id).collect();
        let violated = about.iter().filter(|c| c.violates()).count();
        let satisfied = about.len() - violated;
        if violated == 0 || satisfied == 0 {
            missing.push(format!(
                "{}: {violated} violated, {satisfied} satisfied",
                invariant.id
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// Preview invariants stay out of a plain check, and out of `expect:`, until the file or
/// the command line enables preview.
#[test]
fn preview_invariants_need_preview() {
    let preview: Vec<&str> = INVARIANTS
        .iter()
        .filter(|i| i.status == Status::Preview)
        .map(|i| i.id)
        .collect();
    for case in cases() {
        let Ok((_, _, run)) = load(&case.text) else {
            continue; // `every_case` reports it
        };
        let leaked: Vec<&str> = check_run(&run)
            .iter()
            .map(|v| v.id)
            .filter(|id| preview.contains(id))
            .collect();
        assert!(leaked.is_empty(), "{}: {leaked:?} ran", case.name);
    }
    for id in preview {
        let body = format!("{LOGIN}{REDEEM}");
        let (_, off, _) = load(&format!("---\nexpect: [{id}]\n---\n{body}")).unwrap();
        let problems = validate_expectation(&off);
        assert_eq!(problems.len(), 1, "{id}: {problems:?}");
        assert!(
            problems[0].message.contains("is a preview invariant"),
            "{id}: {problems:?}"
        );
        let (_, on, _) = load(&format!("---\npreview: true\nexpect: [{id}]\n---\n{body}")).unwrap();
        assert!(validate_expectation(&on).is_empty(), "{id}");
    }
}
