//! The generic HTML-form driver: a login page is the form with a password field; a
//! consent page is a form without one, submitted with its approving (or, for a denial,
//! its refusing) button. No server-specific selectors: the same rules fit oidc-provider's
//! interactions and Keycloak-style pages. HTML is parsed with `scraper` (html5ever), so
//! real-world markup is read as a browser reads it.

use scraper::{ElementRef, Html, Selector};
use url::Url;

/// A form found on a page, ready to fill and submit.
#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// Where it submits, resolved against the page URL.
    pub action: Url,
    /// Its fields with their initial values (hidden inputs included), in document order.
    pub fields: Vec<(String, String)>,
    /// The name of the password field, if it has one.
    pub password_field: Option<String>,
    /// The name of the field the login goes into: the first text-like input.
    pub login_field: Option<String>,
    /// Its submit buttons: name, value and visible text.
    pub buttons: Vec<Button>,
}

/// A submit button of a form.
#[derive(Clone, Debug, PartialEq)]
pub struct Button {
    /// Its `name`, if it has one (then `name=value` is submitted).
    pub name: Option<String>,
    /// Its `value`.
    pub value: String,
    /// Its text, for recognising approve and deny.
    pub text: String,
}

/// What a page asks of the user.
#[derive(Clone, Debug, PartialEq)]
pub enum PageKind {
    /// A form with a password field.
    Login(Form),
    /// A form without one: consent (or any other confirmation).
    Consent(Form),
    /// No form: an error or information page.
    Other,
}

/// Reads the forms on `html`, served from `page_url`, and says what the page asks for.
pub fn classify(html: &str, page_url: &Url) -> PageKind {
    let forms = forms(html, page_url);
    if let Some(login) = forms.iter().find(|f| f.password_field.is_some()) {
        return PageKind::Login(login.clone());
    }
    match forms
        .into_iter()
        .find(|f| !f.buttons.is_empty() || f.method == "POST")
    {
        Some(form) => PageKind::Consent(form),
        None => PageKind::Other,
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("selectors in this file are valid CSS")
}

/// Every form on the page.
pub fn forms(html: &str, page_url: &Url) -> Vec<Form> {
    let document = Html::parse_document(html);
    let fields = selector("input, select, textarea, button");
    document
        .select(&selector("form"))
        .filter_map(|form| read_form(form, &fields, page_url))
        .collect()
}

fn read_form(form: ElementRef<'_>, fields: &Selector, page_url: &Url) -> Option<Form> {
    let attr = |name: &str| form.value().attr(name);
    let action = match attr("action").filter(|a| !a.trim().is_empty()) {
        Some(action) => page_url.join(action.trim()).ok()?,
        None => page_url.clone(),
    };
    let method = if attr("method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
        "POST"
    } else {
        "GET"
    };
    let mut out = Form {
        method,
        action,
        fields: Vec::new(),
        password_field: None,
        login_field: None,
        buttons: Vec::new(),
    };
    for element in form.select(fields) {
        let el = element.value();
        let name = el.attr("name").map(str::to_string);
        let value = el.attr("value").unwrap_or_default().to_string();
        let kind = el.attr("type").unwrap_or("").to_ascii_lowercase();
        let tag = el.name();
        let is_button = (tag == "button" && matches!(kind.as_str(), "" | "submit"))
            || (tag == "input" && matches!(kind.as_str(), "submit" | "image"));
        if is_button {
            let text = element.text().collect::<String>().trim().to_string();
            out.buttons.push(Button { name, value, text });
            continue;
        }
        let Some(name) = name else { continue };
        match (tag, kind.as_str()) {
            ("input", "password") => out.password_field = Some(name.clone()),
            ("input", "" | "text" | "email" | "tel") if out.login_field.is_none() => {
                out.login_field = Some(name.clone())
            }
            ("input", "checkbox" | "radio") if el.attr("checked").is_none() => continue,
            ("input", "button" | "reset" | "file") | ("button", _) => continue,
            _ => {}
        }
        out.fields.push((name, value));
    }
    Some(out)
}

/// Words on a button that approve, and that refuse.
const APPROVE: &[&str] = &[
    "allow",
    "accept",
    "approve",
    "authorize",
    "authorise",
    "yes",
    "continue",
    "grant",
    "ok",
    "confirm",
    "consent",
];
const REFUSE: &[&str] = &[
    "deny", "cancel", "reject", "abort", "no", "decline", "refuse",
];

impl Form {
    /// The body (or query) of this form filled with `login` and `password`.
    pub fn fill_login(&self, login: &str, password: &str) -> String {
        let mut fields = self.fields.clone();
        for (name, value) in &mut fields {
            if Some(&*name) == self.login_field.as_ref() {
                *value = login.to_string();
            } else if Some(&*name) == self.password_field.as_ref() {
                *value = password.to_string();
            }
        }
        let button = self.button(APPROVE, REFUSE);
        encode(fields, button)
    }

    /// The body (or query) of this form submitted with its approving button, or its
    /// refusing one when `approve` is false.
    pub fn decide(&self, approve: bool) -> Option<String> {
        let button = if approve {
            self.button(APPROVE, REFUSE)
        } else {
            Some(self.buttons.iter().find(|b| has_word(b, REFUSE))?)
        };
        Some(encode(self.fields.clone(), button))
    }

    /// The button whose text or value has one of `wanted`, else the first that has
    /// none of `unwanted`.
    fn button(&self, wanted: &[&str], unwanted: &[&str]) -> Option<&Button> {
        self.buttons
            .iter()
            .find(|b| has_word(b, wanted))
            .or_else(|| self.buttons.iter().find(|b| !has_word(b, unwanted)))
    }
}

fn has_word(button: &Button, words: &[&str]) -> bool {
    let text = format!(
        "{} {} {}",
        button.name.as_deref().unwrap_or(""),
        button.value,
        button.text
    )
    .to_lowercase();
    text.split(|c: char| !c.is_alphanumeric())
        .any(|word| words.contains(&word))
}

fn encode(fields: Vec<(String, String)>, button: Option<&Button>) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &fields {
        serializer.append_pair(name, value);
    }
    if let Some(Button {
        name: Some(name),
        value,
        ..
    }) = button
    {
        serializer.append_pair(name, value);
    }
    serializer.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> Url {
        Url::parse("http://as.example/interaction/abc").unwrap()
    }

    #[test]
    fn finds_the_login_form_among_others_and_fills_it() {
        let html = r#"<html><body>
            <form action="/search"><input name="q"></form>
            <form method="POST" action="/interaction/abc/login">
              <input type="hidden" name="csrf" value="t0k">
              <label>Email <input type="email" name="login" placeholder="you"></label>
              <input type="password" name="password">
              <input type="checkbox" name="remember">
              <button type="submit">Sign in</button>
            </form></body></html>"#;
        let PageKind::Login(form) = classify(html, &page()) else {
            panic!("no login form found");
        };
        assert_eq!(form.method, "POST");
        assert_eq!(
            form.action.as_str(),
            "http://as.example/interaction/abc/login"
        );
        assert_eq!(
            form.fill_login("alice", "p&ss word"),
            "csrf=t0k&login=alice&password=p%26ss+word"
        );
    }

    #[test]
    fn keycloak_style_consent_is_approved_or_denied_by_its_buttons() {
        let html = r#"<form action="login-actions/consent?code=x" method="post">
            <input type="hidden" name="code" value="c1">
            <input name="accept" id="kc-login" type="submit" value="Yes">
            <input name="cancel" id="kc-cancel" type="submit" value="No">
            </form>"#;
        let PageKind::Consent(form) = classify(html, &page()) else {
            panic!("no consent form found");
        };
        assert_eq!(form.decide(true).as_deref(), Some("code=c1&accept=Yes"));
        assert_eq!(form.decide(false).as_deref(), Some("code=c1&cancel=No"));
    }

    #[test]
    fn a_page_without_forms_is_other() {
        assert_eq!(
            classify("<h1>oops</h1><p>invalid_request</p>", &page()),
            PageKind::Other
        );
    }
}
