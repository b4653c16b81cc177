//! One test per invariant of the first half of the catalogue (client- and AS-side checks
//! on codes, state and redirect URIs): an inline flow that violates it and one that
//! satisfies it, asserting exactly which invariants fire, on which line, and that the
//! explanation names the values involved.

use authflow::check::{Violation, check_run, verdict};
use authflow::model::execute;
use authflow::syntax::parse;
use authflow::{SourceFile, render_diagnostics};

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

/// A PKCE client, so that `pkce_required` stays quiet; the front matter takes 4 lines.
const PKCE: &str = "---\nclient: { pkce: true }\nexpect: []\n---\n";

/// The violations of `text`, as (id, 1-based line), in source order.
fn check(text: &str) -> Vec<Violation> {
    let file = SourceFile::new("inline.flow", text);
    let flow = parse(&file).unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
    let run = execute(&flow, &file)
        .unwrap_or_else(|d| panic!("{}", render_diagnostics(&d, &file, false)));
    check_run(&run)
}

fn fired(text: &str) -> Vec<(&'static str, usize)> {
    let file = SourceFile::new("inline.flow", text);
    check(text)
        .iter()
        .map(|v| (v.id, file.line_col(v.span.start).0))
        .collect()
}

/// The message of the one violation of `id` in `text`.
fn message(text: &str, id: &str) -> String {
    let violations: Vec<Violation> = check(text).into_iter().filter(|v| v.id == id).collect();
    assert_eq!(violations.len(), 1, "{violations:?}");
    violations[0].message.clone()
}

/// `expect:` in the front matter is honoured the way the catalogue relies on.
fn passes(text: &str) -> bool {
    let file = SourceFile::new("inline.flow", text);
    let flow = parse(&file).unwrap();
    let run = execute(&flow, &file).unwrap();
    verdict(&flow, &run, false).passed
}

fn flow(front: &str, body: &str) -> String {
    format!("{front}{body}")
}

#[test]
fn state_match_forged_state_redeemed_vs_rejected() {
    let forged = LOGIN.replace(r#"fe: "code""#, r#"fe: "code" { state: "forged" }"#);
    let violated = flow(
        PKCE,
        &format!(
            "{forged}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&violated), [("state_match", 13)]);
    let text = message(&violated, "state_match");
    assert!(
        text.contains("`forged`") && text.contains("`state-1`"),
        "{text}"
    );
    assert!(text.contains("line 12"), "{text}");

    // The client compares the states and refuses: nothing is redeemed.
    let satisfied = flow(
        PKCE,
        &format!("{forged}be -> fe: \"error: state mismatch\"\n"),
    );
    assert_eq!(fired(&satisfied), []);
    assert!(passes(&satisfied));

    // Without a state but with PKCE the client relies on PKCE (RFC 9700 §4.7.1)...
    let pkce_only = LOGIN.replace(
        r#"fe -> auth_server_be: "redirect""#,
        r#"fe -> auth_server_be: "redirect" { state: none }"#,
    );
    let satisfied = flow(
        PKCE,
        &format!(
            "{pkce_only}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&satisfied), []);
    // ...and without either it has no CSRF protection at all.
    let neither = flow(
        "---\nclient: { pkce: false }\n---\n",
        &format!(
            "{pkce_only}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&neither), [("pkce_required", 5), ("state_match", 12)]);
}

#[test]
fn state_match_missing_state_in_the_response() {
    let missing = LOGIN.replace(r#"fe: "code""#, r#"fe: "code" { state: none }"#);
    let violated = format!("{missing}be -> auth_server_be: \"request token\"\n");
    // Without front matter: the seed's client, no PKCE (a warning at line 2).
    let text = format!("{violated}auth_server_be -> be: \"access token\"\n");
    assert_eq!(fired(&text), [("pkce_required", 2), ("state_match", 9)]);
    assert!(message(&text, "state_match").contains("carried no state"));
}

#[test]
fn code_single_use_replay_issued_vs_refused() {
    let redeem =
        "be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n";
    let violated = flow(PKCE, &format!("{LOGIN}{redeem}{redeem}"));
    assert_eq!(fired(&violated), [("code_single_use", 16)]);
    let text = message(&violated, "code_single_use");
    assert!(
        text.contains("`code-1`") && text.contains("line 13"),
        "{text}"
    );

    let satisfied = flow(
        PKCE,
        &format!(
            "{LOGIN}{redeem}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"invalid_grant\"\n"
        ),
    );
    assert_eq!(fired(&satisfied), []);

    // The wrong refusal is a warning that names the right error.
    let wrong = flow(
        PKCE,
        &format!(
            "{LOGIN}{redeem}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"invalid_request\"\n"
        ),
    );
    assert_eq!(fired(&wrong), [("code_single_use", 16)]);
    assert!(message(&wrong, "code_single_use").contains("`invalid_grant`"));
}

#[test]
fn code_single_use_ignores_an_earlier_refused_attempt() {
    // Another client's attempt was refused: the owner's redemption afterwards is the first.
    let text = format!(
        "---\nclient: {{ pkce: true }}\nclients: [{{ id: other, secret: other-secret }}]\n---\n\
         {LOGIN}fe -> attacker: \"callback URL\" as leak\n\
         attacker -> auth_server_be: \"request token\" {{ client_id: other, client_secret: other-secret }}\n\
         auth_server_be -> attacker: \"invalid_grant\"\n\
         be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n"
    );
    assert_eq!(fired(&text), []);
}

#[test]
fn redirect_uri_equal_mismatch_issued_vs_refused() {
    let request =
        "be -> auth_server_be: \"request token\" { redirect_uri: \"https://evil.example/cb\" }\n";
    let violated = flow(
        PKCE,
        &format!("{LOGIN}{request}auth_server_be -> be: \"access token\"\n"),
    );
    assert_eq!(fired(&violated), [("redirect_uri_equal", 14)]);
    let text = message(&violated, "redirect_uri_equal");
    assert!(
        text.contains("`https://evil.example/cb`")
            && text.contains("`https://client.example/callback`")
            && text.contains("line 13")
            && text.contains("line 6"),
        "{text}"
    );

    let satisfied = flow(
        PKCE,
        &format!("{LOGIN}{request}auth_server_be -> be: \"invalid_grant\"\n"),
    );
    assert_eq!(fired(&satisfied), []);

    let missing = flow(
        PKCE,
        &format!(
            "{LOGIN}be -> auth_server_be: \"request token\" {{ redirect_uri: none }}\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&missing), [("redirect_uri_equal", 14)]);
    assert!(message(&missing, "redirect_uri_equal").contains("no redirect_uri"));
}

#[test]
fn redirect_uri_registered_login_page_vs_error_page() {
    let request = r#"fe -> auth_server_be: "redirect" { redirect_uri: "https://client.example.evil.example/cb" }"#;
    let violated = flow(
        PKCE,
        &format!(
            "fe -> fe: \"click\"\n{request}\nauth_server_be -> auth_server_fe: \"redirect\"\n"
        ),
    );
    // Reported where the AS goes on: the login page.
    assert_eq!(fired(&violated), [("redirect_uri_registered", 7)]);
    let text = message(&violated, "redirect_uri_registered");
    assert!(
        text.contains("`https://client.example.evil.example/cb`")
            && text.contains("https://client.example/callback")
            && text.contains("line 6"),
        "{text}"
    );

    let satisfied = flow(
        PKCE,
        &format!(
            "fe -> fe: \"click\"\n{request}\nauth_server_be -> fe: \"error page: invalid redirect_uri\"\n"
        ),
    );
    assert_eq!(fired(&satisfied), []);

    // The registered URI itself is fine all the way through.
    let registered = flow(
        PKCE,
        &format!(
            "{LOGIN}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&registered), []);
}

#[test]
fn code_bound_to_client_other_client_issued_vs_refused() {
    let front = "---\nclient: { pkce: true }\nclients: [{ id: attacker-app, secret: attacker-secret }]\n---\n";
    let steal = "fe -> attacker: \"callback URL\" as leak\n\
                 attacker -> auth_server_be: \"request token\" { client_id: attacker-app, client_secret: attacker-secret, code_verifier: none }\n";
    // PKCE would stop the attacker too; the AS here checks neither.
    let violated = flow(
        front,
        &format!("{LOGIN}{steal}auth_server_be -> attacker: \"access token\"\n"),
    );
    assert_eq!(
        fired(&violated),
        [("code_bound_to_client", 15), ("pkce_verifier_match", 15)]
    );
    let text = message(&violated, "code_bound_to_client");
    assert!(
        text.contains("`attacker-app`") && text.contains("`client-1`") && text.contains("line 11"),
        "{text}"
    );

    let satisfied = flow(
        front,
        &format!("{LOGIN}{steal}auth_server_be -> attacker: \"invalid_grant\"\n"),
    );
    assert_eq!(fired(&satisfied), []);

    // Refused, but with an error that does not say the grant belongs to another client.
    let wrong = flow(
        front,
        &format!("{LOGIN}{steal}auth_server_be -> attacker: \"unauthorized_client\"\n"),
    );
    // Both checks the AS skipped say which error it owed.
    assert_eq!(
        fired(&wrong),
        [("code_bound_to_client", 15), ("pkce_verifier_match", 15)]
    );
    assert!(message(&wrong, "code_bound_to_client").contains("`invalid_grant`"));
}

#[test]
fn client_authenticated_no_secret_issued_vs_refused() {
    let request = "be -> auth_server_be: \"request token\" { client_secret: none }\n";
    let violated = flow(
        PKCE,
        &format!("{LOGIN}{request}auth_server_be -> be: \"access token\"\n"),
    );
    assert_eq!(fired(&violated), [("client_authenticated", 14)]);
    let text = message(&violated, "client_authenticated");
    assert!(
        text.contains("`client-1`")
            && text.contains("no client secret")
            && text.contains("line 13"),
        "{text}"
    );

    let satisfied = flow(
        PKCE,
        &format!("{LOGIN}{request}auth_server_be -> be: \"401 invalid_client\"\n"),
    );
    assert_eq!(fired(&satisfied), []);

    let wrong_secret = flow(
        PKCE,
        &format!(
            "{LOGIN}be -> auth_server_be: \"request token\" {{ client_secret: old-secret }}\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&wrong_secret), [("client_authenticated", 14)]);
    assert!(message(&wrong_secret, "client_authenticated").contains("`old-secret`"));

    // A public client has no secret to present.
    let public = flow(
        "---\nclient: { type: public, pkce: true }\n---\n",
        &format!(
            "{LOGIN}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&public), []);
}

#[test]
fn consent_before_code_failed_login_vs_retry() {
    let head = "fe -> fe: \"click\"\nfe -> auth_server_be: \"redirect\"\nauth_server_be -> auth_server_fe: \"redirect\"\n\
                auth_server_fe -> auth_server_fe: \"enter wrong password\"\nauth_server_fe -> auth_server_be: \"login, permission\"\n\
                auth_server_be -> auth_server_be: \"verify\"\n";
    let violated = flow(
        PKCE,
        &format!("{head}auth_server_be -> fe: \"code\" as authorization_response\n"),
    );
    assert_eq!(fired(&violated), [("consent_before_code", 11)]);
    let text = message(&violated, "consent_before_code");
    assert!(
        text.contains("`code-1`") && text.contains("line 9") && text.contains("line 6"),
        "{text}"
    );

    let satisfied = flow(
        PKCE,
        &format!(
            "{head}auth_server_be -> auth_server_fe: \"try again\"\nauth_server_fe -> auth_server_fe: \"enter \"\n\
             auth_server_fe -> auth_server_be: \"login, permission\"\nauth_server_be -> auth_server_be: \"verify\"\n\
             auth_server_be -> fe: \"code\"\n"
        ),
    );
    assert_eq!(fired(&satisfied), []);

    // No login at all.
    let skipped = flow(
        PKCE,
        "fe -> fe: \"click\"\nfe -> auth_server_be: \"redirect\"\nauth_server_be -> fe: \"code\" as authorization_response\n",
    );
    assert_eq!(fired(&skipped), [("consent_before_code", 7)]);
    assert!(message(&skipped, "consent_before_code").contains("never logged in"));
}

#[test]
fn denied_no_code_code_vs_access_denied() {
    let head = "fe -> fe: \"click\"\nfe -> auth_server_be: \"redirect\"\nauth_server_be -> auth_server_fe: \"redirect\"\n\
                auth_server_fe -> auth_server_fe: \"enter \"\nauth_server_fe -> auth_server_be: \"deny\"\n";
    let violated = flow(
        PKCE,
        &format!("{head}auth_server_be -> fe: \"code\" {{ code: code-1, error: none }}\n"),
    );
    assert_eq!(fired(&violated), [("denied_no_code", 10)]);
    let text = message(&violated, "denied_no_code");
    assert!(
        text.contains("line 9") && text.contains("`code-1`"),
        "{text}"
    );

    // The model's AS answers a denial with access_denied by itself.
    let satisfied = flow(
        PKCE,
        &format!("{head}auth_server_be -> fe: \"error=access_denied\"\nfe -> be: \"\"\n"),
    );
    assert_eq!(fired(&satisfied), []);

    let wrong = flow(
        PKCE,
        &format!("{head}auth_server_be -> fe: \"error\" {{ error: server_error }}\n"),
    );
    assert_eq!(fired(&wrong), [("denied_no_code", 10)]);
    assert!(message(&wrong, "denied_no_code").contains("`error=server_error`"));
}

#[test]
fn code_lifetime_expired_issued_vs_refused() {
    let late = format!("{LOGIN}wait 11m\nbe -> auth_server_be: \"request token\"\n");
    let violated = flow(
        PKCE,
        &format!("{late}auth_server_be -> be: \"access token\"\n"),
    );
    assert_eq!(fired(&violated), [("code_lifetime", 15)]);
    let text = message(&violated, "code_lifetime");
    assert!(
        text.contains("`code-1`")
            && text.contains("11m old")
            && text.contains("10m")
            && text.contains("line 11"),
        "{text}"
    );

    let satisfied = flow(
        PKCE,
        &format!("{late}auth_server_be -> be: \"invalid_grant\"\n"),
    );
    assert_eq!(fired(&satisfied), []);

    // A longer configured lifetime accepts the same delay.
    let longer = flow(
        "---\nclient: { pkce: true }\ncode_lifetime: 15m\n---\n",
        &format!("{late}auth_server_be -> be: \"access token\"\n"),
    );
    assert_eq!(fired(&longer), []);

    let wrong = flow(
        PKCE,
        &format!("{late}auth_server_be -> be: \"invalid_request\"\n"),
    );
    assert_eq!(fired(&wrong), [("code_lifetime", 15)]);
}

#[test]
fn pkce_verifier_match_wrong_verifier_issued_vs_refused() {
    let request = "be -> auth_server_be: \"request token\" { code_verifier: \"not-the-verifier-of-this-session-0123456789ab\" }\n";
    let violated = flow(
        PKCE,
        &format!("{LOGIN}{request}auth_server_be -> be: \"access token\"\n"),
    );
    assert_eq!(fired(&violated), [("pkce_verifier_match", 14)]);
    let text = message(&violated, "pkce_verifier_match");
    let challenge = authflow::model::s256("verifier-1-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    assert!(
        text.contains(&format!("`{challenge}`"))
            && text.contains(&authflow::model::s256(
                "not-the-verifier-of-this-session-0123456789ab"
            ))
            && text.contains("line 6")
            && text.contains("line 13"),
        "{text}"
    );

    let satisfied = flow(
        PKCE,
        &format!("{LOGIN}{request}auth_server_be -> be: \"invalid_grant\"\n"),
    );
    assert_eq!(fired(&satisfied), []);

    // The client's own verifier matches.
    let own = flow(
        PKCE,
        &format!(
            "{LOGIN}be -> auth_server_be: \"request token\"\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&own), []);

    let missing = flow(
        PKCE,
        &format!(
            "{LOGIN}be -> auth_server_be: \"request token\" {{ code_verifier: none }}\nauth_server_be -> be: \"access token\"\n"
        ),
    );
    assert_eq!(fired(&missing), [("pkce_verifier_match", 14)]);
    assert!(message(&missing, "pkce_verifier_match").contains("no code_verifier"));
}
