"""The addresses phones can reach this laptop at: its own IPv4 addresses, found without a network
call (the operating system lists them)."""

from __future__ import annotations

import ipaddress
import logging

import ifaddr

log = logging.getLogger("console.room")

EVERY_ADDRESS = ("0.0.0.0", "")
"""Hosts that mean 'listen on every network of this laptop'."""


def lan_addresses() -> list[str]:
    """Return this machine's IPv4 addresses other than loopback, private (hotspot) ones first."""
    found: list[ipaddress.IPv4Address] = []
    try:
        adapters = ifaddr.get_adapters()
    except Exception:  # an unusual network stack: the host given is the fallback
        log.exception("could not list the network addresses")
        return []
    for adapter in adapters:
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):  # IPv6 addresses come as tuples
                continue
            try:
                address = ipaddress.IPv4Address(ip.ip)
            except ValueError:
                continue
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            if address not in found:
                found.append(address)
    # A phone on the laptop's hotspot reaches a private address; a public one comes last.
    found.sort(key=lambda address: not address.is_private)
    return [str(address) for address in found]


def join_hosts(host: str) -> list[str]:
    """Return the hosts to print in join links for a server listening on host, best first."""
    if host not in EVERY_ADDRESS:
        return [host]
    return lan_addresses() or ["127.0.0.1"]


def url_host(host: str) -> str:
    """Return a host as it goes in a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host else host
