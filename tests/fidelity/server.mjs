// oidc-provider (panva) configured like authflow's default world, for `authflow replay`
// fidelity tests: client-1 and client-2 (confidential, HTTP Basic), photo-app (public,
// native); users alice and mallory; a resource server at /api; lifetimes 300 times
// shorter than the model's, so waits are short. Listens on 127.0.0.1
// on the port given as the first argument (0 or none: a free one) and prints the base
// URL as its first line of output, so a caller can wait for it.
//
// Login and consent are plain HTML forms served here (not oidc-provider's dev
// interactions, which accept any password): authflow's generic form driver must find
// the password field and the consent buttons on its own. With `dev-interactions` as
// the second argument, oidc-provider's own development pages are used instead.
import http from 'node:http';
import Provider from 'oidc-provider';

const DEV_INTERACTIONS = process.argv[3] === 'dev-interactions';
const USERS = { alice: 'alice-password', mallory: 'mallory-password' };

const server = http.createServer();
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'client-1',
        client_secret: 'secret-1',
        redirect_uris: ['https://client.example/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'client-2',
        client_secret: 'secret-2',
        redirect_uris: ['https://client2.example/callback'],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: 'photo-app',
        application_type: 'native',
        redirect_uris: ['com.example.photos:/oauth2redirect'],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    ],
    // As the model's AS: a client allowed to refresh gets a refresh token with its tokens.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The default world: PKCE accepted, not demanded (authflow's `pkce: optional`).
    pkce: { required: () => false },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    claims: { profile: ['name'], email: ['email'] },
    features: { devInteractions: { enabled: DEV_INTERACTIONS }, revocation: { enabled: true } },
    ttl: {
      // The server's clock runs 300 times faster than the model's defaults: codes live
      // 2 s (model: 10 min) and access tokens 12 s (model: 1 h), so that `wait 11m` in a
      // flow is replayed as a 2.2 s wait (`time.code_lifetime` in oidc-provider.toml).
      AuthorizationCode: 2,
      AccessToken: 12,
      RefreshToken: 3600,
      Grant: 3600,
      Interaction: 600,
      Session: 3600,
    },
    cookies: { keys: ['authflow-fidelity-not-a-secret'] },
    findAccount: (ctx, sub) =>
      sub in USERS ? { accountId: sub, claims: () => ({ sub, name: sub, email: `${sub}@example.com` }) } : undefined,
    ...(DEV_INTERACTIONS ? {} : { interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` } }),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = `<!doctype html><title>error</title><h1>${escape(out.error)}</h1><p>${escape(out.error_description ?? '')}</p>`;
    },
  });
  provider.on('server_error', (ctx, error) => console.error('server_error', error));

  // The resource server (`rs` in flows): serves a request whose Bearer token the
  // provider still holds as a valid access token (not expired, not revoked).
  provider.use(async (ctx, next) => {
    if (ctx.path !== '/api') return next();
    const bearer = (ctx.get('authorization').match(/^Bearer (.+)$/) ?? [])[1];
    const token = bearer ? await provider.AccessToken.find(bearer) : undefined;
    if (!token || token.isExpired) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer error="invalid_token"');
      ctx.body = { error: 'invalid_token' };
      return;
    }
    ctx.body = { sub: token.accountId, scope: token.scope };
  });

  provider.use(async (ctx, next) => {
    const match = ctx.path.match(/^\/interaction\/([^/]+)(?:\/(login|confirm))?$/);
    if (!match || DEV_INTERACTIONS) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'GET') {
      ctx.type = 'html';
      ctx.body = details.prompt.name === 'login' ? loginPage(details.uid, '') : consentPage(details.uid, details.params.client_id);
      return;
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    if (match[2] === 'login') {
      const login = form.get('login');
      if (!(login in USERS) || USERS[login] !== form.get('password')) {
        ctx.type = 'html';
        ctx.body = loginPage(details.uid, 'Wrong login or password.');
        return;
      }
      await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return;
    }
    if (form.get('decision') !== 'allow') {
      await provider.interactionFinished(ctx.req, ctx.res, { error: 'access_denied', error_description: 'the user denied' }, { mergeWithLastSubmission: false });
      return;
    }
    const { prompt: { details: missing }, params, session: { accountId } } = details;
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId: params.client_id });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  });

  server.on('request', provider.callback());
  console.log(issuer);
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, problem) {
  return `<!doctype html><title>Sign in</title>
<p>${escape(problem)}</p>
<form method="post" action="/interaction/${escape(uid)}/login">
  <label>Username <input type="text" name="login" autofocus></label>
  <label>Password <input type="password" name="password"></label>
  <button type="submit">Sign in</button>
</form>`;
}

function consentPage(uid, clientId) {
  return `<!doctype html><title>Authorize</title>
<p>${escape(clientId)} asks for access to your account.</p>
<form method="post" action="/interaction/${escape(uid)}/confirm">
  <button type="submit" name="decision" value="allow">Allow</button>
  <button type="submit" name="decision" value="deny">Deny</button>
</form>`;
}
