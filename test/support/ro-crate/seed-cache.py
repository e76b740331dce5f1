"""Seeds rocrate-validator's HTTP cache (requests_cache, sqlite) with JSON-LD contexts read from files.

The validator resolves a crate's @context over HTTP; the tests run it --offline against this cache,
so nothing is downloaded. Usage: seed-cache.py <cache path> <url>=<file> ...
"""
import io
import sys

from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from urllib3 import HTTPResponse


class FileAdapter(HTTPAdapter):
    """Answers each known URL with its file's bytes, as a server would."""

    def __init__(self, files):
        super().__init__()
        self.files = files

    def send(self, request, **kwargs):
        with open(self.files[request.url], "rb") as source:
            body = source.read()
        raw = HTTPResponse(
            body=io.BytesIO(body),
            headers={"Content-Type": "application/ld+json", "Content-Length": str(len(body))},
            status=200,
            preload_content=False,
            request_url=request.url,
        )
        return self.build_response(request, raw)


cache_path, *pairs = sys.argv[1:]
files = dict(pair.split("=", 1) for pair in pairs)
session = CachedSession(cache_name=cache_path, backend="sqlite", expire_after=-1, allowable_methods=("GET",))
adapter = FileAdapter(files)
for url in files:
    session.mount(url, adapter)
for url in files:
    session.get(url).raise_for_status()
