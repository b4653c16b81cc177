//! The parameters a message carries: what the sender's model fills in, with the author's
//! `{ key: value }` overrides applied on top.

use std::sync::Arc;

use thin_vec::ThinVec;

use super::vocab::{Key, Location};
use crate::span::Span;

/// A value a message carries. Shared, not copied: the same state, code or token travels
/// through many messages and many actors' knowledge, and a long flow has millions of
/// such mentions.
pub type Value = Arc<str>;

/// A scope as its space-separated values (RFC 6749 §3.3). Shared, not copied: one
/// request's scope passes on to its code, its tokens and their API calls.
pub type Scope = Arc<[Value]>;

/// Equal texts share one [`Value`]: a long flow hands out the same client_id, scope and
/// constants (`code`, `Bearer`) thousands of times. Fresh values (`state-7`) are never
/// interned: each is used a few times and the table would only grow.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    values: rustc_hash::FxHashSet<Value>,
    /// Scopes by their text: every transaction, code and token of a long flow records a
    /// scope, and most are the same one.
    scopes: rustc_hash::FxHashMap<Value, Scope>,
}

impl Interner {
    /// The shared value of `text`.
    pub fn get(&mut self, text: &str) -> Value {
        if let Some(value) = self.values.get(text) {
            return value.clone();
        }
        let value = Value::from(text);
        self.values.insert(value.clone());
        value
    }

    /// The shared scope a `scope` parameter's text stands for ([`scope_list`]).
    pub fn scope(&mut self, text: Option<&str>) -> Scope {
        let Some(text) = text else {
            return Scope::default();
        };
        if let Some(scope) = self.scopes.get(text) {
            return scope.clone();
        }
        let scope: Scope = text
            .split(' ')
            .filter(|p| !p.is_empty())
            .map(|p| self.get(p))
            .collect();
        let text = self.get(text);
        self.scopes.insert(text, scope.clone());
        scope
    }
}

/// One parameter as it travelled.
#[derive(Clone, Debug, PartialEq)]
pub struct Carried {
    /// The parameter.
    pub key: Key,
    /// The value it had in this message.
    pub value: Value,
    /// Where the author wrote this value, when it is an override. Boxed: overrides are
    /// rare, and a long flow keeps every message's parameters.
    pub written_at: Option<Box<Span>>,
    /// Where it travelled: in the URL, a header or the body.
    pub location: Location,
}

/// An ordered set of parameters, each key at most once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(ThinVec<Carried>);

/// An author's override, resolved to a typed key (`None` value: `none`, left out).
#[derive(Clone, Debug, PartialEq)]
pub struct Override {
    /// The parameter the author named.
    pub key: Key,
    /// The value written; `None` for `none`, which leaves the parameter out.
    pub value: Option<Value>,
    /// Where the author wrote the `key: value` pair.
    pub span: Span,
}

impl Params {
    /// The value of `key`, if the message carries it.
    pub fn get(&self, key: Key) -> Option<&str> {
        self.0.iter().find(|c| c.key == key).map(|c| &*c.value)
    }

    /// `key` as it travelled, if the message carries it.
    /// The shared value of `key`, if the message carried it.
    pub fn value(&self, key: Key) -> Option<Value> {
        self.carried(key).map(|c| c.value.clone())
    }

    /// The parameter `key` as it travelled, if the message carried it.
    pub fn carried(&self, key: Key) -> Option<&Carried> {
        self.0.iter().find(|c| c.key == key)
    }

    /// The parameters, in the order they were set.
    pub fn iter(&self) -> impl Iterator<Item = &Carried> {
        self.0.iter()
    }

    /// Says where each parameter travelled, and settles the set: a long flow keeps every
    /// message's parameters, so they are stored without room to grow.
    pub fn place(&mut self, mut location: impl FnMut(Key) -> Location) {
        for carried in &mut self.0 {
            carried.location = location(carried.key);
        }
        self.0.shrink_to_fit();
    }

    /// How many parameters the message carries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The parameter at `index` in the order they were set.
    ///
    /// # Panics
    /// When `index` is not below [`Params::len`].
    pub fn at(&self, index: usize) -> &Carried {
        &self.0[index]
    }

    /// Whether the message carries no parameter at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets what the model would send; `None` leaves the key out.
    pub fn set(&mut self, key: Key, value: Option<impl Into<Value>>) {
        self.0.retain(|c| c.key != key);
        if let Some(value) = value {
            self.0.push(Carried {
                key,
                value: value.into(),
                written_at: None,
                location: Location::Body,
            });
        }
    }

    /// Applies the author's overrides: a value replaces the default, `none` removes it.
    pub fn apply(&mut self, overrides: &[Override]) {
        for o in overrides {
            self.0.retain(|c| c.key != o.key);
            if let Some(value) = &o.value {
                self.0.push(Carried {
                    key: o.key,
                    value: value.clone(),
                    written_at: Some(Box::new(o.span)),
                    location: Location::Body,
                });
            }
        }
    }
}

/// Space-separated scope values as a list (RFC 6749 §3.3).
pub fn scope_list(scope: Option<&str>) -> Scope {
    scope
        .map(|s| {
            s.split(' ')
                .filter(|p| !p.is_empty())
                .map(Value::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether every scope value of `narrower` is in `wider`.
pub fn scope_within(narrower: &[Value], wider: &[Value]) -> bool {
    narrower.iter().all(|s| wider.contains(s))
}
