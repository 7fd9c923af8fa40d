"""Record and replay of real sessions: the recording format (:mod:`.format`), the recorder (:mod:`.recorder`,
``python -m bfxapi.testing record``) and the replaying server (:mod:`.server`, ``python -m bfxapi.testing serve
--replay FILE``)."""

from .format import Recording, RecordingError, RecordingWriter, channel_key, read_recording, subscribe_request
from .recorder import PUBLIC_HOST, RecordingSummary, record
from .server import Replay

__all__ = ["Recording", "RecordingError", "RecordingWriter", "RecordingSummary", "Replay", "record",
           "read_recording", "channel_key", "subscribe_request", "PUBLIC_HOST"]
