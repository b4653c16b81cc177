//! `authflow.toml`: the settings a team keeps beside its flows, found by walking up from
//! each checked file (as rustfmt and ruff find theirs), so a directory of flow variants can
//! carry its own policy.
//!
//! ```toml
//! [check]
//! deny = ["pkce_required"]      # these findings are errors
//! warn = ["state_match"]        # these are warnings (they do not fail a file)
//! allow = ["state_single_use"]  # these are not reported
//! preview = false               # run the preview invariants too
//!
//! [world]                       # defaults for every flow's front matter
//! pkce = "required"
//! code_lifetime = "1m"
//! ```
//!
//! Precedence, most specific first: the command line (`-A`/`-W`/`-D`, `--preview`), then
//! the nearest `authflow.toml`, then the invariants' own severities. A flow's front matter
//! beats `[world]`, which beats the built-in world. Unknown keys and ids are errors with a
//! "did you mean", pointing into the file like any other input error.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::check::levels::{Level, Levels, validate_level_id};
use crate::model::world::{PkcePolicy, World};
use crate::syntax::Flow;
use crate::syntax::ast::FrontMatterBlock;
use crate::syntax::front_matter::FrontMatter;
use crate::{Diagnostic, SourceFile, Span};

/// The file name looked for in each directory from a flow's up to the root.
pub const CONFIG_FILE: &str = "authflow.toml";

/// The settings of one `authflow.toml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Levels per invariant id (and `warnings`) from `[check]`.
    pub levels: Levels,
    /// `[check] preview = true`: run the preview invariants on the flows it governs.
    pub preview: bool,
    /// `[world]`: defaults for what a flow's front matter leaves unset.
    pub world: WorldDefaults,
}

/// World settings a flow's front matter may set, as defaults for every flow a config
/// governs. Same names and values as the front matter keys.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldDefaults {
    /// `optional` or `required`: whether the AS demands PKCE of every client.
    pub pkce: Option<PkcePolicy>,
    /// How long an authorization code stays redeemable (`10m`, `30s`).
    pub code_lifetime: Option<String>,
    /// How long an access token stays valid (`1h`).
    pub token_lifetime: Option<String>,
    /// Whether the AS's login session remembers consent.
    pub remember_consent: Option<bool>,
    /// The scopes the AS supports.
    pub scopes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    check: RawCheck,
    world: Option<Spanned<WorldDefaults>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    #[serde(default)]
    warn: Vec<Spanned<String>>,
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    preview: Option<bool>,
}

impl Config {
    /// Reads a config file's text. Errors point into it: a TOML syntax error, an unknown
    /// key or id (with "did you mean"), an id given two levels, an invalid world value.
    pub fn parse(file: &SourceFile) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(&file.text).map_err(|error| {
            let span = error
                .span()
                .map_or(Span::default(), |r| Span::new(r.start, r.end));
            let message = crate::suggest::with_serde_suggestion(error.message().trim());
            vec![
                Diagnostic::error(format!("invalid `{CONFIG_FILE}`: {message}"), span)
                    .with_label("here"),
            ]
        })?;
        let mut problems = Vec::new();
        let mut levels = Levels::new();
        let mut seen: Vec<(&str, Level, Span)> = Vec::new();
        let lists = [
            (Level::Allow, &raw.check.allow),
            (Level::Warn, &raw.check.warn),
            (Level::Deny, &raw.check.deny),
        ];
        for (level, ids) in lists {
            for id in ids {
                let span = Span::new(id.span().start, id.span().end);
                if let Err(problem) = validate_level_id(id.get_ref()) {
                    problems.push(Diagnostic::error(problem, span).with_label("unknown id"));
                    continue;
                }
                if let Some((_, other, first)) = seen.iter().find(|(s, _, _)| s == id.get_ref()) {
                    problems.push(
                        Diagnostic::error(
                            format!(
                                "`{}` is both `{}` and `{}`; give it one level",
                                id.get_ref(),
                                other.as_str(),
                                level.as_str()
                            ),
                            span,
                        )
                        .with_label("second level")
                        .with_related(*first, "first level"),
                    );
                    continue;
                }
                seen.push((id.get_ref(), level, span));
                levels.set(id.get_ref(), level);
            }
        }
        let world_span = raw
            .world
            .as_ref()
            .map_or(Span::default(), |w| Span::new(w.span().start, w.span().end));
        let world = raw.world.map(Spanned::into_inner).unwrap_or_default();
        // Check the defaults once here, so a bad lifetime points into this file rather
        // than into every flow it governs.
        if let Err((key, problem)) = World::from_front_matter(Some(&world.as_front_matter())) {
            // The table's span covers its header only: look for the key after it.
            let span = file.text[world_span.start..]
                .find(&key)
                .map_or(world_span, |at| {
                    Span::new(world_span.start + at, world_span.start + at + key.len())
                });
            problems.push(
                Diagnostic::error(format!("invalid `{key}` in `[world]`: {problem}"), span)
                    .with_label("here"),
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Config {
            levels,
            preview: raw.check.preview.unwrap_or(false),
            world,
        })
    }

    /// The nearest `authflow.toml` governing `flow_path`: in its directory or the closest
    /// one above it. Standard input (`-`) is governed from the current directory.
    pub fn find_for(flow_path: &Path) -> Option<PathBuf> {
        let start = if flow_path == Path::new("-") {
            std::env::current_dir().ok()?
        } else {
            let absolute = std::path::absolute(flow_path).ok()?;
            absolute.parent()?.to_path_buf()
        };
        start
            .ancestors()
            .map(|dir| dir.join(CONFIG_FILE))
            .find(|candidate| candidate.is_file())
    }
}

impl WorldDefaults {
    fn as_front_matter(&self) -> FrontMatter {
        let mut front = FrontMatter::default();
        self.fill(&mut front);
        front
    }

    /// Fills what `front` leaves unset; what it sets stays.
    fn fill(&self, front: &mut FrontMatter) {
        if front.pkce.is_none() {
            front.pkce = self.pkce;
        }
        if front.code_lifetime.is_none() {
            front.code_lifetime.clone_from(&self.code_lifetime);
        }
        if front.token_lifetime.is_none() {
            front.token_lifetime.clone_from(&self.token_lifetime);
        }
        if front.remember_consent.is_none() {
            front.remember_consent = self.remember_consent;
        }
        if front.scopes.is_none() {
            front.scopes.clone_from(&self.scopes);
        }
    }

    /// Whether no default is set (nothing to apply).
    pub fn is_empty(&self) -> bool {
        *self == WorldDefaults::default()
    }

    /// Gives `flow` these defaults where its front matter is silent; a flow without front
    /// matter gets an empty block that carries them.
    pub fn apply(&self, flow: &mut Flow) {
        if self.is_empty() {
            return;
        }
        let block = flow.front_matter.get_or_insert_with(|| FrontMatterBlock {
            yaml: String::new(),
            span: Span::default(),
            value: FrontMatter::default(),
        });
        self.fill(&mut block.value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render_diagnostics;

    fn parse(text: &str) -> Result<Config, String> {
        let file = SourceFile::new(CONFIG_FILE, text);
        Config::parse(&file).map_err(|d| render_diagnostics(&d, &file, false))
    }

    #[test]
    fn levels_preview_and_world_are_read() {
        let config = parse(
            "[check]\ndeny = [\"pkce_required\", \"warnings\"]\nallow = [\"state_single_use\"]\npreview = true\n\n[world]\npkce = \"required\"\ncode_lifetime = \"1m\"\n",
        )
        .unwrap();
        assert_eq!(config.levels.get("pkce_required"), Some(Level::Deny));
        assert!(config.levels.denies_warnings());
        assert_eq!(config.levels.get("state_single_use"), Some(Level::Allow));
        assert!(config.preview);
        assert_eq!(config.world.pkce, Some(PkcePolicy::Required));
        assert_eq!(config.world.code_lifetime.as_deref(), Some("1m"));
    }

    #[test]
    fn an_empty_file_changes_nothing() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn unknown_keys_are_errors_with_a_suggestion_and_a_caret() {
        let report = parse("[check]\ndenny = [\"state_match\"]\n").unwrap_err();
        assert!(
            report.contains("unknown field `denny`") && report.contains("did you mean `deny`?"),
            "{report}"
        );
        assert!(report.contains("authflow.toml:2:1"), "{report}");
        let report = parse("[wrld]\npkce = \"required\"\n").unwrap_err();
        assert!(report.contains("did you mean `world`?"), "{report}");
        let report = parse("[world]\npcke = \"required\"\n").unwrap_err();
        assert!(report.contains("did you mean `pkce`?"), "{report}");
    }

    #[test]
    fn unknown_ids_and_double_levels_point_at_the_id() {
        let report = parse("[check]\nallow = [\"state_mach\"]\n").unwrap_err();
        assert!(report.contains("did you mean `state_match`?"), "{report}");
        assert!(report.contains("authflow.toml:2:10"), "{report}");
        let report =
            parse("[check]\nallow = [\"state_match\"]\ndeny = [\"state_match\"]\n").unwrap_err();
        assert!(
            report.contains("`state_match` is both `allow` and `deny`"),
            "{report}"
        );
    }

    #[test]
    fn bad_world_values_point_into_the_config() {
        let report = parse("[world]\ncode_lifetime = \"soon\"\n").unwrap_err();
        assert!(
            report.contains("invalid `code_lifetime` in `[world]`"),
            "{report}"
        );
        assert!(report.contains("authflow.toml:2:1"), "{report}");
        let report = parse("[world]\npkce = \"sometimes\"\n").unwrap_err();
        assert!(report.contains("unknown variant `sometimes`"), "{report}");
    }

    #[test]
    fn front_matter_beats_world_defaults() {
        let config = parse("[world]\npkce = \"required\"\ncode_lifetime = \"1m\"\n").unwrap();
        let file = SourceFile::new("a.flow", "---\ncode_lifetime: 5m\n---\nfe -> be: \"x\"\n");
        let mut flow = crate::syntax::parse(&file).unwrap();
        config.world.apply(&mut flow);
        let front = &flow.front_matter.unwrap().value;
        assert_eq!(front.code_lifetime.as_deref(), Some("5m"));
        assert_eq!(front.pkce, Some(PkcePolicy::Required));
        let bare = SourceFile::new("b.flow", "fe -> be: \"x\"\n");
        let mut flow = crate::syntax::parse(&bare).unwrap();
        config.world.apply(&mut flow);
        assert_eq!(
            flow.front_matter.unwrap().value.code_lifetime.as_deref(),
            Some("1m")
        );
    }
}
