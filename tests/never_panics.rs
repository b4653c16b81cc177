//! Whatever the input, the pipeline answers with a flow or diagnostics: it never panics.
//! Inputs are drawn from the language's own tokens so that most of them get deep into
//! the parser, the models and the renderer instead of failing on the first byte.

use authflow::check::paths::verdict_paths;
use authflow::render::{
    Diagram, Mark, TextStyle, render_mermaid, render_svg, render_text_to_string,
};
use authflow::syntax::parse_bytes;
use authflow::{SourceFile, render_diagnostics};
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "fe",
    "be",
    "auth_server_fe",
    "auth_server_be",
    "rs",
    "attacker",
    "\"Resource Owner\"",
    "x",
    "клиент",
    "認可",
    " -> ",
    "->",
    ": ",
    ":",
    "\"",
    "\"code\"",
    "\"redirect\"",
    "\"access token\"",
    "\"deny\"",
    "\"invalid_grant\"",
    "\"wrong password\"",
    "\"\"",
    "{",
    "}",
    ", ",
    "state: ",
    "code: ",
    "none",
    "\"forged\"",
    "code-1",
    "token-1",
    "redirect_uri: ",
    "code_verifier: ",
    "client_secret: ",
    "access_token: ",
    " as ",
    "callback",
    "token_request",
    "participant ",
    "wait ",
    "11m",
    "2h",
    "#",
    "\n",
    "\n",
    "\n",
    " ",
    "\t",
    "\\",
    "\u{202E}",
    "\u{7}",
    "é",
    "🦀",
    "---\n",
    "expect: [state_match]\n",
    "client: { type: public }\n",
    "as client",
    "as attacker",
    "note over ",
    "note left of ",
    "note right of ",
    "\"a\\nb\"",
    "alt ",
    "opt\n",
    "loop 3 ",
    "else\n",
    "end\n",
    "end\n",
    "autonumber\n",
    "box \"Client\" ",
];

fn flow_text() -> impl Strategy<Value = Vec<u8>> {
    let token = prop::sample::select(TOKENS).prop_map(|t| t.as_bytes().to_vec());
    let byte = any::<u8>().prop_map(|b| vec![b]);
    prop::collection::vec(prop_oneof![9 => token, 1 => byte], 0..80)
        .prop_map(|parts| parts.concat())
}

fn whole_pipeline(bytes: &[u8]) {
    let (file, flow) = parse_bytes("fuzz.flow", bytes);
    match flow {
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            let text = render_diagnostics(&diagnostics, &file, false);
            assert!(text.contains("fuzz.flow:"), "{text}");
        }
        Ok(flow) => {
            let mut diagram = Diagram::from_flow(&flow)
                .numbered(&flow, &file)
                .titled(&flow);
            // Columns follow the flow's participant order, shown by their display text.
            let shown: Vec<&str> = flow
                .participant_order()
                .into_iter()
                .map(|name| {
                    flow.participants()
                        .filter(|p| p.name.text == name)
                        .find_map(|p| p.display.as_ref().map(|d| d.text.as_str()))
                        .unwrap_or(name)
                })
                .collect();
            assert_eq!(diagram.participants, shown);
            for style in [
                TextStyle::default(),
                TextStyle {
                    ascii: true,
                    trim: true,
                },
            ] {
                render_text_to_string(&diagram, style);
            }
            let mut sink = Vec::new();
            render_svg(&diagram, &mut sink).unwrap();
            render_mermaid(&diagram, &flow.participant_order(), &mut sink).unwrap();
            match verdict_paths(&flow, &file, &Default::default(), &Default::default()) {
                Ok(verdict) => {
                    let diagnostics: Vec<_> = verdict
                        .violations
                        .iter()
                        .map(|v| v.to_diagnostic())
                        .collect();
                    render_diagnostics(&diagnostics, &file, false);
                    // Marks on arrows that may or may not exist.
                    diagram.marks = verdict
                        .violations
                        .iter()
                        .enumerate()
                        .map(|(i, v)| Mark {
                            arrow: i * 3,
                            id: v.id,
                            severity: v.severity,
                            line: i,
                            message: &v.message,
                        })
                        .collect();
                    render_text_to_string(&diagram, TextStyle::default());
                    render_svg(&diagram, &mut sink).unwrap();
                    render_mermaid(&diagram, &[], &mut sink).unwrap();
                }
                Err(diagnostics) => {
                    assert!(!diagnostics.is_empty());
                    render_diagnostics(&diagnostics, &file, false);
                }
            }
        }
    }
    let _ = SourceFile::new("fuzz.flow", String::from_utf8_lossy(bytes)).line_col(bytes.len());
}

/// Well-formed messages among the default cast, with random labels, kinds and
/// overrides: these exercise the classifier and every actor model.
fn message_lines() -> impl Strategy<Value = Vec<u8>> {
    let name = prop::sample::select(
        &[
            "fe",
            "be",
            "auth_server_fe",
            "auth_server_be",
            "rs",
            "attacker",
        ][..],
    );
    let label = prop::sample::select(
        &[
            "redirect",
            "code",
            "",
            "login",
            "deny",
            "verify",
            "request token",
            "access token",
            "invalid_grant",
            "response",
            "wrong password",
            "leak code",
        ][..],
    );
    let kind = prop::sample::select(
        &[
            "",
            " as callback",
            " as token_request",
            " as authorization_response",
            " as login",
            " as api_request",
        ][..],
    );
    let param = prop::sample::select(
        &[
            "",
            " { state: \"forged\" }",
            " { code: code-1 }",
            " { code_verifier: none }",
            " { access_token: token-1 }",
            " { redirect_uri: \"https://evil.example/cb\" }",
            " { client_id: client-9, client_secret: none }",
            " { scope: \"profile admin\" }",
            " { response_type: token }",
        ][..],
    );
    let line = (name.clone(), name, label, kind, param)
        .prop_map(|(a, b, l, k, p)| format!("{a} -> {b}: \"{l}\"{k}{p}\n"));
    let wait = prop::sample::select(&["wait 11m\n", "wait 2h\n"][..]).prop_map(str::to_string);
    prop::collection::vec(prop_oneof![12 => line, 1 => wait], 0..40)
        .prop_map(|lines| lines.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn never_panics(bytes in flow_text()) {
        whole_pipeline(&bytes);
    }

    #[test]
    fn models_never_panic(bytes in message_lines()) {
        whole_pipeline(&bytes);
    }
}
