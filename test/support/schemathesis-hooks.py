"""
What Schemathesis loads into every run of ours (through SCHEMATHESIS_HOOKS, by
test/support/schemathesis.ts).

Checks, enabled by name in the config file of a run:
- error_response: every error is a WES ErrorResponse whose status_code is the HTTP status.
- DocumentedStatus: every status is documented for its operation in one of the given documents,
  so that a run against the official WES document can accept our documented extensions (405,
  409, 413, 429, ...) and nothing else.

And real runs for the stateful phase (simulated_runs).
"""
import json
import zlib

import schemathesis


@schemathesis.check
def error_response(ctx, response, case):
    """An answer of 400 or more is a WES ErrorResponse: {msg: string, status_code: the HTTP status}."""
    status = response.status_code
    if status < 400:
        return None
    content_type = ", ".join(response.headers.get("content-type", []))
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{status} answered as {content_type or 'untyped'}, not as an application/json ErrorResponse")
    # HTTP: the answer to HEAD is the GET's without its body.
    if response.request.method == "HEAD":
        return None
    try:
        body = json.loads(response.content)
    except ValueError as err:
        raise AssertionError(f"{status} answered with a body that is not JSON: {err}") from None
    if not isinstance(body, dict) or not isinstance(body.get("msg"), str) or type(body.get("status_code")) is not int:
        raise AssertionError(f"{status} answered with {body!r}, not an ErrorResponse {{msg: string, status_code: integer}}")
    if body["status_code"] != status:
        raise AssertionError(f"{status} answered with an ErrorResponse whose status_code is {body['status_code']}")
    return None


@schemathesis.check
class DocumentedStatus:
    """The status of every answer is documented for its operation in at least one of `documents`
    (OpenAPI documents as JSON files). A method the path does not have is unsupported_method's."""

    def __init__(self, documents=()):
        self.documents = []
        for path in documents:
            with open(path, encoding="utf-8") as file:
                self.documents.append(json.load(file))

    def after_response(self, ctx, response, case):
        method = case.operation.method.lower()
        if response.request.method.lower() != method:
            return None
        status = str(response.status_code)
        for document in self.documents:
            responses = document["paths"].get(case.operation.path, {}).get(method, {}).get("responses", {})
            if status in responses or f"{status[0]}XX" in responses or "default" in responses:
                return None
        raise AssertionError(f"{status} is documented for {method.upper()} {case.operation.path} in none of the documents")


@schemathesis.hook
def map_case(ctx, case):
    """simulated_runs: in the stateful phase, a valid run request is made one that the simulated
    provider runs (with the generated tags, and require_approval in JSON), so that the links from
    POST /runs lead to real runs, some paused for input, some still going, some ended. Generated
    workflow types name nothing the providers run: without this, every such request is a 400 and
    the phase never leaves POST /runs. Chosen from the body, not at random, so that the seed still
    decides everything."""
    meta = case.meta
    if (
        case.operation.definition.raw.get("operationId") != "RunWorkflow"
        or meta is None
        or meta.phase.name != "stateful"
        or meta.generation.mode != "positive"
        or not isinstance(case.body, dict)
    ):
        return case
    choice = zlib.crc32(json.dumps(case.body, sort_keys=True, default=str).encode())
    params = {"duration_ms": [0, 300, 3000][choice % 3]}
    if choice % 4 == 0:
        params["pause_at_ms"] = 0
    tags = _tags(case.body.get("tags"))
    tags["wes_provider"] = "simulated"
    body = {"tags": tags, "workflow_type": "SIMULATED", "workflow_type_version": "1", "workflow_url": "simulated:", "workflow_params": params}
    if case.media_type == "application/json":
        if "require_approval" in case.body:
            body["require_approval"] = case.body["require_approval"]
    else:
        # Form fields: objects that the form's encoding sends as JSON stay objects (our document);
        # others are JSON text in a string field (the official document).
        encoding = case.operation.definition.raw["requestBody"]["content"][case.media_type].get("encoding", {})
        json_fields = {name for name, field in encoding.items() if field.get("contentType") == "application/json"}
        body = {name: json.dumps(value) if isinstance(value, dict) and name not in json_fields else value for name, value in body.items()}
    case.body = body
    return case


def _tags(value):
    """Generated tags as an object of strings: as given in JSON, parsed from a form field's text."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    if not isinstance(value, dict):
        return {}
    return {key: text for key, text in value.items() if isinstance(text, str)}
