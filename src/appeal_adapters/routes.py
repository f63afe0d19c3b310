"""The HTTP face's routes, in one place: the HTTP service registers its routes from this table
and the API reference (docs/reference/desk.md) prints it, so the two cannot drift.

Every public ``Desk`` member is either in ``DESK_ROUTES`` or in ``NOT_OVER_HTTP`` with the
reason; a test fails when one is in neither.  Paths use ``{number}`` (an item's number),
``{month}`` (``YYYY-MM``), ``{year}``, ``{day}`` (``YYYY-MM-DD``) and the other ids as they are
named in the method's arguments.  A command's body is its keyword arguments as JSON; who acts
(``by``) comes from the caller's identity, and ``at`` from the server's clock.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs


@attrs.frozen
class Route:
    """One HTTP route: the verb and the path template."""

    verb: str = attrs.field(validator=attrs.validators.in_(("GET", "POST", "PUT")))
    path: str

    def __str__(self) -> str:
        return f"{self.verb} {self.path}"


def _r(text: str) -> Route:
    verb, path = text.split(" ", 1)
    return Route(verb, path)


I = "/items/{number}"  # noqa: E741 - one letter keeps the table readable

# fmt: off
#: The route of each public ``Desk`` method offered over HTTP.
DESK_ROUTES: Mapping[str, Route] = {name: _r(text) for name, text in {
    # items: registration and the lifecycle (docs/concepts.md)
    "register":              "POST /items",
    "get":                   f"GET {I}",
    "history":               f"GET {I}/events",
    "verify":                f"POST {I}/verify",
    "classify":              f"POST {I}/classify",
    "assign":                f"POST {I}/assign",
    "send_back":             f"POST {I}/send-back",
    "reassign":              f"POST {I}/reassign",
    "report_to_lead":        f"POST {I}/co-reports",
    "reply":                 f"POST {I}/reply",
    "extend":                f"POST {I}/extend",
    "escalate":              f"POST {I}/escalate",
    "resolve":               f"POST {I}/resolve",
    "designate_deputy":      f"POST {I}/deputy",
    "record_leader_meeting": f"POST {I}/leader-meetings",
    "record_site_visit":     f"POST {I}/site-visits",
    "pause":                 f"POST {I}/pause",
    "request_pause":         f"POST {I}/pause-requests",
    "approve_pause":         f"POST {I}/pause-requests/approve",
    "decline_pause":         f"POST {I}/pause-requests/decline",
    "resume":                f"POST {I}/resume",
    "follow_up":             f"POST {I}/follow-up",
    "reopen":                f"POST {I}/reopen",
    "characterize":          f"POST {I}/characterize",
    "close":                 f"POST {I}/close",
    "merge":                 f"POST {I}/merge",
    "dismiss_duplicate":     f"POST {I}/dismiss-duplicate",
    # personal data (docs/privacy.md)
    "set_confidential":      f"POST {I}/confidential",
    "erase_contact":         "POST /contacts/{contact}/erase",
    "personal_data":         "POST /privacy/personal-data",  # a phone never in a URL
    "erasures":              "GET /privacy/erasures",
    "retention_sweep":       "POST /privacy/retention-sweep",
    # the review queue: values registered under an assumption
    "review_queue":          "GET /review",
    "confirm":               f"POST {I}/review/confirm",
    "correct":               f"POST {I}/review/correct",
    # intake and the quarantine
    "intake":                "POST /intake/{channel}",
    "admit":                 "POST /quarantine/{entry_id}/admit",
    "dismiss_quarantined":   "POST /quarantine/{entry_id}/dismiss",
    # the daily work
    "sweep":                 "POST /sweep",
    "digest":                "GET /digests/{on}",
    "supervision_notices":   "GET /supervision-notices",
    # the calendar
    "notices":               "GET /calendar/notices",
    "load_notice":           "POST /calendar/notices",
    "calendar_impact":       "GET /calendar/impact",
    "redate":                "POST /calendar/redate",
    "provisional":           "GET /calendar/provisional",
    # the month's figures, rules and seal
    "report":                "GET /months/{month}/report",
    "explain":               "GET /months/{month}/explain",
    "supervision_list":      "GET /months/{month}/supervision",
    "co_handling":           "GET /months/{month}/co-handling",
    "rules_for":             "GET /months/{month}/rules",
    "corrections":           "GET /months/{month}/corrections",
    "close_month":           "POST /months/{month}/seal",
    "verify_month":          "GET /months/{month}/verify",
    "sealed_months":         "GET /months/sealed",
    "amend_rules":           "POST /rules",
    "rule_amendments":       "GET /rules",
    "annual":                "GET /years/{year}/assessment",
    # departments, meetings and tasks
    "departments":           "GET /departments",
    "load_departments":      "PUT /departments",
    "meeting_agenda":        "GET /months/{month}/agenda",
    "record_meeting":        "POST /meetings",
    "meetings":              "GET /meetings",
    "meeting":               "GET /meetings/{meeting_id}",
    "tasks":                 "GET /tasks",
    "task":                  "GET /tasks/{task_id}",
    "report_task":           "POST /tasks/{task_id}/report",
    "confirm_task":          "POST /tasks/{task_id}/confirm",
    "return_task":           "POST /tasks/{task_id}/return",
}.items()}

#: Public ``Desk`` members the HTTP face does not offer as routes, and why.
NOT_OVER_HTTP: Mapping[str, str] = {
    "execute":      "generic entry behind every command route",
    "correction":   "a request header (X-Appeal-Correction: reason) wraps a command instead",
    "sealed_guard": "internal: every dated command passes it",
    "stream":       "internal: journal streams are read through the routes above",
    "calendar":     "property: the calendar in force (GET /calendar/notices lists its notices)",
    "registry":     "property: the registry in force (GET /departments)",
}

#: Routes for what is not a ``Desk`` method: the documents, by format (``--format NAME``).
DOCUMENT_ROUTES: Mapping[str, Route] = {name: _r(text) for name, text in {
    "formats":         "GET /formats",
    "channels":        "GET /channels",
    "month_document":  "GET /months/{month}/documents/{format}",
    "annual_document": "GET /years/{year}/documents/{format}",
}.items()}
# fmt: on
