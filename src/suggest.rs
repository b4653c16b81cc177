//! "Did you mean ...?" for names a user mistyped: invariant ids in `expect:` and
//! `--explain`, front-matter keys, and whatever else a flow names from a closed list
//! (roles, step kinds, parameter keys).
//!
//! Similarity is Jaro-Winkler (from `strsim`), compared case-insensitively. It rewards a
//! shared prefix, which suits identifiers: `codelifetime`, `code_life` and `pkce_requried`
//! all find their id, while unrelated words of similar length (`secret` against `public`)
//! score far below the threshold.

/// The lowest Jaro-Winkler similarity at which a candidate is offered. At 0.85 one or two
/// typos in a word of four letters or more, a missing `s` or a truncated id still match;
/// different words that merely share a letter or two do not.
const THRESHOLD: f64 = 0.85;

/// The candidate most similar to `word`, if any is similar enough to be worth offering.
/// Ties go to the earlier candidate, so callers list their names in the order they would
/// rather suggest.
///
/// ```
/// use authflow::suggest::did_you_mean;
/// let keys = ["title", "client", "clients", "expect"];
/// assert_eq!(did_you_mean("clent", keys), Some("client"));
/// assert_eq!(did_you_mean("zzz", keys), None);
/// ```
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&word, &candidate.to_lowercase());
        if score >= THRESHOLD && best.is_none_or(|(top, _)| score > top) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The sentence to end a message with: "did you mean `client`?", or `None` when nothing is
/// close. Having one wording everywhere keeps messages uniform and easy to grep for.
pub fn hint<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|candidate| format!("did you mean `{candidate}`?"))
}

/// Ends serde's "unknown field `clent`, expected one of `title`, ..." (or "unknown
/// variant") with "; did you mean `client`?". serde's error carries the names only in its
/// text, so they are read back from there: every backticked word after the first is a
/// name serde would have accepted.
pub fn with_serde_suggestion(message: &str) -> String {
    let Some(at) = message
        .find("unknown field `")
        .or_else(|| message.find("unknown variant `"))
    else {
        return message.to_string();
    };
    let mut quoted = message[at..].split('`').skip(1).step_by(2);
    let Some(word) = quoted.next() else {
        return message.to_string();
    };
    match hint(word, quoted) {
        Some(hint) => format!("{message}; {hint}"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEYS: [&str; 11] = [
        "title",
        "description",
        "client",
        "clients",
        "users",
        "scopes",
        "pkce",
        "code_lifetime",
        "token_lifetime",
        "expect",
        "preview",
    ];

    #[test]
    fn typos_find_the_name() {
        for (typo, meant) in [
            ("clent", "client"),
            ("expects", "expect"),
            ("expected", "expect"),
            ("codelifetime", "code_lifetime"),
            ("code_life", "code_lifetime"),
            ("preveiw", "preview"),
            ("user", "users"),
            ("scope", "scopes"),
            ("desc", "description"),
        ] {
            assert_eq!(did_you_mean(typo, KEYS), Some(meant), "{typo}");
        }
    }

    #[test]
    fn the_closest_of_several_similar_names_wins() {
        assert_eq!(did_you_mean("clent", ["clients", "client"]), Some("client"));
        assert_eq!(
            did_you_mean("clientss", ["client", "clients"]),
            Some("clients")
        );
    }

    #[test]
    fn unrelated_words_get_no_suggestion() {
        for word in ["zzz", "x", "nonsense", "mystery", "abc"] {
            assert_eq!(did_you_mean(word, KEYS), None, "{word}");
        }
        assert_eq!(did_you_mean("secret", ["public", "confidential"]), None);
        assert_eq!(did_you_mean("kind", ["id", "type"]), None);
    }

    #[test]
    fn case_is_ignored_and_the_candidate_is_returned_as_spelled() {
        assert_eq!(
            did_you_mean("State_Mtach", ["state_match"]),
            Some("state_match")
        );
        assert_eq!(did_you_mean("clent", ["Client"]), Some("Client"));
    }

    #[test]
    fn no_candidates_no_suggestion() {
        assert_eq!(did_you_mean("client", []), None);
    }

    #[test]
    fn hint_wording() {
        assert_eq!(
            hint("typ", ["id", "type"]).as_deref(),
            Some("did you mean `type`?")
        );
        assert_eq!(hint("zzz", ["id", "type"]), None);
    }
}
