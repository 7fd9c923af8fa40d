"""Errors of the engines, turned into wire answers by the front ends."""

from typing import Any, List

__all__ = ["OrderError"]


class OrderError(Exception):
    """An invalid order request: ``text`` (notification TEXT / REST message) and the partial ORDER ``info``."""

    def __init__(self, text: str, info: List[Any], code: int = 10001) -> None:
        super().__init__(text)
        self.text = text
        self.info = info
        self.code = code
