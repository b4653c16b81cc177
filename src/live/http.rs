//! HTTP as the replay sees it: plain request and response values, a [`Transport`] that
//! sends them (over the network with ureq, or in-process to a server library in tests),
//! and the `.http` dump with secrets masked. Redirects are never followed here: the
//! browser driver decides which ones stay within the authorization server.

use std::fmt::Write as _;
use std::time::Duration;

use url::Url;

/// A request as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The full URL, query included.
    pub url: Url,
    /// Header names and values, in the order sent.
    pub headers: Vec<(String, String)>,
    /// An `application/x-www-form-urlencoded` body, for `POST`.
    pub form: Option<String>,
}

/// A response as received.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy for non-UTF-8 bytes).
    pub body: String,
}

impl HttpResponse {
    /// Every value of header `name` (lower case).
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request and returns the response, following no redirect.
pub trait Transport {
    /// Sends `request`; an error is a transport failure (refused, timed out), never a
    /// status code.
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String>;
}

/// The network transport: ureq with rustls, no redirects, a bounded time per request
/// and a bounded body.
pub struct NetworkTransport {
    agent: ureq::Agent,
}

/// Largest body read: login pages and token responses are small; anything bigger is not
/// an authorization server's answer.
const BODY_LIMIT: u64 = 1 << 20;

impl NetworkTransport {
    /// A transport whose every request must finish within `timeout`.
    pub fn new(timeout: Duration) -> NetworkTransport {
        let agent = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent(concat!("authflow/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        NetworkTransport { agent }
    }
}

impl Transport for NetworkTransport {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let mut builder = ureq::http::Request::builder()
            .method(request.method)
            .uri(request.url.as_str());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if request.form.is_some() {
            builder = builder.header("Content-Type", "application/x-www-form-urlencoded");
        }
        let body = request.form.clone().unwrap_or_default().into_bytes();
        let built = builder.body(body).map_err(|e| e.to_string())?;
        let mut response = self
            .agent
            .run(built)
            .map_err(|error| format!("{} {}: {error}", request.method, origin(&request.url)))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(|error| format!("{} {}: {error}", request.method, origin(&request.url)))?;
        Ok(HttpResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// `scheme://host:port`, how the allow-list compares URLs.
pub fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// One request and what came back, with the flow line that caused it.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The flow line whose message this request carries.
    pub line: usize,
    /// `from -> to` of that message.
    pub message: String,
    /// The request.
    pub request: HttpRequest,
    /// The response.
    pub response: HttpResponse,
}

/// Writes `exchanges` as a `.http` file (the format of the JetBrains and VS Code REST
/// clients: `###` separates requests), responses as `#` comments. Every secret value in
/// `secrets` is replaced by `***`, wherever it appears: URL, headers, body.
pub fn dump_http(exchanges: &[Exchange], secrets: &[String]) -> String {
    let mut out = String::new();
    for exchange in exchanges {
        let request = &exchange.request;
        let _ = writeln!(out, "### line {}: {}", exchange.line, exchange.message);
        let _ = writeln!(out, "{} {}", request.method, request.url);
        for (name, value) in &request.headers {
            let _ = writeln!(out, "{name}: {value}");
        }
        if let Some(form) = &request.form {
            let _ = writeln!(out, "Content-Type: application/x-www-form-urlencoded\n");
            let _ = writeln!(out, "{form}");
        }
        let response = &exchange.response;
        let _ = writeln!(out, "\n# HTTP {}", response.status);
        for (name, value) in &response.headers {
            if matches!(name.as_str(), "location" | "content-type" | "set-cookie") {
                let _ = writeln!(out, "# {name}: {value}");
            }
        }
        if response
            .header("content-type")
            .is_some_and(|t| t.contains("json"))
        {
            let _ = writeln!(out, "# {}", response.body.trim());
        }
        out.push('\n');
    }
    mask(&out, secrets)
}

/// Replaces every occurrence of each secret (raw or URL-encoded) by `***`. Longer
/// secrets go first so that one secret containing another is masked whole.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut sorted: Vec<&String> = secrets.iter().filter(|s| s.len() >= 4).collect();
    sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = text.to_string();
    for secret in sorted {
        let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        out = out.replace(secret.as_str(), "***");
        if encoded != *secret {
            out = out.replace(&encoded, "***");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_covers_raw_and_encoded_secrets() {
        let text = "code=abc/def+1 and abc%2Fdef%2B1 and the password hunter22";
        let masked = mask(text, &["abc/def+1".into(), "hunter22".into()]);
        assert_eq!(masked, "code=*** and *** and the password ***");
    }

    #[test]
    fn dump_writes_requests_and_masks_them() {
        let exchange = Exchange {
            line: 9,
            message: "be -> auth_server_be".into(),
            request: HttpRequest {
                method: "POST",
                url: Url::parse("http://127.0.0.1:1/token").unwrap(),
                headers: vec![("Authorization".into(), "Basic c2VjcmV0".into())],
                form: Some("grant_type=authorization_code&code=real-code-value".into()),
            },
            response: HttpResponse {
                status: 400,
                headers: vec![("content-type".into(), "application/json".into())],
                body: "{\"error\":\"invalid_grant\"}".into(),
            },
        };
        let dump = dump_http(
            &[exchange],
            &["real-code-value".into(), "Basic c2VjcmV0".into()],
        );
        assert!(
            dump.starts_with("### line 9: be -> auth_server_be\nPOST http://127.0.0.1:1/token\n")
        );
        assert!(dump.contains("Authorization: ***"));
        assert!(dump.contains("code=***"));
        assert!(dump.contains("# HTTP 400"));
        assert!(dump.contains("# {\"error\":\"invalid_grant\"}"));
        assert!(!dump.contains("real-code-value"));
    }
}
