#!/usr/bin/env python3
"""A CRM pushing customer outcomes into bro through its JSON API, with the Python standard library only.

Each outcome names the audited interaction by customer reference and interaction date (as bro's outcome
import does) and carries what the CRM learnt afterwards: satisfaction (csat 1–5), repeat purchase, referral,
retained at 90 days, order value. They are sent in batches; each batch is all or nothing, and carries an
Idempotency-Key made from its content, so a batch retried after a timeout is never recorded twice.

    BRO_TOKEN=bro_… python docs/examples/crm_push_outcomes.py --url https://bro.example.com outcomes.csv

outcomes.csv has the columns customer_ref, interacted_on (YYYY-MM-DD) and any of csat, repeat_purchase,
referral_made, retained_90d (yes/no) and order_value. The token needs the "write" scope and belongs to a
supervisor of the teams whose audits the outcomes are for (or to an admin).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import time
import urllib.error
import urllib.request

FLAGS = ("repeat_purchase", "referral_made", "retained_90d")
BATCH_SIZE = 250
RETRIES = 5


class PushRefused(Exception):
    """bro refused a batch (a problem document: detail, field and every error)."""

    def __init__(self, status: int, problem: dict):
        self.status = status
        self.problem = problem
        super().__init__(f"{status}: {problem.get('detail', problem)}")


def outcome_from_row(row: dict[str, str]) -> dict:
    """One CSV row as the API's outcome object (empty cells are left out: they change nothing)."""
    outcome: dict = {"customer_ref": row["customer_ref"].strip(), "interacted_on": row["interacted_on"].strip()}
    if (row.get("csat") or "").strip():
        outcome["csat"] = int(row["csat"])
    for name in FLAGS:
        value = (row.get(name) or "").strip().lower()
        if value:
            outcome[name] = value in ("yes", "true", "1")
    if (row.get("order_value") or "").strip():
        outcome["order_value"] = row["order_value"].strip()
    return outcome


def _post(url: str, token: str, body: bytes, key: str) -> dict:
    """POST one batch, retrying on 429 (after Retry-After) and on lost connections; the same
    Idempotency-Key makes a retry safe even when the first attempt did reach bro."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json",
        "Idempotency-Key": key})
    for attempt in range(RETRIES):
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            if error.code == 429 and attempt < RETRIES - 1:
                time.sleep(float(error.headers.get("Retry-After") or 1))
                continue
            raise PushRefused(error.code, json.loads(error.read().decode("utf-8") or "{}")) from None
        except urllib.error.URLError:
            if attempt == RETRIES - 1:
                raise
            time.sleep(2 ** attempt)
    raise AssertionError("unreachable")


def push_outcomes(base_url: str, token: str, outcomes: list[dict], batch_size: int = BATCH_SIZE) -> dict:
    """Send every outcome in batches; returns {"changed": n, "unchanged": n} summed over the batches.
    Raises PushRefused at the first batch bro refuses (earlier batches stay recorded)."""
    url = base_url.rstrip("/") + "/api/v1/outcomes"
    totals = {"changed": 0, "unchanged": 0, "batches": 0}
    for start in range(0, len(outcomes), batch_size):
        body = json.dumps({"outcomes": outcomes[start:start + batch_size]}, sort_keys=True).encode("utf-8")
        key = "crm-outcomes-" + hashlib.sha256(body).hexdigest()[:32]
        answer = _post(url, token, body, key)
        totals["changed"] += answer["changed"]
        totals["unchanged"] += answer["unchanged"]
        totals["batches"] += 1
    return totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", help="a CSV file of outcomes")
    parser.add_argument("--url", default=os.environ.get("BRO_URL", "http://127.0.0.1:5000"))
    parser.add_argument("--token", default=os.environ.get("BRO_TOKEN"), help="default: $BRO_TOKEN")
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give a token with --token or BRO_TOKEN")
    with open(args.file, newline="", encoding="utf-8-sig") as handle:
        outcomes = [outcome_from_row(row) for row in csv.DictReader(handle)]
    try:
        totals = push_outcomes(args.url, args.token, outcomes, args.batch_size)
    except PushRefused as refused:
        print(f"bro refused a batch ({refused.status}): {refused.problem.get('detail')}", file=sys.stderr)
        for error in refused.problem.get("errors", [])[:20]:
            print(f"  {error['field']}: {error['message']}", file=sys.stderr)
        return 1
    print(f"{len(outcomes)} outcomes sent in {totals['batches']} batches: {totals['changed']} audits changed, "
          f"{totals['unchanged']} already had these values.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
