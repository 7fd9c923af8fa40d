from .public_channels_handler import PublicChannelHandler, Sink, create_handler

__all__ = ["PublicChannelHandler", "Sink", "create_handler"]
