//! Lint levels per invariant, as rustc and clippy have them: `allow` drops a finding,
//! `warn` and `deny` make it a warning or an error, and `deny` on the group `warnings`
//! turns every remaining warning into an error. The command line and `authflow.toml`
//! both produce [`Levels`]; [`Levels::over`] layers the more specific over the other.
//!
//! Levels judge findings a file does not expect. An id in the file's `expect:` is the
//! file's own statement of what must fire, so its findings are kept whatever the level:
//! allowing `state_match` must not make a flow that stages login CSRF "miss" its finding.

use std::collections::BTreeMap;

use super::{INVARIANTS, Violation};
use crate::Severity;

/// The group name that `-D warnings` (and `deny = ["warnings"]`) applies to.
pub const WARNINGS: &str = "warnings";

/// What to do with an invariant's findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Drop them (`-A ID`, `allow = [...]`).
    Allow,
    /// Report them as warnings, which do not fail a file (`-W ID`, `warn = [...]`).
    Warn,
    /// Report them as errors, which fail a file (`-D ID`, `deny = [...]`).
    Deny,
}

impl Level {
    /// The word the command line and the config file use (`allow`, `warn`, `deny`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// Levels set for some invariant ids and for the group `warnings`; anything unset keeps
/// the invariant's own severity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Levels {
    by_id: BTreeMap<String, Level>,
}

impl Levels {
    /// No level set: every finding keeps its invariant's severity.
    pub fn new() -> Levels {
        Levels::default()
    }

    /// Only `-D warnings`, or nothing: what the old `deny_warnings` flag meant.
    pub fn deny_warnings(deny: bool) -> Levels {
        let mut levels = Levels::new();
        if deny {
            levels.by_id.insert(WARNINGS.to_string(), Level::Deny);
        }
        levels
    }

    /// Sets `id`'s level (an invariant id or `warnings`). A later
    /// setting of the same id wins, as on rustc's command line. The id must be one of
    /// [`level_ids`]: callers validate first, to point at the mistyped word.
    pub fn set(&mut self, id: &str, level: Level) {
        self.by_id.insert(id.to_string(), level);
    }

    /// The level set for `id`, if any.
    pub fn get(&self, id: &str) -> Option<Level> {
        self.by_id.get(id).copied()
    }

    /// `self` layered over `base`: an id set in both takes `self`'s level. The command
    /// line's levels go over the nearest config file's.
    pub fn over(&self, base: &Levels) -> Levels {
        let mut merged = base.clone();
        merged
            .by_id
            .extend(self.by_id.iter().map(|(k, v)| (k.clone(), *v)));
        merged
    }

    /// Whether warnings fail a file (`-D warnings`).
    pub fn denies_warnings(&self) -> bool {
        self.get(WARNINGS) == Some(Level::Deny)
    }

    /// The severity `violation` has under these levels, or `None` when it is allowed.
    /// A level set for its id decides; then `-D warnings` makes a warning an error.
    pub fn severity_of(&self, violation: &Violation) -> Option<Severity> {
        let severity = match self.get(violation.id) {
            Some(Level::Allow) => return None,
            Some(Level::Warn) => Severity::Warning,
            Some(Level::Deny) => Severity::Error,
            None => violation.severity,
        };
        Some(if self.denies_warnings() {
            Severity::Error
        } else {
            severity
        })
    }

    /// Applies the levels to violations a file does not expect: allowed ones go, the
    /// others take their level's severity.
    pub fn apply(&self, violations: Vec<Violation>) -> Vec<Violation> {
        violations
            .into_iter()
            .filter_map(|mut violation| {
                violation.severity = self.severity_of(&violation)?;
                Some(violation)
            })
            .collect()
    }
}

/// Every id a level can name: the invariants and the group `warnings`. Used to validate
/// and to suggest ("did you mean"). `ambiguous_reading` is not one: it is about a flow's
/// wording, never fails a file, and `as KIND` is how to silence it.
pub fn level_ids() -> impl Iterator<Item = &'static str> {
    INVARIANTS.iter().map(|i| i.id).chain([WARNINGS])
}

/// Checks that `id` can take a level; the error ends with a suggestion when one is close.
pub fn validate_level_id(id: &str) -> Result<(), String> {
    if level_ids().any(|known| known == id) {
        return Ok(());
    }
    let problem = format!("`{id}` is not an invariant id (nor `warnings`)");
    Err(match crate::suggest::hint(id, level_ids()) {
        Some(hint) => format!("{problem}; {hint}"),
        None => problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Span;

    fn violation(id: &'static str, severity: Severity) -> Violation {
        Violation {
            id,
            severity,
            span: Span::default(),
            message: String::new(),
            label: String::new(),
            related: Vec::new(),
            reference: "",
        }
    }

    #[test]
    fn a_level_sets_the_severity_and_allow_drops() {
        let mut levels = Levels::new();
        levels.set("pkce_required", Level::Deny);
        levels.set("state_match", Level::Warn);
        levels.set("code_single_use", Level::Allow);
        let applied = levels.apply(vec![
            violation("pkce_required", Severity::Warning),
            violation("state_match", Severity::Error),
            violation("code_single_use", Severity::Error),
            violation("redirect_uri_equal", Severity::Error),
        ]);
        let got: Vec<_> = applied.iter().map(|v| (v.id, v.severity)).collect();
        assert_eq!(
            got,
            [
                ("pkce_required", Severity::Error),
                ("state_match", Severity::Warning),
                ("redirect_uri_equal", Severity::Error),
            ]
        );
    }

    #[test]
    fn deny_warnings_raises_every_warning_left_but_not_allowed_ones() {
        let mut levels = Levels::deny_warnings(true);
        levels.set("state_single_use", Level::Allow);
        levels.set("state_match", Level::Warn);
        let applied = levels.apply(vec![
            violation("pkce_required", Severity::Warning),
            violation("state_single_use", Severity::Warning),
            violation("state_match", Severity::Error),
        ]);
        let got: Vec<_> = applied.iter().map(|v| (v.id, v.severity)).collect();
        assert_eq!(
            got,
            [
                ("pkce_required", Severity::Error),
                ("state_match", Severity::Error),
            ]
        );
    }

    #[test]
    fn the_layer_on_top_wins_for_ids_set_in_both() {
        let mut config = Levels::new();
        config.set("pkce_required", Level::Deny);
        config.set("state_single_use", Level::Allow);
        let mut command_line = Levels::new();
        command_line.set("pkce_required", Level::Allow);
        let merged = command_line.over(&config);
        assert_eq!(merged.get("pkce_required"), Some(Level::Allow));
        assert_eq!(merged.get("state_single_use"), Some(Level::Allow));
        assert_eq!(merged.get("state_match"), None);
    }

    #[test]
    fn unknown_ids_are_refused_with_a_suggestion() {
        assert!(validate_level_id("warnings").is_ok());
        assert!(validate_level_id("ambiguous_reading").is_err());
        assert_eq!(
            validate_level_id("pkce_requried").unwrap_err(),
            "`pkce_requried` is not an invariant id (nor `warnings`); did you mean `pkce_required`?"
        );
        assert!(
            !validate_level_id("zzz")
                .unwrap_err()
                .contains("did you mean")
        );
    }
}
