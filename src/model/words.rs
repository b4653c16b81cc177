//! What a label's words hint at. The label is the weakest evidence a reading has: it only
//! breaks ties the parameters and the actors' state leave open. All the words live in one
//! table, English beside the Russian of the user's own notes, and match whole words (or
//! word stems), never substrings: "4001 records" says nothing about HTTP 400.
//!
//! Authors inflect: "refused", "approved", "с кодом". A word the table does not list
//! whole is reduced to its Snowball stem (English, or Russian for Cyrillic words) and
//! matched against the stems of the table's words, so each meaning is listed once, in its
//! plain form. A negation ("no", "don't", "не") cancels the first word with a cue among
//! the three after it; a consent word cancelled that way is a refusal ("Don't Allow" is
//! the button that denies), and a token or an issuing cancelled is nothing given ("no new
//! access token", "not issued").

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::FxHashMap as HashMap;

use super::vocab::ERROR_CODES;

/// A meaning a label can hint at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Cue {
    /// The user refuses (`deny`, `cancel`, `отказ`).
    Denial,
    /// Something failed or was refused (`error`, `401`, `invalid_grant`, `ошибка`).
    Error,
    /// An error page rather than a redirect.
    ErrorPage,
    /// Credentials are submitted (`login`, `sign in`, `вход`).
    Login,
    /// A consent decision or page (`consent`, `approve`, `разрешение`).
    Consent,
    /// An authorization code (`code`, `код`).
    Code,
    /// A token (`token`, `токен`).
    Token,
    /// The refresh grant (`refresh`, `обновить`).
    Refresh,
    /// A refresh token by name (`refresh_token`, `refresh token`, `токен обновления`).
    RefreshToken,
    /// Token revocation (`revoke`, `отозвать`).
    Revoke,
    /// The redirect_uri endpoint (`callback`, `redirect_uri`).
    Callback,
    /// A redirect (`redirect`, `302`, `перенаправление`).
    Redirect,
    /// The authorization endpoint (`authorize`, `oauth`).
    Authorize,
    /// A call to the protected API (`api`, `resource`, `данные`).
    Api,
    /// A mistyped credential (`wrong`, `typo`, `неверный`).
    Wrong,
    /// Access as such (`access`, `доступ`): said only to be withheld ("no access",
    /// "нет доступа"), which is a refusal.
    Access,
    /// An HTTP `GET`: the browser fetches a page, it submits no form. Only the method's
    /// own upper-case spelling counts: "get a token" is English, not HTTP.
    HttpGet,
    /// Issuing as such (`issue`, `выдан`): said only to be withheld ("not issued").
    Issued,
    /// Something said not to be given: "no token", "not issued", "токен не выдан". In an
    /// answer, a refusal.
    Withheld,
}

/// How an entry of the table matches a word of the label.
#[derive(Clone, Copy)]
enum Match {
    Word(&'static str),
    Stem(&'static str),
    /// Two words in a row.
    Pair(&'static str, &'static str),
}

use Cue::*;
use Match::*;

/// The one table of label words.
const TABLE: &[(Match, Cue)] = &[
    // English
    (Word("deny"), Denial),
    (Word("denies"), Denial),
    (Word("denied"), Denial),
    (Word("refuse"), Denial),
    (Word("refuses"), Denial),
    (Word("reject"), Denial),
    (Word("rejects"), Denial),
    (Word("cancel"), Denial),
    (Word("access_denied"), Denial),
    (Word("decline"), Denial),
    (Word("withhold"), Denial),
    (Word("disallow"), Denial),
    (Word("error"), Error),
    (Word("errors"), Error),
    (Word("invalid"), Error),
    (Word("unauthorized"), Error),
    (Word("forbidden"), Error),
    (Word("fail"), Error),
    (Word("fails"), Error),
    (Word("failed"), Error),
    (Word("failure"), Error),
    // A server's refusal: "refused: code expired", "rejected", "token expired".
    (Word("expire"), Error),
    (Word("reject"), Error),
    (Word("refuse"), Error),
    (Word("access"), Access),
    (Word("400"), Error),
    (Word("401"), Error),
    (Word("403"), Error),
    (Word("denied"), Error),
    (Pair("error", "page"), ErrorPage),
    (Word("login"), Login),
    (Word("log"), Login),
    (Word("signin"), Login),
    (Pair("sign", "in"), Login),
    (Word("credentials"), Login),
    (Word("password"), Login),
    (Word("consent"), Consent),
    (Word("permission"), Consent),
    (Word("permissions"), Consent),
    (Word("approve"), Consent),
    (Word("approves"), Consent),
    (Word("allow"), Consent),
    (Word("grant"), Consent),
    (Word("scope"), Consent),
    (Word("scopes"), Consent),
    (Word("code"), Code),
    (Word("authorization_code"), Code),
    (Stem("token"), Token),
    (Word("access_token"), Token),
    (Word("grant_type"), Token),
    (Word("code_verifier"), Token),
    (Stem("refresh"), Refresh),
    (Word("refresh_token"), Refresh),
    (Word("refresh_token"), RefreshToken),
    (Pair("refresh", "token"), RefreshToken),
    (Pair("refresh", "tokens"), RefreshToken),
    (Stem("revo"), Revoke),
    (Word("callback"), Callback),
    (Word("redirect_uri"), Callback),
    (Stem("redirect"), Redirect),
    (Word("302"), Redirect),
    (Word("303"), Redirect),
    (Word("location"), Redirect),
    (Word("authorize"), Authorize),
    (Word("authorise"), Authorize),
    (Word("authorization"), Authorize),
    (Word("authorisation"), Authorize),
    (Word("authorization_endpoint"), Authorize),
    (Word("response_type"), Authorize),
    (Word("oauth"), Authorize),
    (Word("api"), Api),
    (Stem("resource"), Api),
    (Word("userinfo"), Api),
    (Word("profile"), Api),
    (Word("data"), Api),
    (Word("wrong"), Wrong),
    (Word("bad"), Wrong),
    (Pair("bad", "request"), Error),
    // "code already used": a server refusing a replay.
    (Pair("already", "used"), Error),
    (Pair("already", "redeemed"), Error),
    (Pair("already", "exchanged"), Error),
    (Word("issue"), Issued),
    (Word("agree"), Consent),
    (Word("disagree"), Denial),
    // "No, thanks" on a consent page.
    (Pair("no", "thanks"), Denial),
    (Word("typo"), Wrong),
    (Word("incorrect"), Wrong),
    (Word("mistyped"), Wrong),
    // Russian (seed 001)
    (Stem("отказ"), Denial),
    (Stem("отклон"), Denial),
    (Stem("отмен"), Denial),
    (Pair("нет", "спасибо"), Denial),
    (Pair("уже", "использован"), Error),
    (Pair("уже", "использовался"), Error),
    (Pair("уже", "погашен"), Error),
    (Stem("выда"), Issued),
    (Stem("запрет"), Denial),
    (Stem("ошибк"), Error),
    (Stem("истек"), Error),
    (Stem("истёк"), Error),
    (Stem("просроч"), Error),
    (Stem("отказ"), Error),
    (Stem("запрещ"), Error),
    (Stem("доступ"), Access),
    (Stem("неверн"), Wrong),
    (Stem("вход"), Login),
    (Stem("логин"), Login),
    (Stem("парол"), Login),
    (Stem("соглас"), Consent),
    (Stem("разреш"), Consent),
    (Word("код"), Code),
    (Stem("токен"), Token),
    (Stem("обнов"), Refresh),
    (Pair("токен", "обновления"), RefreshToken),
    (Pair("токены", "обновления"), RefreshToken),
    (Stem("отоз"), Revoke),
    (Stem("отзыв"), Revoke),
    (Stem("аннулир"), Revoke),
    (Stem("перенаправ"), Redirect),
    (Stem("редирект"), Redirect),
    (Stem("авториз"), Authorize),
    (Stem("ресурс"), Api),
    (Stem("данн"), Api),
    (Stem("профил"), Api),
];

/// Words that negate the word after them: "no errors" is not an error. Apostrophes are
/// read as `'` whichever the author typed.
const NEGATIONS: &[&str] = &[
    "no", "not", "without", "never", "cannot", "don't", "dont", "doesn't", "didn't", "won't",
    "can't", "isn't", "wasn't", "без", "нет", "не", "ни",
];

/// How many words after a negation it can reach: the word after it, and two more past
/// words without a cue.
const NEGATION_REACH: u8 = 3;

/// The cues a label gives, found in one pass over its words when it is read.
#[derive(Clone, Copy)]
pub struct Words {
    cues: u32,
    error_code: Option<&'static str>,
    status: Option<u16>,
}

/// The table arranged for lookup: every message of a long flow reads its label, so a
/// word costs one hash probe and a look at the stems sharing its first byte, not a scan of
/// the table.
struct Lookup {
    /// Everything a whole word says.
    words: HashMap<&'static str, Entry>,
    /// Stems, grouped by their first byte.
    stems: Vec<Vec<(&'static str, Cue)>>,
    /// The cues of the table's plain words, by their Snowball stem.
    inflected: HashMap<String, u32>,
    english: rust_stemmers::Stemmer,
    russian: rust_stemmers::Stemmer,
}

impl Lookup {
    /// The Snowball stem of a plain word (letters only), in its script's language;
    /// `None` for identifiers, numbers and mixed scripts, which match whole or not at all.
    fn stem<'w>(&self, word: &'w str) -> Option<Cow<'w, str>> {
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            Some(self.english.stem(word))
        } else if word.chars().all(|c| matches!(c, 'а'..='я' | 'ё')) {
            Some(self.russian.stem(word))
        } else {
            None
        }
    }
}

/// What one whole word says.
#[derive(Default)]
struct Entry {
    cues: u32,
    /// It negates the word after it ("no errors").
    negates: bool,
    /// Its rank in [`ERROR_CODES`], when it is an OAuth error code.
    error_rank: Option<usize>,
    /// Second words that, right after it, give a cue.
    pairs: Vec<(&'static str, Cue)>,
}

static LOOKUP: LazyLock<Lookup> = LazyLock::new(|| {
    let mut lookup = Lookup {
        words: HashMap::default(),
        stems: vec![Vec::new(); 256],
        inflected: HashMap::default(),
        english: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English),
        russian: rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Russian),
    };
    for &(m, cue) in TABLE {
        match m {
            Word(w) => {
                lookup.words.entry(w).or_default().cues |= 1 << cue as u32;
                if let Some(stem) = lookup.stem(w) {
                    *lookup.inflected.entry(stem.into_owned()).or_default() |= 1 << cue as u32;
                }
            }
            Stem(s) => lookup.stems[usize::from(s.as_bytes()[0])].push((s, cue)),
            Pair(a, b) => lookup.words.entry(a).or_default().pairs.push((b, cue)),
        }
    }
    for &negation in NEGATIONS {
        lookup.words.entry(negation).or_default().negates = true;
    }
    for (rank, &code) in ERROR_CODES.iter().enumerate() {
        lookup.words.entry(code).or_default().error_rank = Some(rank);
    }
    lookup
});

impl Words {
    /// Reads `label`: every cue of the table that one of its words (not negated) gives.
    pub fn new(label: &str) -> Words {
        let mut words = Words {
            cues: 0,
            error_code: None,
            status: status_line(label),
        };
        if label.is_empty() {
            return words;
        }
        // Most labels are lower-case ASCII already: no copy for them.
        let lower: Cow<str> = if label
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase() && b != b'\'')
        {
            Cow::Borrowed(label)
        } else {
            Cow::Owned(label.to_lowercase().replace('\u{2019}', "'"))
        };
        let lookup = &*LOOKUP;
        let mut split = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
            .map(|w| w.trim_matches('\''))
            .filter(|w| !w.is_empty())
            .peekable();
        // Words a negation still reaches: it cancels the first word with a cue within
        // reach, past words without one ("no new access token", "not a valid token").
        let mut negation_reach = 0u8;
        let mut error_rank = usize::MAX;
        while let Some(word) = split.next() {
            let entry = lookup.words.get(word);
            let was_negated = negation_reach > 0;
            negation_reach = negation_reach.saturating_sub(1);
            if let Some(rank) = entry.and_then(|e| e.error_rank) {
                error_rank = error_rank.min(rank);
            }
            let mut cues = 0;
            if let Some(entry) = entry {
                cues |= entry.cues;
                if !entry.pairs.is_empty() {
                    let next = split.peek().copied();
                    for &(second, cue) in &entry.pairs {
                        if next == Some(second) {
                            cues |= 1 << cue as u32;
                        }
                    }
                }
            } else if let Some(stem) = lookup.stem(word.strip_suffix("'s").unwrap_or(word)) {
                cues |= lookup.inflected.get(stem.as_ref()).copied().unwrap_or(0);
            }
            // An identifier (`redirect_uri`, `token_type`) is one name: its first part is
            // no word of its own, and only its whole matches.
            if !word.contains('_') {
                for &(stem, cue) in &lookup.stems[usize::from(word.as_bytes()[0])] {
                    if word.starts_with(stem) {
                        cues |= 1 << cue as u32;
                    }
                }
            }
            if entry.is_some_and(|e| e.negates) {
                negation_reach = NEGATION_REACH;
            } else if was_negated && cues == 0 {
                // Not a word with a cue: the negation reaches on.
                continue;
            } else if was_negated {
                negation_reach = 0;
            }
            if was_negated {
                // "no consent", "don't allow", "не разрешаю": consent withheld; "no
                // access", "нет доступа": access refused.
                if cues & (1 << Consent as u32) != 0 {
                    words.cues |= 1 << Denial as u32;
                }
                if cues & (1 << Access as u32) != 0 {
                    words.cues |= 1 << Error as u32;
                }
                // "no token issued", "token not issued": nothing was given.
                if cues & (1 << Token as u32 | 1 << Issued as u32) != 0 {
                    words.cues |= 1 << Withheld as u32;
                }
                continue;
            }
            words.cues |= cues;
        }
        if label
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "GET")
        {
            words.cues |= 1 << HttpGet as u32;
        }
        if error_rank != usize::MAX {
            words.error_code = Some(ERROR_CODES[error_rank]);
            words.cues |= 1 << Error as u32;
        }
        // A bare "No." or "Нет" answers a question: on a consent page, the refusal.
        if lookup
            .words
            .get(lower.trim_matches(|c: char| !c.is_alphanumeric()))
            .is_some_and(|e| e.negates)
        {
            words.cues |= 1 << Denial as u32;
        }
        words
    }

    /// Whether the label hints at `cue`.
    pub fn has(&self, cue: Cue) -> bool {
        self.cues & (1 << cue as u32) != 0
    }

    /// The OAuth error code the label names (`"invalid_grant"`, `"error: access_denied"`).
    pub fn error_code(&self) -> Option<&'static str> {
        self.error_code
    }

    /// The HTTP status the label starts with (`200 OK`, `HTTP/1.1 401`), if any.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Whether the answer the label draws is a refusal: the status it starts with says
    /// so first (`200 OK (should have been 401 invalid_token)` served), its words after:
    /// an error, a refusal, something wrong, or nothing given ("no token issued").
    pub fn refuses(&self) -> bool {
        match self.status {
            Some(status) => status >= 400,
            None => [Error, Denial, Wrong, Withheld]
                .iter()
                .any(|&cue| self.has(cue)),
        }
    }
}

/// The status of a label that starts like an HTTP status line: a number from 100 to 599,
/// after an optional `HTTP/1.1`.
fn status_line(label: &str) -> Option<u16> {
    let mut words = label.split_whitespace();
    let mut first = words.next()?;
    if first.starts_with("HTTP/") {
        first = words.next()?;
    }
    let digits = first.trim_end_matches([',', ':', ';']);
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits
        .parse()
        .ok()
        .filter(|status| (100..600).contains(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_not_substrings() {
        assert!(!Words::new("4001 records").has(Error));
        assert!(Words::new("401 Unauthorized").has(Error));
        assert!(!Words::new("profile, no errors").has(Error));
        assert!(Words::new("error: invalid_token").has(Error));
        assert_eq!(
            Words::new("400 invalid_grant").error_code(),
            Some("invalid_grant")
        );
        assert!(!Words::new("encode").has(Code));
        assert!(Words::new("302 redirect_uri?code&state").has(Code));
        // A grant type named in a label is no authorization endpoint.
        let exchange = Words::new("POST /token grant_type=authorization_code");
        assert!(exchange.has(Token) && !exchange.has(Authorize));
        assert!(Words::new("GET /authorize").has(Authorize));
    }

    #[test]
    fn inflected_words_match_their_plain_form() {
        assert!(Words::new("credentials, consent refused").has(Denial));
        assert!(Words::new("user approved").has(Consent));
        assert!(Words::new("authorization codes").has(Code));
        assert!(Words::new("перенаправление с кодом").has(Code));
        assert!(Words::new("302 на redirect_uri с кодом авторизации").has(Code));
        // Identifiers and numbers match whole or not at all.
        assert!(!Words::new("codec").has(Code));
        assert!(!Words::new("encoded").has(Code));
    }

    #[test]
    fn a_negated_consent_is_a_refusal() {
        for label in [
            "I don't approve",
            "Don't Allow",
            "login, but don\u{2019}t allow",
            "login ok, no consent",
            "do not allow",
            "не разрешаю",
        ] {
            let words = Words::new(label);
            assert!(words.has(Denial), "{label}");
            assert!(!words.has(Consent), "{label}");
        }
        assert!(Words::new("запретить доступ").has(Denial));
        // Other negated words only lose their cue.
        let served = Words::new("profile, no errors");
        assert!(!served.has(Error) && !served.has(Denial));
        assert!(!Words::new("no code yet").has(Code));
    }

    #[test]
    fn a_server_refuses_in_many_words() {
        for label in [
            "refused: code expired",
            "rejected: token was revoked",
            "token expired",
            "the token has expired",
            "no access",
            "доступ запрещён",
            "отказано в доступе",
            "нет доступа",
            "код истёк",
            "токен просрочен",
            // Nothing given, something wrong or already used.
            "no token issued",
            "token not issued",
            "no tokens",
            "no new access token: the refresh token was revoked",
            "wrong code",
            "bad code",
            "Bad Request",
            "code already used",
            "код уже использован",
            "токен не выдан",
        ] {
            assert!(Words::new(label).refuses(), "{label}");
        }
        for label in [
            "access token",
            "profile",
            "доступ разрешён",
            "200 access granted",
            "access and refresh tokens",
            "tokens issued",
            "new access token",
            "токен выдан",
        ] {
            assert!(!Words::new(label).refuses(), "{label}");
        }
        assert!(Words::new("отзыв токена доступа").has(Revoke));
    }

    #[test]
    fn declining_in_plain_words() {
        for label in [
            "No, thanks",
            "no thanks",
            "I do not agree",
            "Отмена",
            "Нет",
            "No.",
        ] {
            assert!(Words::new(label).has(Denial), "{label}");
        }
        for label in ["no errors", "I agree", "нет ошибок", "login, consent"] {
            assert!(!Words::new(label).has(Denial), "{label}");
        }
    }

    #[test]
    fn a_leading_status_settles_refusal() {
        assert!(!Words::new("200 OK (should have been 401 invalid_token)").refuses());
        assert!(!Words::new("HTTP/1.1 200 OK, invalid_token ignored").refuses());
        assert!(Words::new("HTTP/1.1 401 Unauthorized").refuses());
        assert!(Words::new("403: insufficient_scope").refuses());
        assert!(Words::new("error: invalid_token").refuses());
        assert!(!Words::new("profile, no errors").refuses());
        assert!(!Words::new("4001 records").refuses());
        assert_eq!(Words::new("4001 records").status(), None);
    }

    #[test]
    fn the_http_get_method_in_capitals() {
        assert!(Words::new("GET /login").has(HttpGet));
        assert!(Words::new("browser: GET https://as.example/login?x=1").has(HttpGet));
        assert!(!Words::new("get the login page").has(HttpGet));
        assert!(!Words::new("POST /login").has(HttpGet));
    }

    #[test]
    fn refresh_tokens_by_name() {
        for label in [
            "200 {access_token, refresh_token, expires_in: 3600}",
            "access token, refresh token",
            "access and refresh tokens",
            "токен доступа и токен обновления",
        ] {
            assert!(Words::new(label).has(RefreshToken), "{label}");
        }
        assert!(!Words::new("refreshed access token").has(RefreshToken));
        assert!(!Words::new("access token, no refresh token").has(RefreshToken));
    }

    #[test]
    fn russian_words() {
        assert!(Words::new("Перенаправление на сервер").has(Redirect));
        assert!(Words::new("запрос токена").has(Token));
        assert!(Words::new("вход, согласие").has(Login));
        assert!(Words::new("вход, согласие").has(Consent));
        assert!(Words::new("Ошибка").has(Error));
    }
}
