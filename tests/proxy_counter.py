"""A proxy.py plugin (loaded by the proxy server that tests/proxy_support.py starts, in its own process): it
appends one line per request the proxy accepted to the file ``BFXAPI_PROXY_LOG`` names, ``CONNECT host:port`` for a
tunnel and ``GET http://host:port/path`` for a forwarded request, before connecting upstream. Requests the
proxy's own authentication refused never get here (its AuthPlugin runs first)."""

import os
from typing import Optional

from proxy.http.parser import HttpParser
from proxy.http.proxy import HttpProxyBasePlugin


class CountingPlugin(HttpProxyBasePlugin):
    """Counts on the proxy's side what went through it."""

    def before_upstream_connection(self, request: HttpParser) -> Optional[HttpParser]:
        method = (request.method or b"?").decode()
        target = f"{(request.host or b'?').decode()}:{request.port}"
        line = f"{method} {target}" if method == "CONNECT" else f"{method} {target}{(request.path or b'').decode()}"
        with open(os.environ["BFXAPI_PROXY_LOG"], "a", encoding="utf-8") as log:
            log.write(line + "\n")
        return request
