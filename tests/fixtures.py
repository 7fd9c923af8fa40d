"""Where the real captured Bitfinex traffic is: ``tests/data/`` inside the repository (see its README.md)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def fixture_path(name: str) -> Path:
    """The path of a capture kept in ``tests/data/``; a missing one is an error, never a skip."""
    path = DATA / name
    if not path.is_file():
        raise FileNotFoundError(f"the capture {name} is missing from {DATA}: it belongs to the repository")
    return path


WS_CAPTURE = "bitfinex-ws-capture-2021-04-17.txt"
