//! The authorization server's side: authorization transactions, the login and consent
//! page, codes and their bindings, the token endpoint, and tokens (revoked on replay).

use super::*;

impl Simulator {
    /// The user types credentials: a label saying they are wrong makes the next login fail.
    pub(super) fn enter_credentials(&mut self, sent: &Sent) {
        if sent
            .hint
            .any(&["wrong", "invalid", "typo", "incorrect", "bad"])
        {
            self.mistyped_password = true;
        }
    }

    /// Credentials and consent as the login page submits them: the first user (an
    /// attacker logs in to its own account, the first of the further users), the right
    /// password unless the user mistyped, consent to the requested scope.
    pub(super) fn login_defaults(&self, sent: &Sent, out: &mut Outgoing) {
        let user = match sent.from_role {
            Role::Attacker => self.world.users.get(1),
            _ => self.world.users.first(),
        }
        .cloned();
        let wrong =
            self.mistyped_password || sent.hint.any(&["wrong", "invalid", "incorrect", "typo"]);
        let params = &mut out.params;
        // Once logged in, the user only answers the consent page: no credentials again.
        let logged_in = self
            .current_transaction
            .is_some_and(|t| self.transactions[t].authenticated());
        if !logged_in {
            params.set("username", user.as_ref().map(|u| u.name.clone()));
            let password = if wrong {
                Some("wrong-password".to_string())
            } else {
                user.map(|u| u.password)
            };
            params.set("password", password);
        }
        let requested = self
            .current_transaction
            .map(|t| self.transactions[t].scope.join(" "));
        params.set("scope", requested.filter(|s| !s.is_empty()));
    }

    /// The redirect back to the client: `access_denied` after a denial, the error a label
    /// names, otherwise a fresh code; the request's state either way.
    pub(super) fn authorization_response_defaults(&mut self, sent: &Sent, out: &mut Outgoing) {
        let transaction = self.current_transaction.map(|t| &self.transactions[t]);
        let denied = transaction.is_some_and(|t| t.denied_at.is_some()) || sent.hint.denial();
        let state = transaction.and_then(|t| t.state.clone());
        if denied {
            out.params.set("error", Some("access_denied"));
        } else if sent.hint.error() {
            out.params.set(
                "error",
                Some(error_word(sent.label).unwrap_or("invalid_request")),
            );
        } else {
            let code = self.fresh("code");
            out.generated.push(code.clone());
            out.params.set("code", Some(code));
        }
        out.params.set("state", state);
    }

    /// The token endpoint's answer: the error a label names, or a fresh bearer token with
    /// the scope the code was issued for.
    pub(super) fn token_response_defaults(&mut self, sent: &Sent, out: &mut Outgoing) {
        if sent.hint.error() {
            out.params.set(
                "error",
                Some(error_word(sent.label).unwrap_or("invalid_grant")),
            );
            return;
        }
        let token = self.fresh("token");
        out.generated.push(token.clone());
        out.params.set("access_token", Some(token));
        out.params.set("token_type", Some("Bearer"));
        let scope = self
            .redemption_answered_to(sent.to)
            .map(|r| self.granted_scope(r).join(" "));
        out.params.set("scope", scope.filter(|s| !s.is_empty()));
    }

    /// The scope the grant behind a token request stands for: its code's, or that of the
    /// refresh token it presents.
    fn granted_scope(&self, redemption: usize) -> Vec<String> {
        let redemption = &self.redemptions[redemption];
        match (&redemption.code, &redemption.refresh_token) {
            (Some(code), _) => code.scope.clone(),
            (None, Some(refresh)) => self
                .refresh_scopes
                .get(refresh)
                .cloned()
                .unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }

    /// The AS shows its login page (it goes on with the request) or an error page (it
    /// refuses it).
    pub(super) fn page(&mut self, sent: &Sent) {
        if let Some(t) = self.current_transaction {
            let transaction = &mut self.transactions[t];
            match sent.kind {
                StepKind::LoginPage => {
                    transaction.continued_at.get_or_insert(sent.id);
                    // A page after the user logged in asks for consent separately.
                    if transaction.authenticated() {
                        transaction.consent_page_at = Some(sent.id);
                    }
                }
                _ => {
                    transaction.refused_at.get_or_insert(sent.id);
                }
            };
        }
    }

    pub(super) fn deny(&mut self, sent: &Sent) {
        if let Some(t) = self.current_transaction {
            self.transactions[t].denied_at.get_or_insert(sent.id);
        }
    }

    pub(super) fn open_transaction(&mut self, browser: &str, id: StepId, params: &Params) {
        self.transactions.push(Transaction {
            request: id,
            browser: browser.to_string(),
            response_type: params.get("response_type").map(str::to_string),
            client_id: params.get("client_id").map(str::to_string),
            redirect_uri: params.get("redirect_uri").map(str::to_string),
            scope: scope_list(params.get("scope")),
            state: params.get("state").map(str::to_string),
            code_challenge: params.get("code_challenge").map(str::to_string),
            code_challenge_method: params.get("code_challenge_method").map(str::to_string),
            ..Transaction::default()
        });
        self.current_transaction = Some(self.transactions.len() - 1);
    }

    pub(super) fn login(&mut self, id: StepId, params: &Params) {
        self.mistyped_password = false;
        let Some(t) = self.current_transaction else {
            return;
        };
        let username = params.get("username").map(str::to_string);
        let password = params.get("password");
        let authenticated = match (&username, password) {
            // Consent on its own page rides on the earlier login.
            (None, None) => self.transactions[t].authenticated(),
            _ => self.world.users.iter().any(|u| {
                Some(u.name.as_str()) == username.as_deref()
                    && Some(u.password.as_str()) == password
            }),
        };
        self.transactions[t].logins.push(LoginAttempt {
            step: id,
            username,
            authenticated,
            scope: scope_list(params.get("scope")),
        });
    }

    pub(super) fn authorization_response(
        &mut self,
        id: StepId,
        to: &str,
        to_role: Role,
        params: &Params,
    ) {
        let transaction = self.current_transaction;
        if let Some(t) = transaction {
            let txn = &mut self.transactions[t];
            match (params.get("error"), txn.continued_at) {
                (None, _) => {
                    txn.continued_at.get_or_insert(id);
                }
                // An error before the AS went on refuses the request; after it (a denial)
                // it ends a transaction that was legitimately under way.
                (Some(_), None) => {
                    txn.refused_at.get_or_insert(id);
                }
                (Some(_), Some(_)) => {}
            }
            if let Some(code) = params.get("code")
                && !self.codes.iter().any(|c| c.value == code)
            {
                let txn = &self.transactions[t];
                let scope = txn
                    .consent()
                    .map_or_else(|| txn.scope.clone(), |c| c.scope.clone());
                self.codes.push(Code {
                    value: code.to_string(),
                    transaction: t,
                    issued_at: id,
                    issued_time: self.clock,
                    client_id: txn.client_id.clone(),
                    redirect_uri: txn.redirect_uri.clone(),
                    code_challenge: txn.code_challenge.clone(),
                    code_challenge_method: txn.code_challenge_method.clone(),
                    scope,
                });
            }
            // A token in the redirect (implicit or hybrid grant) is still one the AS
            // issued: the API judges it like any other, `no_token_in_front_channel` judges
            // the way it travelled.
            if params.get("error").is_none()
                && let Some(token) = params.get("access_token")
                && !self.tokens.iter().any(|tk| tk.value == token)
            {
                self.tokens.push(Token {
                    value: token.to_string(),
                    issued_at: id,
                    issued_time: self.clock,
                    client_id: self.transactions[t].client_id.clone(),
                    code: None,
                    // Without a scope parameter the grant is what was consented
                    // (RFC 6749 §4.2.2, §5.1).
                    scope: params.get("scope").map_or_else(
                        || {
                            let txn = &self.transactions[t];
                            txn.consent()
                                .map_or_else(|| txn.scope.clone(), |c| c.scope.clone())
                        },
                        |s| scope_list(Some(s)),
                    ),
                    revoked_at: None,
                });
            }
        }
        self.responses.push(AuthorizationResponse {
            step: id,
            transaction,
            code: params.get("code").map(str::to_string),
            error: params.get("error").map(str::to_string),
            state: params.get("state").map(str::to_string),
            access_token: params.get("access_token").map(str::to_string),
        });
        match to_role {
            // Drawn straight to the client: the browser's hop to redirect_uri is implied.
            Role::Client => {
                let browser = transaction
                    .map(|t| self.transactions[t].browser.clone())
                    .unwrap_or_default();
                self.callback(id, &browser, to, params);
            }
            // The browser runs the client's front end: the redirect reaches the client
            // there, in the browser's own session (a single-page app redeems it itself).
            Role::Browser => self.callback(id, to, to, params),
            _ => {}
        }
    }

    /// A token request. Only the code grant redeems a code; any grant is answered by the
    /// next token response to the requester.
    pub(super) fn token_request(&mut self, id: StepId, from: &str, params: &Params) {
        let grant_type = params.get("grant_type").map(str::to_string);
        let code_grant = matches!(grant_type.as_deref(), None | Some("authorization_code"));
        let code_value = params.get("code").filter(|_| code_grant);
        let code = code_value
            .and_then(|v| self.codes.iter().find(|c| c.value == v))
            .cloned();
        let earlier: Vec<StepId> = self
            .redemptions
            .iter()
            .filter(|r| {
                code_value.is_some() && self.steps[r.request].params.get("code") == code_value
            })
            .map(|r| r.request)
            .collect();
        // A correct AS answers a replay by revoking what the code bought, but only when the
        // replay comes from the code's own client: otherwise anyone could revoke anyone's tokens.
        if let Some(code) = &code
            && !earlier.is_empty()
            && code.client_id.as_deref() == params.get("client_id")
        {
            for token in self
                .tokens
                .iter_mut()
                .filter(|t| t.code.as_deref() == Some(code.value.as_str()))
            {
                token.revoked_at.get_or_insert(id);
            }
        }
        let callback = self
            .callbacks
            .iter()
            .rposition(|c| c.client == from && c.code.as_deref() == code_value);
        self.redemptions.push(Redemption {
            request: id,
            requester: from.to_string(),
            grant_type,
            refresh_token: params
                .get("refresh_token")
                .filter(|_| !code_grant)
                .map(str::to_string),
            code,
            earlier,
            callback,
            response: None,
        });
        self.unanswered_redemptions.push(self.redemptions.len() - 1);
    }

    /// The token request a response to `to` answers: `to`'s oldest unanswered one (an
    /// HTTP response goes back on the requester's connection, in order), else the oldest
    /// of anyone's, which `token_response_to_requester` then reports as misdirected.
    fn redemption_answered_to(&self, to: &str) -> Option<usize> {
        let unanswered = &self.unanswered_redemptions;
        unanswered
            .iter()
            .find(|&&r| self.redemptions[r].requester == to)
            .or(unanswered.first())
            .copied()
    }

    pub(super) fn token_response(&mut self, id: StepId, to: &str, params: &Params) {
        let Some(r) = self.redemption_answered_to(to) else {
            return;
        };
        self.unanswered_redemptions.retain(|&u| u != r);
        let access_token = params.get("access_token").map(str::to_string);
        let error = params.get("error").map(str::to_string);
        let redemption = &self.redemptions[r];
        let code_age = redemption
            .code
            .as_ref()
            .map(|c| self.clock.saturating_sub(c.issued_time));
        if error.is_none()
            && let Some(token) = &access_token
            && !self.tokens.iter().any(|t| &t.value == token)
        {
            let client_id = redemption
                .code
                .as_ref()
                .and_then(|c| c.client_id.clone())
                .or_else(|| {
                    self.steps[redemption.request]
                        .params
                        .get("client_id")
                        .map(str::to_string)
                });
            // Without a scope parameter the grant's scope is granted (RFC 6749 §5.1).
            let scope = params
                .get("scope")
                .map_or_else(|| self.granted_scope(r), |s| scope_list(Some(s)));
            if let Some(refresh) = params.get("refresh_token") {
                self.refresh_scopes
                    .insert(refresh.to_string(), scope.clone());
            }
            let code = redemption.code.as_ref().map(|c| c.value.clone());
            self.tokens.push(Token {
                value: token.clone(),
                issued_at: id,
                issued_time: self.clock,
                client_id,
                code,
                scope,
                revoked_at: None,
            });
        }
        self.redemptions[r].response = Some(TokenAnswer {
            step: id,
            receiver: to.to_string(),
            access_token,
            error,
            scope: scope_list(params.get("scope")),
            code_age,
        });
    }
}
