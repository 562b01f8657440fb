"""Sign-in with OpenID Connect: the platform as a relying party of the #LearningPlanet provider
(or any standard one the operator configures).

- ``config``: the providers, read from the environment by festival/settings.py
  (``OIDC_PROVIDERS`` and ``OIDC_<NAME>_*``; docs/sign-in.md).
- ``client``: discovery, the authorization request (code flow, PKCE S256, state, nonce), the
  token request and the ID token's checks (signature against the provider's JWKS, refetched on
  an unknown key id; issuer, audience, expiry, issue time, nonce) with the app's clock.
- ``errors``: what can go wrong, each with a stable code and a sentence for people.
"""
