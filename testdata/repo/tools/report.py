"""Order reporting helpers."""
import json
from collections import defaultdict


class Report:
    """Aggregates order totals by customer."""

    def __init__(self):
        self.totals = defaultdict(int)

    def add(self, customer, total):
        self.totals[customer] += total

    def render(self):
        return json.dumps(self.totals, sort_keys=True)


def build_report(rows):
    r = Report()
    for customer, total in rows:
        r.add(customer, total)
    return r.render()
