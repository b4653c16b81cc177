//! Text to syntax tree: the flow language's parser, spans and diagnostics.

pub mod ast;
pub mod span;

pub use ast::*;
pub use span::{SourceFile, Span};
pub mod diagnostic;
pub mod format;
pub mod front_matter;
pub mod parser;

pub use diagnostic::{Diagnostic, Severity, render_diagnostics};
pub use front_matter::FrontMatter;
pub use parser::{parse, parse_bytes};
