// A real OpenID Connect provider for the sign-in tests: panva's oidc-provider (OpenID
// certified), on 127.0.0.1 and a free port. Configured by the JSON in OIDC_TEST_CONFIG:
//   {"clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//    "id_token_seconds": 300}
// It prints one line of JSON, {"issuer": "http://127.0.0.1:<port>"}, once it listens, and
// stops when its standard input closes (so a test that dies leaves no provider behind).
//
// Accounts: any login name signs in (the development login form, any password). The account
// "<name>" has the address <name>@example.org, verified unless the name starts with
// "unverified"; its name is the login name with the first letter capitalised.
import http from "node:http";
import Provider from "oidc-provider";

const config = JSON.parse(process.env.OIDC_TEST_CONFIG || '{"clients": []}');

function account(id) {
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        email: `${id}@example.org`,
        email_verified: !id.startsWith("unverified"),
        name: id.charAt(0).toUpperCase() + id.slice(1),
        locale: "fr",
      };
    },
  };
}

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    findAccount: async (_ctx, id) => account(id),
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: ["name", "locale"],
    },
    // The claims asked for by scope go into the ID token too (the platform reads only it).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: { IdToken: config.id_token_seconds || 3600 },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
    },
  });
  provider.on("server_error", (_ctx, err) => console.error(err));
  server.on("request", provider.callback());
  console.log(JSON.stringify({ issuer }));
});

process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
