//! The client's side: its front end and back end share the session store in which it
//! binds each browser's authorization request (state, PKCE verifier); user agents carry
//! redirects to its callback; its back end redeems codes.

use super::*;

/// The authorization request a client prepared in one browser session.
#[derive(Clone, Debug, Default)]
pub(super) struct Prepared {
    client_id: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    state: Option<String>,
    verifier: Option<String>,
    challenge: Option<String>,
    method: Option<String>,
    /// The step that bound this request to the session.
    bound_at: StepId,
    /// Whether the browser has already taken it to the authorization endpoint.
    sent: bool,
}

impl Simulator {
    /// The request a browser takes to the authorization endpoint: the one the client
    /// already bound to its session, or a new one the client (front end) prepares now.
    pub(super) fn authorization_request_defaults(&mut self, sent: &Sent, out: &mut Outgoing) {
        let session = if sent.kind == StepKind::AuthorizationRedirect {
            sent.to
        } else {
            sent.from
        };
        let reuse = sent.kind == StepKind::AuthorizationRequest
            && self.sessions.get(session).is_some_and(|p| !p.sent);
        if !reuse {
            let prepared = self.prepare(sent, &mut out.generated);
            self.sessions.insert(session.to_string(), prepared);
        }
        let prepared = &self.sessions[session];
        let params = &mut out.params;
        params.set("response_type", Some("code"));
        params.set("client_id", prepared.client_id.clone());
        params.set("redirect_uri", prepared.redirect_uri.clone());
        params.set("scope", prepared.scope.clone());
        params.set("state", prepared.state.clone());
        params.set("code_challenge", prepared.challenge.clone());
        params.set("code_challenge_method", prepared.method.clone());
    }

    /// The client prepares an authorization request: fresh state and, for PKCE clients,
    /// a verifier whose S256 challenge goes into the request.
    /// The challenge follows the method the author wrote on the request (S256 unless it
    /// says `plain`), so that a plain-PKCE client is modelled, not a broken S256 one.
    fn prepare(&mut self, sent: &Sent, generated: &mut Vec<String>) -> Prepared {
        let client = self.world.client.clone();
        let state = self.fresh("state");
        generated.push(state.clone());
        let (verifier, challenge, method) = if client.uses_pkce {
            let verifier = self.fresh_verifier();
            generated.push(verifier.clone());
            let (challenge, method) = match sent.written("code_challenge_method") {
                Some(Some("plain")) => (verifier.clone(), "plain"),
                _ => (s256(&verifier), "S256"),
            };
            (Some(verifier), Some(challenge), Some(method.to_string()))
        } else {
            (None, None, None)
        };
        Prepared {
            client_id: Some(client.id.clone()),
            redirect_uri: client.redirect_uris.first().cloned(),
            scope: Some(client.scope.clone()),
            state: Some(state),
            verifier,
            challenge,
            method,
            bound_at: sent.id,
            sent: false,
        }
    }

    /// What the client binds to the session is what it actually put in the request it
    /// built: overrides on that message change the binding; a browser tampering with a
    /// request prepared earlier does not.
    pub(super) fn bind_session(
        &mut self,
        kind: StepKind,
        from: &str,
        to: &str,
        id: StepId,
        params: &Params,
    ) {
        let session_owner = if kind == StepKind::AuthorizationRedirect {
            to
        } else {
            from
        };
        let clients: Vec<String> = self
            .roles
            .iter()
            .filter(|(_, r)| **r == Role::Client)
            .map(|(n, _)| n.clone())
            .collect();
        let Some(prepared) = self.sessions.get_mut(session_owner) else {
            return;
        };
        if prepared.bound_at == id {
            prepared.client_id = params.get("client_id").map(str::to_string);
            prepared.redirect_uri = params.get("redirect_uri").map(str::to_string);
            prepared.scope = params.get("scope").map(str::to_string);
            prepared.state = params.get("state").map(str::to_string);
            prepared.challenge = params.get("code_challenge").map(str::to_string);
            prepared.method = params.get("code_challenge_method").map(str::to_string);
            if prepared.challenge.is_none() {
                prepared.verifier = None;
            }
        }
        if kind == StepKind::AuthorizationRequest {
            prepared.sent = true;
        }
        // The session lives in the client: its back end knows what the front end bound.
        let values: Vec<String> = [&prepared.state, &prepared.verifier]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for client in clients {
            for value in &values {
                self.learn(&client, value, id);
            }
        }
    }

    /// A user agent follows the redirect it holds.
    pub(super) fn callback_defaults(&self, sent: &Sent, out: &mut Outgoing) {
        if let Some(held) = self.held_redirect.get(sent.from) {
            out.params = held.clone();
        }
    }

    /// A user agent handed a redirect to the client's callback, by the AS or through a
    /// link an attacker planted, holds it until it follows it.
    pub(super) fn hold_redirect(&mut self, sent: &Sent, params: &Params) {
        if sent.to_role.is_user_agent()
            && (sent.kind == StepKind::AuthorizationResponse || params.get("code").is_some())
        {
            let mut redirect = Params::default();
            for key in ["code", "state", "error", "access_token"] {
                redirect.set(key, params.get(key));
            }
            self.held_redirect.insert(sent.to.to_string(), redirect);
        }
    }

    pub(super) fn callback(&mut self, id: StepId, browser: &str, client: &str, params: &Params) {
        let session_state = self
            .sessions
            .get(browser)
            .and_then(|p| p.state.clone().map(|s| (s, p.bound_at)));
        self.last_callback
            .insert(client.to_string(), self.callbacks.len());
        self.callbacks.push(Callback {
            step: id,
            browser: browser.to_string(),
            client: client.to_string(),
            code: params.get("code").map(str::to_string),
            state: params.get("state").map(str::to_string),
            session_state,
        });
    }

    /// The grant a token request uses: as written, else a refresh when the label says
    /// so, else the authorization code grant this tool is about.
    pub(super) fn grant_type(sent: &Sent) -> Option<String> {
        match sent.written("grant_type") {
            Some(written) => written.map(str::to_string),
            None if sent.hint.any(&["refresh"]) => Some("refresh_token".to_string()),
            None => Some("authorization_code".to_string()),
        }
    }

    /// What a token request carries. For the code grant: the code the sender received
    /// (the back end: through its latest callback), the redirect_uri and PKCE verifier
    /// bound to that session; for a refresh: the sender's latest refresh token. The
    /// client's back end authenticates with its secret either way.
    pub(super) fn token_request_defaults(&self, sent: &Sent, params: &mut Params) {
        let client = &self.world.client;
        let grant = Self::grant_type(sent);
        let code_grant = grant.as_deref() == Some("authorization_code");
        let (code, session) = match sent.from_role {
            _ if !code_grant => (None, None),
            Role::Client => match self
                .last_callback
                .get(sent.from)
                .map(|&c| &self.callbacks[c])
            {
                Some(callback) => (callback.code.clone(), self.sessions.get(&callback.browser)),
                None => (self.last_code.get(sent.from).cloned(), None),
            },
            _ => (
                self.last_code.get(sent.from).cloned(),
                self.sessions.get(sent.from),
            ),
        };
        params.set("grant_type", grant.clone());
        if code_grant {
            params.set("code", code);
            let redirect_uri = session
                .and_then(|s| s.redirect_uri.clone())
                .or_else(|| client.redirect_uris.first().cloned());
            params.set("redirect_uri", redirect_uri);
        } else if grant.as_deref() == Some("refresh_token") {
            params.set("refresh_token", self.last_refresh.get(sent.from).cloned());
        }
        params.set("client_id", Some(client.id.clone()));
        if sent.from_role == Role::Client {
            params.set("client_secret", client.secret.clone());
        }
        params.set("code_verifier", session.and_then(|s| s.verifier.clone()));
    }

    /// What a leak hands the attacker, read from the label: a URL (Referer, history, the
    /// redirect itself) is the whole callback URL, the state travelling with the code when
    /// the sender has it; a token is the sender's latest.
    pub(super) fn leak_defaults(&self, sent: &Sent, out: &mut Outgoing) {
        let hint = &sent.hint;
        let params = &mut out.params;
        if hint.any(&[
            "code", "url", "referer", "referrer", "history", "redirect", "callback",
        ]) {
            let code = self.last_code.get(sent.from).cloned();
            params.set("code", code.clone());
            if hint.any(&[
                "url", "referer", "referrer", "history", "callback", "redirect",
            ]) {
                let state = code
                    .as_ref()
                    .and_then(|c| {
                        self.responses
                            .iter()
                            .rev()
                            .find(|r| r.code.as_ref() == Some(c))
                    })
                    .and_then(|r| r.state.clone())
                    .filter(|s| {
                        self.knowledge
                            .get(sent.from)
                            .is_some_and(|k| k.contains_key(s))
                    });
                params.set("state", state);
            }
        }
        if hint.any(&["token"]) {
            params.set("access_token", self.last_token.get(sent.from).cloned());
        }
    }
}
