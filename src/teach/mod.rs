//! The teaching view: a flow stepped through message by message, with what every party
//! knows and stores at each step and where the rules break.
//!
//! It sits beside `check`, not in `model/`: it reads the run's facts (`knowledge.rs`,
//! `state.rs`) and also shows `check`'s findings at their steps (`lesson.rs`), which the
//! model must never do. A flow with fragments is taught one path at a time (`path.rs`).
//! `html.rs` writes the whole of it as one self-contained page.

pub mod html;
pub mod knowledge;
pub mod lesson;
pub mod path;
pub mod state;

pub use html::render_html;
pub use knowledge::{KnowledgeTable, Known, attackers};
pub use lesson::Lesson;
pub use path::teaching_path;
