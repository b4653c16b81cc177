//! Text to syntax tree: the flow language's parser and its canonical printer.

pub mod ast;

pub use ast::*;
pub mod format;
pub mod fragments;
pub mod front_matter;
pub mod parser;

pub use front_matter::FrontMatter;
pub use parser::{parse, parse_bytes};
