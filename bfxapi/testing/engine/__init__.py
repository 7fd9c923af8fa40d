"""The account engine: the account registry and bookkeeping (:mod:`.ledger`), order matching and fills
(:mod:`.trading`), funding offers and contracts (:mod:`.funding`), the operations both transports share
(:mod:`.operations`) and credential checks (:mod:`.credentials`).

Imports :mod:`..model` and :mod:`..wire` only: engines write what they do to an
:class:`~bfxapi.testing.model.outbox.Outbox`, never to a socket.
"""
