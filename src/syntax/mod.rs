//! Text to syntax tree: the flow language's parser, spans and diagnostics.

pub mod ast;
pub mod span;

pub use ast::*;
pub use span::{SourceFile, Span};
