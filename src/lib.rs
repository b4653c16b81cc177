#![warn(missing_docs)]

//! authflow: read, run, check and draw OAuth 2.0 authorization code flows.
//!
//! The modules follow the data: [`syntax`] turns text into a [`syntax::Flow`],
//! [`render`] draws it, [`model`] replays it against actor models and [`check`] judges the
//! run against the protocol invariants.
//!
//! # Example
//!
//! The first ten lines of the seed flow (`flows/authorization_code.flow`): read, replayed,
//! checked and drawn.
//!
//! ```
//! use authflow::check::check_run;
//! use authflow::model::{StepKind, execute, vocab::Key};
//! use authflow::render::{Diagram, TextStyle, render_text_to_string};
//! use authflow::syntax::parse;
//! use authflow::{Severity, SourceFile, render_diagnostics};
//!
//! let text = r#"fe -> fe: "click"
//! fe -> auth_server_be: "redirect"
//! auth_server_be -> auth_server_fe: "redirect"
//! auth_server_fe -> auth_server_fe: "enter "
//! auth_server_fe -> auth_server_be: "login, permission"
//! auth_server_be -> auth_server_be: "verify"
//! auth_server_be -> fe: "code"
//! fe -> be: ""
//! be -> auth_server_be: "request token"
//! auth_server_be -> fe: "access token"
//! "#;
//! let file = SourceFile::new("seed.flow", text);
//! let flow = parse(&file).expect("the flow parses");
//!
//! // The replay reads every message as a protocol step, from its label and from what the
//! // actors hold, and fills in the parameters a correct sender would send.
//! let run = execute(&flow, &file).expect("the seed's participants bind to roles");
//! assert_eq!(run.steps[1].kind, StepKind::AuthorizationRequest); // line 2
//! assert_eq!(run.steps[6].kind, StepKind::AuthorizationResponse); // line 7
//! let token_request = &run.steps[8]; // line 9
//! assert_eq!(token_request.kind, StepKind::TokenRequest);
//! assert_eq!(token_request.params.get(Key::Code), Some("code-1"));
//! assert_eq!(&*run.redemptions[0].requester, "be");
//!
//! // No rule is broken outright, but the client sends no PKCE challenge (line 2) and the
//! // token response goes to `fe`, not to `be`, which asked for it (line 10).
//! let violations = check_run(&run);
//! let fired: Vec<_> = violations.iter().map(|v| (v.id, v.severity)).collect();
//! assert_eq!(
//!     fired,
//!     [
//!         ("pkce_required", Severity::Warning),
//!         ("token_response_to_requester", Severity::Warning),
//!     ]
//! );
//! let diagnostics: Vec<_> = violations.iter().map(|v| v.to_diagnostic()).collect();
//! let report = render_diagnostics(&diagnostics, &file, false);
//! assert!(report.contains("warning[token_response_to_requester]"));
//! assert!(report.contains("--> seed.flow:10:1"));
//!
//! // The box diagram: one column per participant, in order of first appearance.
//! let diagram = render_text_to_string(&Diagram::from_flow(&flow), TextStyle::default());
//! let boxes = diagram.lines().nth(1).expect("a row of participant boxes");
//! assert_eq!(
//!     boxes.split('│').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>(),
//!     ["fe", "auth_server_be", "auth_server_fe", "be"]
//! );
//! assert!(diagram.contains("request token"));
//! ```

pub mod check;
pub mod config;
pub mod diagnostic;
pub mod docs;
pub mod live;
pub mod model;
pub mod render;
pub mod sanitize;
pub mod span;
pub mod suggest;
pub mod syntax;
pub mod teach;

pub use diagnostic::{Diagnostic, Severity, render_diagnostics};
pub use span::{SourceFile, Span};
