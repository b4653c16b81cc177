//! Which messages a teaching page steps through. A page follows one run, message by
//! message; a flow with `alt`/`opt`/`loop` fragments has several runs, one per path (as
//! `check` replays them), so a page shows one path, drawn without the frames of the others.

use crate::syntax::fragments::{has_fragments, paths};
use std::borrow::Cow;

use crate::syntax::{Flow, Statement};
use crate::{Diagnostic, Span};

/// The flow to step through: `flow` itself when it has no fragments, else its path
/// `which` (1-based), with a sentence naming the path among all of them.
pub fn teaching_path(
    flow: &Flow,
    which: usize,
) -> Result<(Cow<'_, Flow>, Option<String>), Vec<Diagnostic>> {
    if !has_fragments(flow) {
        return Ok((Cow::Borrowed(flow), None));
    }
    let all = paths(flow)?;
    let Some(path) = which.checked_sub(1).and_then(|i| all.get(i)) else {
        let first_fragment = flow
            .statements()
            .find(|s| matches!(s, Statement::FragmentStart(_)))
            .map_or(Span::default(), Statement::span);
        return Err(vec![
            Diagnostic::error(
                format!(
                    "there is no path {which}: the flow's fragments give {} path(s)",
                    all.len()
                ),
                first_fragment,
            )
            .with_label("the paths start here")
            .with_note(
                "help: `--path` counts from 1, in the order `authflow trace` lists the paths",
            ),
        ]);
    };
    let about = format!(
        "path {which} of {} through the flow's fragments: {}",
        all.len(),
        path.describe()
    );
    Ok((Cow::Owned(path.flow(flow)), Some(about)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFile;
    use crate::syntax::parse;

    const ALT: &str = "fe -> be: \"start\"\nalt \"ok\"\n  be -> fe: \"yes\"\nelse \"no\"\n  be -> fe: \"no\"\n  be -> fe: \"really no\"\nend\n";

    #[test]
    fn a_page_follows_one_path_at_a_time() {
        let file = SourceFile::new("alt.flow", ALT);
        let flow = parse(&file).unwrap();
        let (first, about) = teaching_path(&flow, 1).unwrap();
        let labels: Vec<&str> = first.messages().map(|m| m.label.text.as_str()).collect();
        assert_eq!(labels, ["start", "yes"]);
        assert_eq!(
            about.as_deref(),
            Some("path 1 of 2 through the flow's fragments: alt \"ok\"")
        );
        let (second, _) = teaching_path(&flow, 2).unwrap();
        let labels: Vec<&str> = second.messages().map(|m| m.label.text.as_str()).collect();
        assert_eq!(labels, ["start", "no", "really no"]);
        assert!(teaching_path(&flow, 3).is_err());
        assert!(teaching_path(&flow, 0).is_err());
    }

    #[test]
    fn a_flow_without_fragments_is_its_own_path() {
        let file = SourceFile::new("plain.flow", "fe -> be: \"start\"\n");
        let flow = parse(&file).unwrap();
        let (same, about) = teaching_path(&flow, 1).unwrap();
        assert!(matches!(same, Cow::Borrowed(_)));
        assert_eq!(*same, flow);
        assert_eq!(about, None);
    }
}
