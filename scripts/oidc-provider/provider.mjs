// A real OpenID Provider for the single sign-on tests (carershub/tests/oidc.py starts it).
//
//   node provider.mjs CONFIG.json
//
// CONFIG.json: {"port": 0, "clients": [{client_id, client_secret, redirect_uris}],
//               "accounts": "ACCOUNTS.json"}
// ACCOUNTS.json maps a login name to its claims, e.g. {"ann": {"email": "ann@example.org",
// "email_verified": true}}; it is read again at every sign-in, so a test can change it.
// The sign-in page is oidc-provider's own development page: any password is accepted for a
// login name listed in ACCOUNTS.json. Prints "listening on http://127.0.0.1:PORT".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const readAccounts = () => JSON.parse(readFileSync(config.accounts, 'utf8'));

const server = createServer();
server.listen(config.port || 0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients.map((client) => ({
      ...client,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    claims: {
      openid: ['sub'],
      // xms_edov: Microsoft Entra ID's "email domain owner verified", sent in place of
      // email_verified when the app registration asks for it.
      email: ['email', 'email_verified', 'xms_edov'],
      profile: ['name', 'given_name', 'family_name'],
    },
    async findAccount(ctx, id) {
      const claims = readAccounts()[id];
      if (!claims) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...claims }; } };
    },
    features: { devInteractions: { enabled: true } },
    // Every claim the scopes grant goes into the ID token too, as Entra ID and Google do.
    conformIdTokenClaims: false,
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
  });
  provider.proxy = false;
  server.on('request', provider.callback());
  console.log(`listening on ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
