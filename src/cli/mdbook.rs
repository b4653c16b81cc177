//! `authflow mdbook`: an mdBook preprocessor, so a book's `authflow` blocks get their
//! diagrams at build time, drawn as `authflow docs` draws them. In `book.toml`:
//!
//! ```toml
//! [preprocessor.authflow]
//! command = "authflow mdbook"
//! ```
//!
//! mdBook's protocol: `authflow mdbook supports RENDERER` answers by exit code whether it
//! can work for that renderer (it can for all: it only edits Markdown); then `authflow
//! mdbook` reads `[context, book]` as JSON on standard input and writes the book back on
//! standard output. The book is walked as JSON, not through mdBook's types: every
//! `{"Chapter": {...}}` has its `content` redrawn and its `sub_items` walked, which is
//! the same in mdBook 0.4 (`sections`) and 0.5 (`items`), and keeps every other field as
//! it came, whatever a later mdBook adds.

use std::io::Read;

use authflow::docs::update_markdown;
use serde_json::Value;

use super::{Outcome, stderr_color, write_stdout};

/// `supports RENDERER`: every renderer is fine.
pub fn supports(_renderer: &str) -> Outcome {
    Outcome::Success
}

pub fn run() -> Outcome {
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        super::print_error(&format!("cannot read mdBook's input: {error}"));
        return Outcome::InputError;
    }
    let book = match preprocess(&input) {
        Ok(book) => book,
        Err(message) => {
            super::print_stderr(&message);
            return Outcome::InputError;
        }
    };
    write_stdout(&book)
}

/// The book of `input` (mdBook's `[context, book]`) with its diagrams drawn, as JSON; or
/// every problem found, ready to print (flow blocks that do not parse, with their
/// chapter's path, line and caret).
pub fn preprocess(input: &str) -> Result<String, String> {
    let parsed: Value = serde_json::from_str(input)
        .map_err(|e| format!("error: mdBook's input is not JSON: {e}\n"))?;
    let Value::Array(mut pair) = parsed else {
        return Err("error: mdBook's input is not a `[context, book]` array\n".to_string());
    };
    if pair.len() != 2 {
        return Err("error: mdBook's input is not a `[context, book]` array\n".to_string());
    }
    let mut book = pair.pop().unwrap_or_default();
    let mut problems = String::new();
    draw_diagrams(&mut book, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    serde_json::to_string(&book).map_err(|e| format!("error: cannot write the book: {e}\n"))
}

/// Walks any JSON value for chapters; mdBook nests them under `items`/`sections` and each
/// chapter's `sub_items`.
fn draw_diagrams(value: &mut Value, problems: &mut String) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Object(chapter)) = object.get_mut("Chapter") {
                redraw_chapter(chapter, problems);
            }
            for (key, child) in object.iter_mut() {
                if key != "content" {
                    draw_diagrams(child, problems);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| draw_diagrams(v, problems)),
        _ => {}
    }
}

fn redraw_chapter(chapter: &mut serde_json::Map<String, Value>, problems: &mut String) {
    // Diagnostics name the chapter's source file, relative to the book's `src`.
    let name = chapter
        .get("source_path")
        .or_else(|| chapter.get("path"))
        .and_then(Value::as_str)
        .or_else(|| chapter.get("name").and_then(Value::as_str))
        .unwrap_or("<chapter>")
        .to_string();
    let Some(Value::String(content)) = chapter.get_mut("content") else {
        return;
    };
    match update_markdown(&name, content) {
        Ok(update) => *content = update.text,
        Err(error) => problems.push_str(&error.render(stderr_color())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book(content: &str) -> String {
        serde_json::json!([
            {"root": "/book", "renderer": "html", "mdbook_version": "0.5.4", "config": {}},
            {"items": [
                {"Chapter": {"name": "Intro", "content": content, "source_path": "intro.md",
                    "sub_items": [{"Chapter": {"name": "Nested", "content": content,
                        "source_path": "nested.md", "sub_items": []}}]}},
                "Separator"
            ]}
        ])
        .to_string()
    }

    #[test]
    fn chapters_and_sub_chapters_get_their_diagrams() {
        let out = preprocess(&book("# Flow\n\n```authflow\nfe -> be: \"hi\"\n```\n")).unwrap();
        let out: Value = serde_json::from_str(&out).unwrap();
        let intro = out["items"][0]["Chapter"]["content"].as_str().unwrap();
        assert!(
            intro.contains("```authflow\nfe -> be: \"hi\"\n```\n\n```txt\n┌────┐"),
            "{intro}"
        );
        let nested = out["items"][0]["Chapter"]["sub_items"][0]["Chapter"]["content"]
            .as_str()
            .unwrap();
        assert_eq!(nested, intro);
        assert_eq!(out["items"][1], "Separator");
    }

    #[test]
    fn a_broken_flow_names_the_chapter_line_and_caret() {
        let error = preprocess(&book("text\n\n```authflow\nfe be\n```\n")).unwrap_err();
        assert!(error.contains("intro.md:4:4"), "{error}");
        assert!(error.contains("nested.md:4:4"), "{error}");
    }

    #[test]
    fn input_that_is_not_mdbooks_is_refused() {
        assert!(preprocess("{").unwrap_err().contains("not JSON"));
        assert!(preprocess("[1]").unwrap_err().contains("[context, book]"));
    }
}
