#![warn(missing_docs)]

//! authflow: read, run, check and draw OAuth 2.0 authorization code flows.
//!
//! The modules follow the data: [`syntax`] turns text into a [`syntax::Flow`],
//! [`render`] draws it, [`model`] replays it against actor models and [`check`] judges the
//! run against the protocol invariants.

pub mod check;
pub mod diagnostic;
pub mod docs;
pub mod model;
pub mod render;
pub mod span;
pub mod suggest;
pub mod syntax;

pub use diagnostic::{Diagnostic, Severity, render_diagnostics};
pub use span::{SourceFile, Span};
