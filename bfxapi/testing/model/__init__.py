"""The model: the seeded market (instruments, books, trades, candles, derivatives) and the account records.

Imports only :mod:`..wire`; knows nothing of sockets, sessions or HTTP.
"""
