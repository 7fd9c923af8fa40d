from .bfx_event_emitter import ALL_EVENTS, AUTH_EVENTS, CONNECTION_EVENTS, PUBLIC_EVENTS, BfxEventEmitter

__all__ = ["BfxEventEmitter", "ALL_EVENTS", "AUTH_EVENTS", "CONNECTION_EVENTS", "PUBLIC_EVENTS"]
