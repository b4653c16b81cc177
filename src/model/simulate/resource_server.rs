//! The API side: calls with a bearer token and the answers the flow shows for them.

use super::*;

impl Simulator {
    /// An API call carries the caller's latest access token.
    pub(super) fn api_request_defaults(&self, sent: &Sent, out: &mut Outgoing) {
        out.params
            .set("access_token", self.last_token.get(sent.from).cloned());
    }

    pub(super) fn api_request(&mut self, sent: &Sent, params: &Params) {
        self.unanswered_api_calls.push(self.api_calls.len());
        self.api_calls.push(ApiCall {
            request: sent.id,
            caller: sent.from.to_string(),
            api: sent.to.to_string(),
            token: params.get("access_token").map(str::to_string),
            scope: scope_list(params.get("scope")),
            response: None,
        });
    }

    /// The API answers the oldest unanswered call of the receiver: with the resource, or
    /// with an error (a label naming one, or an `error` parameter).
    pub(super) fn api_response(&mut self, sent: &Sent, params: &Params) {
        if let Some(call) = self.api_call_answered(sent.from, sent.to) {
            self.unanswered_api_calls.retain(|&c| c != call);
            let served = !(sent.hint.error() || params.get("error").is_some());
            self.api_calls[call].response = Some(ApiAnswer {
                step: sent.id,
                served,
                time: self.clock,
            });
        }
    }

    /// The oldest call `caller` made to `api` that is still unanswered.
    pub(super) fn api_call_answered(&self, api: &str, caller: &str) -> Option<usize> {
        self.unanswered_api_calls
            .iter()
            .find(|&&c| self.api_calls[c].api == api && self.api_calls[c].caller == caller)
            .copied()
    }
}
