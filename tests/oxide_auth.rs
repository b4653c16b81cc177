//! `authflow replay` against oxide-auth, a Rust OAuth 2.0 server library, in process:
//! an [`authflow::live::http::Transport`] routes each request to oxide-auth's endpoint
//! flows (no sockets), behind a login page of its own as a web framework would put in
//! front of it. The replay must report exactly oxide-auth's known departures, each named
//! by the invariant that catches it: it accepts a PKCE downgrade (`pkce_no_downgrade`),
//! answers a replayed code and a wrong verifier with `invalid_request` where RFC 6749
//! §5.2 calls for `invalid_grant` (`code_single_use`, `pkce_verifier_match` warnings),
//! and keeps serving the tokens of a replayed code (`token_valid_at_rs`). The full
//! three-way tables are a reviewed snapshot, `tests/fidelity/oxide-auth.snap`.

use std::collections::HashMap;

use authflow::SourceFile;
use authflow::check::CheckOptions;
use authflow::live::config::{Config, ResolvedEndpoints};
use authflow::live::http::{HttpRequest, HttpResponse, Transport};
use authflow::live::{replay_live, report};
use authflow::syntax::parse;
use oxide_auth::endpoint::{
    AccessTokenFlow, AuthorizationFlow, OwnerConsent, ResourceFlow, Solicitation,
};
use oxide_auth::frontends::simple::endpoint::{FnSolicitor, Generic, Vacant};
use oxide_auth::frontends::simple::extensions::{AddonList, Extended, Pkce};
use oxide_auth::frontends::simple::request::{Body, Request, Response, Status};
use oxide_auth::primitives::authorizer::AuthMap;
use oxide_auth::primitives::generator::RandomGenerator;
use oxide_auth::primitives::issuer::TokenMap;
use oxide_auth::primitives::registrar::{
    Client, ClientMap, PasswordPolicy, RegisteredUrl, RegistrarError,
};
use oxide_auth::primitives::scope::Scope;
use sha2::{Digest, Sha256};
use url::Url;

const BASE: &str = "http://oxide.test";

/// Client secrets stored as SHA-256: oxide-auth's default Argon2 costs seconds per
/// check in a debug build, and the policy is not what is under test.
struct Sha256Policy;

impl PasswordPolicy for Sha256Policy {
    fn store(&self, client_id: &str, passphrase: &[u8]) -> Vec<u8> {
        Sha256::new()
            .chain_update(client_id)
            .chain_update(passphrase)
            .finalize()
            .to_vec()
    }

    fn check(&self, id: &str, passphrase: &[u8], stored: &[u8]) -> Result<(), RegistrarError> {
        if self.store(id, passphrase) == stored {
            Ok(())
        } else {
            Err(RegistrarError::Unspecified)
        }
    }
}

/// oxide-auth with the default world's registrations and users, and a login page.
struct OxideServer {
    registrar: ClientMap,
    authorizer: AuthMap<RandomGenerator>,
    issuer: TokenMap<RandomGenerator>,
    pkce: AddonList,
    users: HashMap<&'static str, &'static str>,
    sessions: HashMap<String, String>,
}

impl OxideServer {
    fn new() -> OxideServer {
        let url = |u: &str| RegisteredUrl::Semantic(u.parse().unwrap());
        let scope: Scope = "profile".parse().unwrap();
        let mut registrar = ClientMap::new();
        registrar.set_password_policy(Sha256Policy);
        for (id, uri, secret) in [
            ("client-1", "https://client.example/callback", "secret-1"),
            ("client-2", "https://client2.example/callback", "secret-2"),
        ] {
            registrar.register_client(Client::confidential(
                id,
                url(uri),
                scope.clone(),
                secret.as_bytes(),
            ));
        }
        registrar.register_client(Client::public(
            "photo-app",
            url("com.example.photos:/oauth2redirect"),
            scope,
        ));
        // PKCE as the default world has it: accepted, not demanded.
        let mut pkce = AddonList::new();
        pkce.push_code(Pkce::optional());
        OxideServer {
            registrar,
            authorizer: AuthMap::new(RandomGenerator::new(16)),
            issuer: TokenMap::new(RandomGenerator::new(16)),
            pkce,
            users: HashMap::from([("alice", "alice-password"), ("mallory", "mallory-password")]),
            sessions: HashMap::new(),
        }
    }

    /// oxide-auth checks the request first; only a valid one reaches the solicitor,
    /// which shows the login page until the browser has a session.
    fn authorize(&mut self, request: &HttpRequest) -> HttpResponse {
        let cookie = header(request, "cookie").unwrap_or_default();
        let user = cookie
            .split("; ")
            .find_map(|c| c.strip_prefix("session="))
            .and_then(|id| self.sessions.get(id).cloned());
        let query = request.url.query().unwrap_or_default().to_string();
        let oxide_request = Request {
            query: request.url.query_pairs().into_owned().collect(),
            ..Request::default()
        };
        let solicitor = FnSolicitor(move |_: &mut Request, _: Solicitation| match &user {
            Some(user) => OwnerConsent::Authorized(user.clone()),
            None => OwnerConsent::InProgress(login_page(&query)),
        });
        let endpoint = Generic {
            registrar: &self.registrar,
            authorizer: &mut self.authorizer,
            issuer: &mut self.issuer,
            solicitor,
            scopes: Vacant,
            response: Vacant,
        };
        let mut endpoint = Extended::extend_with(endpoint, &mut self.pkce);
        let response = AuthorizationFlow::prepare(&mut endpoint)
            .map_err(|_| ())
            .and_then(|mut flow| flow.execute(oxide_request).map_err(|_| ()));
        match response {
            Ok(response) => to_http(response),
            Err(()) => error_page(),
        }
    }

    fn login(&mut self, request: &HttpRequest) -> HttpResponse {
        let form: HashMap<String, String> = form(request);
        let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
        let return_to = field("return_to");
        if self.users.get(field("login")) != Some(&field("password")) {
            return to_http(login_page(return_to));
        }
        let session = format!("s{}", self.sessions.len() + 1);
        self.sessions
            .insert(session.clone(), field("login").to_string());
        HttpResponse {
            status: 302,
            headers: vec![
                ("location".into(), format!("/authorize?{return_to}")),
                (
                    "set-cookie".into(),
                    format!("session={session}; Path=/; HttpOnly"),
                ),
            ],
            body: String::new(),
        }
    }

    fn token(&mut self, request: &HttpRequest) -> HttpResponse {
        let oxide_request = Request {
            urlbody: form(request),
            auth: header(request, "authorization").map(str::to_string),
            ..Request::default()
        };
        let endpoint = Generic {
            registrar: &self.registrar,
            authorizer: &mut self.authorizer,
            issuer: &mut self.issuer,
            solicitor: Vacant,
            scopes: Vacant,
            response: Vacant,
        };
        let mut endpoint = Extended::extend_with(endpoint, &mut self.pkce);
        match AccessTokenFlow::prepare(&mut endpoint)
            .map_err(|_| ())
            .and_then(|mut flow| flow.execute(oxide_request).map_err(|_| ()))
        {
            Ok(response) => to_http(response),
            Err(()) => error_page(),
        }
    }

    fn api(&mut self, request: &HttpRequest) -> HttpResponse {
        let oxide_request = Request {
            auth: header(request, "authorization").map(str::to_string),
            ..Request::default()
        };
        let scopes: Vec<Scope> = vec!["profile".parse().unwrap()];
        let mut endpoint = Generic {
            registrar: Vacant,
            authorizer: Vacant,
            issuer: &mut self.issuer,
            solicitor: Vacant,
            scopes,
            response: Vacant,
        };
        let Ok(mut flow) = ResourceFlow::prepare(&mut endpoint) else {
            return error_page();
        };
        match flow.execute(oxide_request) {
            Ok(_grant) => HttpResponse {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: "{\"resource\":true}".into(),
            },
            Err(Ok(response)) => to_http(response),
            Err(Err(_)) => error_page(),
        }
    }
}

impl Transport for OxideServer {
    fn send(&mut self, request: &HttpRequest) -> Result<HttpResponse, String> {
        assert_eq!(
            request.url.origin().ascii_serialization(),
            BASE,
            "{}",
            request.url
        );
        Ok(match (request.method, request.url.path()) {
            ("GET", "/authorize") => self.authorize(request),
            ("POST", "/login") => self.login(request),
            ("POST", "/token") => self.token(request),
            ("GET", "/api") => self.api(request),
            _ => HttpResponse {
                status: 404,
                headers: Vec::new(),
                body: String::new(),
            },
        })
    }
}

fn header<'a>(request: &'a HttpRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn form(request: &HttpRequest) -> HashMap<String, String> {
    url::form_urlencoded::parse(request.form.as_deref().unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

fn login_page(return_to: &str) -> Response {
    let escaped = return_to.replace('&', "&amp;").replace('"', "&quot;");
    Response {
        status: Status::Ok,
        body: Some(Body::Text(format!(
            r#"<form method="post" action="/login">
            <input type="hidden" name="return_to" value="{escaped}">
            <input name="login"><input type="password" name="password">
            <button>Sign in</button></form>"#
        ))),
        ..Response::default()
    }
}

fn error_page() -> HttpResponse {
    HttpResponse {
        status: 400,
        headers: vec![("content-type".into(), "text/html".into())],
        body: "<h1>invalid request</h1>".into(),
    }
}

fn to_http(response: Response) -> HttpResponse {
    let status = match response.status {
        Status::Ok => 200,
        Status::Redirect => 302,
        Status::BadRequest => 400,
        Status::Unauthorized => 401,
    };
    let mut headers = Vec::new();
    if let Some(location) = response.location {
        headers.push(("location".to_string(), location.to_string()));
    }
    if let Some(challenge) = response.www_authenticate {
        headers.push(("www-authenticate".to_string(), challenge));
    }
    let body = match response.body {
        Some(Body::Json(json)) => {
            headers.push(("content-type".into(), "application/json".into()));
            json
        }
        Some(Body::Text(text)) => {
            headers.push(("content-type".into(), "text/html".into()));
            text
        }
        None => String::new(),
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

/// Replays one flow of the catalogue against a fresh oxide-auth: the report, and the
/// departures as (flow, invariant, known).
fn replay(path: &str, config: &Config) -> (String, Vec<(String, String, bool)>) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join(path)).unwrap();
    let file = SourceFile::new(path, text);
    let flow = parse(&file).unwrap();
    let endpoints = ResolvedEndpoints {
        authorization: Url::parse(&format!("{BASE}/authorize")).unwrap(),
        token: Url::parse(&format!("{BASE}/token")).unwrap(),
        revocation: None,
        api: Some(Url::parse(&format!("{BASE}/api")).unwrap()),
    };
    let mut server = OxideServer::new();
    let live = replay_live(
        &file,
        &flow,
        config,
        &endpoints,
        &mut server,
        &CheckOptions::default(),
    )
    .unwrap_or_else(|error| panic!("{path}: {error:?}"));
    let new = report::new_departures(path, config, &live.comparison);
    let departures = live
        .comparison
        .departures
        .iter()
        .map(|d| {
            let id = d.invariant.unwrap_or("(no invariant)").to_string();
            (path.to_string(), id, !new.contains(&d))
        })
        .collect();
    (report::render(path, config, &live.comparison), departures)
}

#[test]
fn oxide_auth_departs_exactly_where_known() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let toml = std::fs::read_to_string(root.join("tests/fidelity/oxide-auth.toml")).unwrap();
    let config = Config::from_toml(&toml).unwrap();
    let flows = [
        "flows/authorization_code.flow",
        "flows/attacks/client_impersonation.flow",
        "flows/attacks/code_injection.flow",
        "flows/attacks/code_leak_via_referer.flow",
        "flows/attacks/code_replay.flow",
        "flows/attacks/login_csrf_without_state.flow",
        "flows/attacks/pkce_downgrade.flow",
        "flows/attacks/public_client_without_pkce.flow",
        "flows/attacks/redirect_uri_manipulation.flow",
        "flows/token_valid_at_rs/violated.flow",
    ];
    let mut reports = Vec::new();
    let mut departures = Vec::new();
    for flow in flows {
        let (report, found) = replay(flow, &config);
        reports.push(report);
        departures.extend(found);
    }
    let all = reports.join("\n");
    let new: Vec<_> = departures.iter().filter(|d| !d.2).collect();
    assert!(
        new.is_empty(),
        "departures not in oxide-auth.toml: {new:?}\n{all}"
    );
    for known in &config.known {
        let flow = known.flow.as_deref().unwrap_or_default();
        assert!(
            departures
                .iter()
                .any(|(f, id, _)| f.ends_with(flow) && *id == known.invariant),
            "oxide-auth.toml lists `{}` in `{flow}`, which no longer departs:\n{all}",
            known.invariant
        );
    }
    // The three departures the issue names, each caught by its invariant.
    let ids: std::collections::BTreeSet<&str> =
        departures.iter().map(|(_, id, _)| id.as_str()).collect();
    assert_eq!(
        ids.into_iter().collect::<Vec<_>>(),
        [
            "code_single_use",
            "pkce_no_downgrade",
            "pkce_verifier_match",
            "token_valid_at_rs"
        ]
    );
    insta::with_settings!({ snapshot_path => "fidelity", prepend_module_to_snapshot => false, omit_expression => true }, {
        insta::assert_snapshot!("oxide-auth", all);
    });
}
