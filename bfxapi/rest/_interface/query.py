"""A request's query string, encoded as aiohttp's ``params=`` would encode it, without going through ``params=``.

Why: given ``params=``, aiohttp has yarl merge them into the URL on every request (a ``MultiDict`` of the URL's
query, a quoting call per name and per value, a new ``URL``): a tenth of the client-side cost of a public request.
A URL string that already holds its query is parsed by yarl once and then found in yarl's cache of parsed URLs,
as a repeated request (the same book, the same ticker) is.

What must not change is the bytes sent. yarl quotes a query's names and values (``URL.update_query``,
``URL.extend_query``) as UTF-8, percent-encoding every byte except letters, digits, ``-._~``, ``!$'()*,`` and
``?/:@``, with a space as ``+`` (so a ``+`` is ``%2B``), and it drops what UTF-8 cannot encode (a lone surrogate).
:func:`encode_query` does the same with :func:`urllib.parse.quote_plus`; tests/test_rest_query.py compares the two
on every kind of value the endpoints send. yarl then re-quotes the whole URL string, which leaves such a query as
it is (its escapes are of characters yarl keeps escaped).
"""

import re
from typing import Mapping
from urllib.parse import quote_plus

__all__ = ["encode_query", "url_with_query"]

# What yarl leaves unquoted in a query's names and values besides letters, digits and "-._~" (which quote_plus
# always keeps): the sub-delimiters that do not separate a query's parts, and "?/:@".
_SAFE = "!$'()*,?/:@"
# Text made only of what is kept as it is (what the endpoints send: names, numbers, symbols, comma-joined lists):
# recognised at C speed, where quote_plus would take a few times longer to return it unchanged.
_KEPT = re.compile(r"[A-Za-z0-9\-._~!$'()*,?/:@]*").fullmatch
_PLAIN = re.compile(r"[A-Za-z0-9\-._~!$'()*,?/:@=&]*").fullmatch


def _quote(text: str) -> str:
    if _KEPT(text):
        return text
    # Bytes, encoded as yarl encodes them ("ignore": a lone surrogate is dropped, not an error).
    return quote_plus(text.encode("utf-8", "ignore"), _SAFE)


def encode_query(query: Mapping[str, str]) -> str:
    """``name=value`` pairs joined by ``&``, in ``query``'s order, quoted as yarl quotes them."""
    text = "&".join([f"{name}={value}" for name, value in query.items()])
    # The common case in one look: nothing to quote, and no "=" or "&" but the separators.
    if _PLAIN(text) and text.count("=") == len(query) and text.count("&") == len(query) - 1:
        return text
    return "&".join([f"{_quote(name)}={_quote(value)}" for name, value in query.items()])


def url_with_query(url: str, query: Mapping[str, str]) -> str:
    """``url`` with ``query`` appended; ``url`` alone when the query is empty. ``url`` must hold no query or fragment
    of its own (aiohttp would merge them with ``params=``: the caller keeps that way for such a URL)."""
    return f"{url}?{encode_query(query)}" if query else url
