//! The YAML front matter: the world a flow runs in and the verdict it expects.
//!
//! Every struct rejects unknown keys, so that a typo (`redirect_uri:` for
//! `redirect_uris:`) is an error rather than a silently ignored setting.

use serde::{Deserialize, Serialize};

use crate::model::world::{ClientType, PkcePolicy};

/// The YAML front matter of a flow file: the world it runs in and the verdict it expects.
/// Unset keys keep the defaults that make the seed flow work.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// Free text, shown by `check` and useful in catalogue listings.
    pub title: Option<String>,
    /// Free text saying what the flow shows, like `title`.
    pub description: Option<String>,
    /// The client this flow's `fe`/`be` act for; unset fields keep their defaults.
    pub client: Option<ClientConfig>,
    /// Further registered clients (e.g. the attacker's own registration).
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
    /// Users the authorization server knows; defaults to one user `alice`.
    #[serde(default)]
    pub users: Vec<UserConfig>,
    /// Scopes the authorization server supports; defaults to `profile email`.
    pub scopes: Option<Vec<String>>,
    /// Whether the authorization server requires PKCE from every client.
    pub pkce: Option<PkcePolicy>,
    /// How long an authorization code stays redeemable (`10m`, `30s`, ...).
    pub code_lifetime: Option<String>,
    /// How long an access token stays valid (`1h`, ...).
    pub token_lifetime: Option<String>,
    /// Whether the AS's login session remembers consent (default true).
    pub remember_consent: Option<bool>,
    /// The invariant ids that must fire for `check` to pass this file.
    pub expect: Option<Vec<String>>,
    /// Also run the preview invariants on this file (as `check --preview` does for every
    /// file), so a flow can show, and `expect:`, a rule that is not stable yet.
    pub preview: Option<bool>,
}

/// A client registration as the front matter writes it; unset fields keep their defaults.
#[derive(Clone, Debug, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// The `client_id` (RFC 6749 §2.2); defaults to `client-N` for the Nth client.
    pub id: Option<String>,
    /// The client secret (RFC 6749 §2.3.1); a confidential client without one gets
    /// `secret-N`, a public one none.
    pub secret: Option<String>,
    /// `type: confidential` or `type: public` (RFC 6749 §2.1); defaults to confidential.
    #[serde(rename = "type")]
    pub client_type: Option<ClientType>,
    /// The registered redirect URIs (RFC 6749 §3.1.2.2); defaults to
    /// `https://client.example/callback` (`https://clientN.example/callback` for the Nth).
    pub redirect_uris: Option<Vec<String>>,
    /// The scope the client asks for (space separated).
    pub scope: Option<String>,
    /// Whether the client sends an S256 `code_challenge` (and later its verifier).
    pub pkce: Option<bool>,
}

/// A user (resource owner) the authorization server knows.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    /// The username they log in with.
    pub name: String,
    /// Their password.
    pub password: String,
}

/// Why a front matter block was rejected, and where in it (a byte offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontMatterError {
    /// What is wrong, with a "did you mean" hint when there is one.
    pub message: String,
    /// Byte offset into the YAML block (not the file) of the offending text.
    pub offset: usize,
}

/// A front matter is a dozen lines of settings. Anything far larger is not a flow's world
/// but an attempt to make every command slow, so it is refused before YAML reads it.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// The YAML reader's budget. A front matter nests four levels at most (`clients`, a client,
/// its `redirect_uris`, a URI) and has no need for more than a few anchors; the limits leave
/// room for that and bound what aliases may expand to (an alias bomb: one long anchored
/// string referenced a thousand times) at a few megabytes.
fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 16,
            flow_nesting_limit: 16,
            max_documents: 1,
            max_events: 50_000,
            max_nodes: 20_000,
            max_aliases: 64,
            max_anchors: 64,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 256,
            max_replay_stack_depth: 8,
            max_alias_expansions_per_anchor: 32,
        },
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
    }
}

impl FrontMatter {
    /// Reads the YAML between the `---` lines, in one pass with a bounded budget. Dotted
    /// keys are accepted as the shorthand for nesting that the spec itself uses
    /// (`client.type: public` is `client: { type: public }`); a setting given twice, in
    /// either spelling, is an error rather than one of the two winning by order.
    pub fn from_yaml(yaml: &str) -> Result<FrontMatter, FrontMatterError> {
        if yaml.trim().is_empty() {
            return Ok(FrontMatter::default());
        }
        if yaml.len() > MAX_FRONT_MATTER_BYTES {
            return Err(FrontMatterError {
                message: format!(
                    "the front matter is {} bytes long; at most {MAX_FRONT_MATTER_BYTES} are read",
                    yaml.len()
                ),
                offset: 0,
            });
        }
        // The YAML reader drops a leading byte order mark and counts from after it; so do we,
        // and put the mark's length back on every offset.
        let (skipped, body) = match yaml.strip_prefix('\u{FEFF}') {
            Some(body) => ('\u{FEFF}'.len_utf8(), body),
            None => (0, yaml),
        };
        let in_block = |offset: usize| char_boundary_at_or_before(yaml, skipped + offset);
        let read = serde_saphyr::from_str_with_options::<TopLevel>(body, yaml_options());
        let mut front = match read {
            Ok(TopLevel(front)) => front,
            Err(error) => {
                let error = yaml_error(body, &error);
                return Err(FrontMatterError {
                    offset: in_block(error.offset),
                    ..error
                });
            }
        };
        // Dotted keys are merged after the fact so that every key keeps its own position.
        for (path, offset, client) in std::mem::take(&mut front.dotted) {
            let target = front.inner.client.get_or_insert_with(ClientConfig::default);
            if let Err(field) = target.merge(client) {
                return Err(FrontMatterError {
                    message: format!(
                        "`{path}` sets `client.{field}`, which is already set; a key may be \
                         given once, dotted or nested"
                    ),
                    offset: in_block(offset),
                });
            }
        }
        Ok(front.inner)
    }
}

/// The YAML error as the user should read it: the message without serde-saphyr's own
/// snippet (our diagnostic shows the line), with a "did you mean", at the right byte.
fn yaml_error(yaml: &str, error: &serde_saphyr::Error) -> FrontMatterError {
    let error = error.without_snippet();
    let message = match error {
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => with_suggestion(
            format!("unknown field `{field}`, expected {}", one_of(expected)),
            field,
            expected,
        ),
        serde_saphyr::Error::SerdeUnknownVariant {
            variant, expected, ..
        } => with_suggestion(
            format!("unknown variant `{variant}`, expected {}", one_of(expected)),
            variant,
            expected,
        ),
        other => {
            let text = other.to_string();
            // The developer rendering ends with " at line L column C"; our caret says where.
            match text.rfind(" at line ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    };
    let offset = error.location().map_or(0, |at| byte_offset(yaml, &at));
    FrontMatterError { message, offset }
}

fn char_boundary_at_or_before(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A location's byte offset; scanner errors carry only line and column (in characters).
fn byte_offset(yaml: &str, at: &serde_saphyr::Location) -> usize {
    if let Some(offset) = at
        .span()
        .byte_offset()
        .and_then(|o| usize::try_from(o).ok())
    {
        return offset.min(yaml.len());
    }
    let (line, column) = (at.line() as usize, at.column() as usize);
    let Some(line_start) = std::iter::once(0)
        .chain(yaml.match_indices('\n').map(|(i, _)| i + 1))
        .nth(line.saturating_sub(1))
    else {
        return 0;
    };
    yaml[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(yaml.len(), |(i, _)| line_start + i)
}

/// The accepted names as serde words them: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    let names: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match names.as_slice() {
        [] => "nothing".to_string(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        more => format!("one of {}", more.join(", ")),
    }
}

/// Ends "unknown field `clent`, expected one of ..." with "; did you mean `client`?".
fn with_suggestion(message: String, word: &str, candidates: &[&str]) -> String {
    match crate::suggest::hint(word, candidates.iter().copied()) {
        Some(hint) => format!("{message}; {hint}"),
        None => message,
    }
}

impl ClientConfig {
    /// Takes the fields `other` sets; `Err(field)` when one of them is already set here.
    fn merge(&mut self, other: ClientConfig) -> Result<(), &'static str> {
        fn take<T>(
            mine: &mut Option<T>,
            theirs: Option<T>,
            name: &'static str,
        ) -> Result<(), &'static str> {
            match (mine.is_some(), theirs) {
                (true, Some(_)) => Err(name),
                (_, Some(value)) => {
                    *mine = Some(value);
                    Ok(())
                }
                (_, None) => Ok(()),
            }
        }
        take(&mut self.id, other.id, "id")?;
        take(&mut self.secret, other.secret, "secret")?;
        take(&mut self.client_type, other.client_type, "type")?;
        take(
            &mut self.redirect_uris,
            other.redirect_uris,
            "redirect_uris",
        )?;
        take(&mut self.scope, other.scope, "scope")?;
        take(&mut self.pkce, other.pkce, "pkce")
    }
}

/// The top-level mapping, read key by key: plain keys go to [`FrontMatter`]'s own
/// (derived) deserializer, `client.FIELD` keys to [`ClientConfig`]'s, each as a map of one
/// entry, so that typed errors keep their positions and their lists of accepted names.
struct TopLevel(Collected);

#[derive(Default)]
struct Collected {
    inner: FrontMatter,
    /// `client.FIELD` keys: the key, its byte offset, and the one field it sets.
    dotted: Vec<(String, usize, ClientConfig)>,
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TopLevelVisitor).map(TopLevel)
    }
}

struct TopLevelVisitor;

impl<'de> serde::de::Visitor<'de> for TopLevelVisitor {
    type Value = Collected;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping of front matter keys")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Collected, A::Error> {
        use serde::de::Error as _;
        let mut collected = Collected::default();
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<serde_saphyr::Spanned<String>>()? {
            let offset = key
                .referenced
                .span()
                .byte_offset()
                .and_then(|o| usize::try_from(o).ok())
                .unwrap_or(0);
            let key = key.value;
            if !seen.insert(key.clone()) {
                return Err(A::Error::custom(format!("duplicate key `{key}`")));
            }
            match key.split_once('.') {
                Some(("client", field)) => {
                    let client = map.next_value_seed(OneEntry::<ClientConfig>::new(field))?;
                    collected.dotted.push((key.clone(), offset, client));
                }
                _ => {
                    let front = map.next_value_seed(OneEntry::<FrontMatter>::new(&key))?;
                    merge_front(&mut collected.inner, front);
                }
            }
        }
        Ok(collected)
    }
}

/// Moves the one field `one` sets into `front` (keys are unique, checked by the caller).
fn merge_front(front: &mut FrontMatter, one: FrontMatter) {
    let FrontMatter {
        title,
        description,
        client,
        clients,
        users,
        scopes,
        pkce,
        code_lifetime,
        token_lifetime,
        remember_consent,
        expect,
        preview,
    } = one;
    front.title = front.title.take().or(title);
    front.description = front.description.take().or(description);
    if let Some(client) = client {
        front.client = Some(client);
    }
    front.clients.extend(clients);
    front.users.extend(users);
    front.scopes = front.scopes.take().or(scopes);
    front.pkce = front.pkce.take().or(pkce);
    front.code_lifetime = front.code_lifetime.take().or(code_lifetime);
    front.token_lifetime = front.token_lifetime.take().or(token_lifetime);
    front.remember_consent = front.remember_consent.take().or(remember_consent);
    front.expect = front.expect.take().or(expect);
    front.preview = front.preview.take().or(preview);
}

/// Deserializes `T` from a map of one entry, `key` and the value at hand: how a single
/// key is handed to a derived deserializer without buffering the value.
struct OneEntry<'k, T> {
    key: &'k str,
    target: std::marker::PhantomData<T>,
}

impl<'k, T> OneEntry<'k, T> {
    fn new(key: &'k str) -> Self {
        OneEntry {
            key,
            target: std::marker::PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> serde::de::DeserializeSeed<'de> for OneEntry<'_, T> {
    type Value = T;

    fn deserialize<D: serde::Deserializer<'de>>(self, value: D) -> Result<T, D::Error> {
        T::deserialize(serde::de::value::MapAccessDeserializer::new(OneEntryMap {
            key: Some(self.key),
            value: Some(value),
        }))
    }
}

struct OneEntryMap<'k, D> {
    key: Option<&'k str>,
    value: Option<D>,
}

impl<'de, D: serde::Deserializer<'de>> serde::de::MapAccess<'de> for OneEntryMap<'_, D> {
    type Error = D::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, D::Error> {
        use serde::de::IntoDeserializer;
        match self.key.take() {
            Some(key) => seed.deserialize(key.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, D::Error> {
        match self.value.take() {
            Some(value) => seed.deserialize(value),
            None => Err(serde::de::Error::custom("a value was read twice")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_keys_are_nesting() {
        let front =
            FrontMatter::from_yaml("client.type: public\nclient.pkce: true\nexpect: []\n").unwrap();
        let client = front.client.unwrap();
        assert_eq!(client.client_type, Some(ClientType::Public));
        assert_eq!(client.pkce, Some(true));
        let error = FrontMatter::from_yaml("title: x\nclient.type: publik\n").unwrap_err();
        assert!(
            error.message.contains("unknown variant `publik`"),
            "{error:?}"
        );
        // The caret goes on the value that is wrong, not on the key.
        assert_eq!(error.offset, "title: x\nclient.type: ".len());
        let error = FrontMatter::from_yaml("title: x\nclent: {}\n").unwrap_err();
        assert!(
            error.message.starts_with("unknown field `clent`"),
            "{error:?}"
        );
        assert_eq!(error.offset, "title: x\n".len());
    }

    #[test]
    fn unknown_keys_and_values_suggest_the_closest_name() {
        let error = FrontMatter::from_yaml("title: x\nclent: {}\n").unwrap_err();
        assert!(
            error
                .message
                .starts_with("unknown field `clent`, expected one of `title`"),
            "{error:?}"
        );
        assert!(
            error.message.ends_with("; did you mean `client`?"),
            "{error:?}"
        );
        assert_eq!(error.offset, "title: x\n".len());
        // Nested keys and dotted keys alike.
        let error = FrontMatter::from_yaml("client:\n  typ: public\n").unwrap_err();
        assert!(error.message.ends_with("did you mean `type`?"), "{error:?}");
        let error = FrontMatter::from_yaml("client.typ: public\n").unwrap_err();
        assert!(error.message.ends_with("did you mean `type`?"), "{error:?}");
        let error = FrontMatter::from_yaml("client: { type: publik }\n").unwrap_err();
        assert!(
            error.message.ends_with("did you mean `public`?"),
            "{error:?}"
        );
        // Nothing close: serde's list is all there is.
        let error = FrontMatter::from_yaml("zzz: 1\n").unwrap_err();
        assert!(!error.message.contains("did you mean"), "{error:?}");
        assert!(error.message.contains("`preview`"), "{error:?}");
    }

    #[test]
    fn preview_is_an_optional_bool() {
        assert_eq!(FrontMatter::from_yaml("title: x\n").unwrap().preview, None);
        assert_eq!(
            FrontMatter::from_yaml("preview: true\n").unwrap().preview,
            Some(true)
        );
        assert!(FrontMatter::from_yaml("preview: maybe\n").is_err());
    }

    /// Found by the fmt fuzzer: a byte order mark opening the YAML shifted every offset.
    #[test]
    fn a_byte_order_mark_in_the_block_keeps_offsets_on_characters() {
        let yaml = "\u{FEFF} not yaml: [\nclient: { pkce: true }\n";
        let error = FrontMatter::from_yaml(yaml).unwrap_err();
        assert!(yaml.is_char_boundary(error.offset), "{error:?}");
        let yaml = "\u{FEFF}title: x\nclent: {}\n";
        let error = FrontMatter::from_yaml(yaml).unwrap_err();
        assert_eq!(error.offset, yaml.find("clent").unwrap(), "{error:?}");
    }

    #[test]
    fn a_key_given_dotted_and_nested_is_a_duplicate() {
        let yaml = "client: { type: public }\nclient.type: confidential\n";
        let error = FrontMatter::from_yaml(yaml).unwrap_err();
        assert!(error.message.contains("`client.type`"), "{error:?}");
        assert!(error.message.contains("already set"), "{error:?}");
        assert_eq!(error.offset, "client: { type: public }\n".len());
        // Either order.
        let yaml = "client.type: confidential\nclient:\n  type: public\n";
        assert!(FrontMatter::from_yaml(yaml).is_err());
        // Different fields merge.
        let front =
            FrontMatter::from_yaml("client: { type: public }\nclient.pkce: true\n").unwrap();
        let client = front.client.unwrap();
        assert_eq!(
            (client.client_type, client.pkce),
            (Some(ClientType::Public), Some(true))
        );
        // A plain key twice.
        let error = FrontMatter::from_yaml("title: a\ntitle: b\n").unwrap_err();
        assert!(error.message.contains("duplicate"), "{error:?}");
        assert_eq!(error.offset, "title: a\n".len());
    }

    /// The reproducer of the alias bomb: only allowed keys, one anchored long title
    /// referenced a thousand times inside `clients`.
    fn alias_bomb(title_len: usize, references: usize) -> String {
        let mut yaml = format!("title: &t \"{}\"\nclients:\n", "x".repeat(title_len));
        for _ in 0..references {
            yaml.push_str("  - { id: *t }\n");
        }
        yaml
    }

    #[test]
    fn alias_bombs_are_refused_with_a_position() {
        let yaml = alias_bomb(2_000, 1_000);
        assert!(yaml.len() < 20_000);
        let error = FrontMatter::from_yaml(&yaml).unwrap_err();
        assert!(error.message.contains("alias"), "{error:?}");
        assert!(error.offset > 0, "{error:?}");
        // Nested: a list of a thousand references, itself referenced 450 times (17 KB of
        // YAML that serde_yaml expanded into 580 MB).
        let yaml = format!(
            "title: &t \"{}\"\nclient: {{ redirect_uris: &r [{}] }}\nclients:\n{}",
            "x".repeat(2_000),
            vec!["*t"; 1_000].join(", "),
            "  - {redirect_uris: *r}\n".repeat(450)
        );
        let error = FrontMatter::from_yaml(&yaml).unwrap_err();
        assert!(error.message.contains("alias"), "{error:?}");
        // A few references are fine.
        let front = FrontMatter::from_yaml(&alias_bomb(10, 3)).unwrap();
        assert_eq!(front.clients.len(), 3);
        assert_eq!(
            front.clients[2].id.as_deref(),
            Some("x".repeat(10).as_str())
        );
    }

    #[test]
    fn oversized_and_deep_front_matter_is_refused() {
        // The 46 KB variant, which aborted the process on allocation failure.
        let yaml = alias_bomb(40_000, 400);
        assert!((45_000..48_000).contains(&yaml.len()));
        let error = FrontMatter::from_yaml(&yaml).unwrap_err();
        assert!(error.message.contains("alias"), "{error:?}");
        let yaml = format!("description: {}\n", "x".repeat(MAX_FRONT_MATTER_BYTES));
        let error = FrontMatter::from_yaml(&yaml).unwrap_err();
        assert!(error.message.contains("at most 65536"), "{error:?}");
        // Deep nesting, where a sequence is welcome and where it is not: refused at once.
        for key in ["scopes", "title", "clients"] {
            let deep = format!("{key}: {}{}\n", "[".repeat(30_000), "]".repeat(30_000));
            let error = FrontMatter::from_yaml(&deep).unwrap_err();
            assert!(error.offset < 40, "{key}: {error:?}");
        }
    }

    #[test]
    fn errors_point_at_the_offending_line() {
        let yaml = "title: x\nclient:\n  id: a\n  pkce: maybe\nexpect: []\n";
        let error = FrontMatter::from_yaml(yaml).unwrap_err();
        assert_eq!(error.offset, yaml.find("maybe").unwrap(), "{error:?}");
        let yaml = "title: x\nusers:\n  - name: a\n    pasword: b\n";
        let error = FrontMatter::from_yaml(yaml).unwrap_err();
        assert_eq!(
            &yaml[error.offset..error.offset + 7],
            "pasword",
            "{error:?}"
        );
        assert!(
            error.message.ends_with("did you mean `password`?"),
            "{error:?}"
        );
        // The scanner's errors carry line and column only; the offset is still exact.
        let yaml = "title: x\nclient: { id: \"c\u{9b}\" }\n";
        let error = FrontMatter::from_yaml(yaml).unwrap_err();
        assert_eq!(error.offset, yaml.find('\u{9b}').unwrap(), "{error:?}");
    }
}
