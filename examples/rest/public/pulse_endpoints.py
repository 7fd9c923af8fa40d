"""Bitfinex Pulse: the latest public messages, and one author's profile.

Run: python examples/rest/public/pulse_endpoints.py  (BFX_REST_HOST selects another server)
"""

import asyncio
import os
import time

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(rest_host=os.environ.get("BFX_REST_HOST", REST_HOST)) as bfx:
        # The 25 messages published before one day ago
        one_day_ago = int(time.time() * 1000) - 24 * 60 * 60 * 1000
        messages = await bfx.rest.public.get_pulse_message_history(end=one_day_ago, limit=25)
        print(f"{len(messages)} Pulse messages:")
        for message in messages[:5]:
            author = message.profile.nickname if message.profile else "?"
            print(f"  [{author}] {message.title or ''} {message.content[:60]!r}")

        first = messages[0].profile if messages else None
        nickname = first.nickname if first else "News"
        profile = await bfx.rest.public.get_pulse_profile_details(nickname)
        print(f"profile {profile.nickname}: {profile.followers} followers, {profile.following} following")


if __name__ == "__main__":
    asyncio.run(main())
