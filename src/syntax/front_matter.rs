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

impl FrontMatter {
    /// Reads the YAML between the `---` lines. Dotted keys are accepted as the shorthand
    /// for nesting that the spec itself uses (`client.type: public` is
    /// `client: { type: public }`).
    pub fn from_yaml(yaml: &str) -> Result<FrontMatter, FrontMatterError> {
        if yaml.trim().is_empty() {
            return Ok(FrontMatter::default());
        }
        let error = match serde_yaml::from_str(yaml) {
            Ok(front) => return Ok(front),
            Err(error) => error,
        };
        if let Some((expanded, first_dotted)) = expand_dotted_keys(yaml) {
            // The typed read of the expanded tree has no positions: point at the first
            // dotted key, the only part of the text the expansion changed.
            return serde_yaml::from_value(expanded).map_err(|error| FrontMatterError {
                message: crate::suggest::with_serde_suggestion(&error.to_string()),
                offset: yaml.find(&first_dotted).unwrap_or(0),
            });
        }
        // serde_yaml appends "at line L column C" relative to the block; the offset says
        // where, and callers turn it into file coordinates.
        let message = error.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        Err(FrontMatterError {
            message: crate::suggest::with_serde_suggestion(&message),
            offset: error.location().map_or(0, |l| l.index()).min(yaml.len()),
        })
    }
}

/// Rewrites top-level `a.b: v` keys into nested mappings. `None` when there are none (or
/// the text is not a YAML mapping at all); otherwise the tree and the first dotted key.
fn expand_dotted_keys(yaml: &str) -> Option<(serde_yaml::Value, String)> {
    use serde_yaml::{Mapping, Value};
    let Ok(Value::Mapping(top)) = serde_yaml::from_str::<Value>(yaml) else {
        return None;
    };
    let mut first_dotted = None;
    let mut expanded = Mapping::new();
    for (key, value) in top {
        let Some(path) = key.as_str().filter(|k| k.contains('.')) else {
            expanded.insert(key, value);
            continue;
        };
        first_dotted.get_or_insert_with(|| path.to_string());
        let mut parts: Vec<&str> = path.split('.').collect();
        let leaf = parts.pop()?;
        let mut node = &mut expanded;
        for part in parts {
            let entry = node
                .entry(Value::String(part.to_string()))
                .or_insert_with(|| Value::Mapping(Mapping::new()));
            if !entry.is_mapping() {
                *entry = Value::Mapping(Mapping::new());
            }
            node = entry.as_mapping_mut()?;
        }
        node.insert(Value::String(leaf.to_string()), value);
    }
    first_dotted.map(|first| (Value::Mapping(expanded), first))
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
        assert_eq!(error.offset, "title: x\n".len());
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
}
