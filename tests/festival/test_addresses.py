"""The client address behind trusted proxies, and the opaque key limits and bans use."""

from __future__ import annotations

import pytest

from festival.addresses import TrustedProxies, TrustedProxiesError, address_key, client_host

SECRET = "test-secret"
LB = TrustedProxies.parse(["10.0.0.0/8", "2001:db8:ffff::/48"])


def test_addresses_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_host("198.51.100.7", ["203.0.113.9"], TrustedProxies()) == "198.51.100.7"


def test_addresses_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    assert client_host("198.51.100.7", ["203.0.113.9"], LB) == "198.51.100.7"


def test_addresses_trusted_proxy_names_the_client() -> None:
    assert client_host("10.1.2.3", ["203.0.113.9"], LB) == "203.0.113.9"


def test_addresses_what_the_client_wrote_before_our_proxy_is_not_believed() -> None:
    # The client sent "X-Forwarded-For: 1.2.3.4"; the load balancer appended what it saw.
    assert client_host("10.1.2.3", ["1.2.3.4, 203.0.113.9"], LB) == "203.0.113.9"


def test_addresses_chains_of_trusted_proxies_are_walked_from_the_right() -> None:
    hops = ["1.2.3.4, 203.0.113.9, 10.9.9.9", "10.8.8.8"]  # two header lines, in order
    assert client_host("10.1.2.3", hops, LB) == "203.0.113.9"


def test_addresses_only_trusted_hops_means_the_leftmost_is_the_client() -> None:
    assert client_host("10.1.2.3", ["10.7.7.7, 10.8.8.8"], LB) == "10.7.7.7"


def test_addresses_an_unreadable_hop_stops_the_walk_at_the_last_readable_one() -> None:
    assert client_host("10.1.2.3", ["203.0.113.9, garbage, 10.8.8.8"], LB) == "10.8.8.8"
    assert client_host("10.1.2.3", ["unknown"], LB) == "10.1.2.3"


def test_addresses_ports_and_brackets_are_understood() -> None:
    assert client_host("10.1.2.3", ["203.0.113.9:5123"], LB) == "203.0.113.9"
    assert client_host("10.1.2.3", ["[2001:db8::7]:443"], LB) == "2001:db8::7"
    assert client_host("2001:db8:ffff::1", ["203.0.113.9"], LB) == "203.0.113.9"


def test_addresses_ipv4_mapped_ipv6_peer_is_matched_as_ipv4() -> None:
    assert client_host("::ffff:10.1.2.3", ["203.0.113.9"], LB) == "203.0.113.9"


def test_addresses_unix_socket_peer_is_trusted_only_when_listed() -> None:
    assert client_host(None, ["203.0.113.9"], LB) is None
    unix = TrustedProxies.parse(["unix"])
    assert client_host(None, ["203.0.113.9"], unix) == "203.0.113.9"


def test_addresses_bad_trusted_proxy_entry_is_refused() -> None:
    with pytest.raises(TrustedProxiesError) as refused:
        TrustedProxies.parse(["10.0.0.0/8", "my-load-balancer"])
    assert "'my-load-balancer'" in str(refused.value)


def test_addresses_key_is_stable_opaque_and_secret_dependent() -> None:
    key = address_key("198.51.100.7", SECRET)
    assert key == address_key("198.51.100.7", SECRET)
    assert "198" not in key and len(key) == 16
    assert key != address_key("198.51.100.8", SECRET)
    assert key != address_key("198.51.100.7", "another-secret")


def test_addresses_ipv6_clients_count_per_64_network() -> None:
    one = address_key("2001:db8:1:2::1", SECRET)
    assert address_key("2001:db8:1:2:ffff:ffff:ffff:ffff", SECRET) == one
    assert address_key("2001:db8:1:3::1", SECRET) != one


def test_addresses_ipv4_mapped_is_the_ipv4_address() -> None:
    assert address_key("::ffff:198.51.100.7", SECRET) == address_key("198.51.100.7", SECRET)


def test_addresses_non_ip_peers_have_keys_too() -> None:
    assert address_key("testclient", SECRET) != address_key(None, SECRET)
