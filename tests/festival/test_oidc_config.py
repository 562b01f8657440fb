"""The providers from the environment (OIDC_PROVIDERS, OIDC_<NAME>_*): what is read, what is
refused with the variable's name, and that none means none."""

from __future__ import annotations

import pytest

from festival.headers import security_headers
from festival.oidc.config import DEFAULT_SCOPES, OidcProvider, env_prefix
from festival.settings import Settings, SettingsError

BASE = {
    "OIDC_PROVIDERS": "learningplanet, keycloak-eu",
    "OIDC_LEARNINGPLANET_ISSUER": "https://id.learningplanet.example/",
    "OIDC_LEARNINGPLANET_CLIENT_ID": "festival",
    "OIDC_LEARNINGPLANET_CLIENT_SECRET": "s1",
    "OIDC_LEARNINGPLANET_LABEL": "#LearningPlanet",
    "OIDC_KEYCLOAK_EU_ISSUER": "https://kc.example.org/realms/festival",
    "OIDC_KEYCLOAK_EU_CLIENT_ID": "fest",
    "OIDC_KEYCLOAK_EU_CLIENT_SECRET": "s2",
    "OIDC_KEYCLOAK_EU_SCOPES": "openid email",
}


def test_oidc_config_reads_every_provider_in_order() -> None:
    providers = Settings.from_env(BASE).oidc_providers

    assert providers == (
        OidcProvider(
            name="learningplanet",
            issuer="https://id.learningplanet.example",
            client_id="festival",
            client_secret="s1",
            label="#LearningPlanet",
            scopes=DEFAULT_SCOPES,
        ),
        OidcProvider(
            name="keycloak-eu",
            issuer="https://kc.example.org/realms/festival",
            client_id="fest",
            client_secret="s2",
            label="keycloak-eu",
            scopes=("openid", "email"),
        ),
    )
    assert env_prefix("keycloak-eu") == "OIDC_KEYCLOAK_EU_"


def test_oidc_config_none_by_default() -> None:
    assert Settings.from_env({}).oidc_providers == ()


def test_oidc_config_secret_never_printed() -> None:
    provider = Settings.from_env(BASE).oidc_providers[0]

    assert "s1" not in repr(provider)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"OIDC_PROVIDERS": "Learning Planet"}, "OIDC_PROVIDERS: 'Learning Planet' is not a name"),
        ({"OIDC_PROVIDERS": "learningplanet,learningplanet"}, "names 'learningplanet' twice"),
        ({"OIDC_LEARNINGPLANET_CLIENT_SECRET": ""}, "OIDC_LEARNINGPLANET_CLIENT_SECRET is not set"),
        ({"OIDC_LEARNINGPLANET_ISSUER": "http://id.example"}, "an issuer is an https:// URL"),
        ({"OIDC_KEYCLOAK_EU_SCOPES": "email profile"}, "OIDC_KEYCLOAK_EU_SCOPES must include"),
    ],
)
def test_oidc_config_refuses_with_the_variable(change: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({**BASE, **change})

    assert message in str(refused.value)


def test_oidc_config_loopback_issuer_may_be_http() -> None:
    env = {**BASE, "OIDC_LEARNINGPLANET_ISSUER": "http://127.0.0.1:5556"}

    assert Settings.from_env(env).oidc_providers[0].issuer == "http://127.0.0.1:5556"


def test_oidc_config_form_action_allows_exactly_the_providers() -> None:
    with_providers = security_headers(Settings.from_env(BASE))["Content-Security-Policy"]
    without = security_headers(Settings.from_env({}))["Content-Security-Policy"]

    assert "form-action 'self' https://id.learningplanet.example https://kc.example.org;" in (
        with_providers
    )
    assert "form-action 'self';" in without
