"""The wire: numbers as Bitfinex quantises and prints them, JSON text, the book checksum, frame vocabulary.

The bottom layer of the simulator: it imports nothing else of ``bfxapi.testing``.
"""
