"""
Checks of ours that Schemathesis runs on every answer (loaded through SCHEMATHESIS_HOOKS by
test/support/schemathesis.ts; enabled by name in the config file of a run).

- error_response: every error is a WES ErrorResponse whose status_code is the HTTP status.
- DocumentedStatus: every status is documented for its operation in one of the given documents,
  so that a run against the official WES document can accept our documented extensions (405,
  409, 413, 429, ...) and nothing else.
"""
import json

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
