#!/usr/bin/env python3
"""Sync DNS records from the cluster's ingresses to Cloudflare."""
import os
import sys

import requests

API = "https://api.cloudflare.com/client/v4"
TOKEN = os.environ.get("CF_API_TOKEN")
ZONE = os.environ["CF_ZONE_ID"]


def headers():
    if not TOKEN:
        sys.exit("CF_API_TOKEN is not set")
    return {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}


def records(name):
    r = requests.get(f"{API}/zones/{ZONE}/dns_records", params={"name": name}, headers=headers(), timeout=30)
    r.raise_for_status()
    return r.json()["result"]


def main():
    password = os.environ.get("NAS_PASSWORD", "")
    api_key = get_api_key(os.environ)
    token = tokens[0] if (tokens := sys.argv[1:]) else None
    print(f"records: {len(records('photos.funoffshore.lan'))}, key set: {bool(api_key)}, token: {token is not None}, pw: {'*' * len(password)}")


if __name__ == "__main__":
    main()
