"""The wire front ends: WebSocket (:mod:`.ws`, public channels :mod:`.channels`, authentication and channel 0
:mod:`.ws_auth`, :mod:`.account_channel`) and REST (:mod:`.rest`), over a :class:`~.context.ServerContext`.

Imports :mod:`..engine`, :mod:`..model` and :mod:`..wire`; never the ``Simulator`` that composes it.
"""
