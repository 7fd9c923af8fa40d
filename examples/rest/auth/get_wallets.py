"""Wallets: balances, a transfer between wallets, a deposit address, a Lightning invoice and a withdrawal.

Run: BFX_API_KEY=... BFX_API_SECRET=... python examples/rest/auth/get_wallets.py
(BFX_REST_HOST selects another server). The withdrawal only happens when BFX_WITHDRAWAL_ADDRESS is set:
it sends 1 USDt (Ethereum) from the exchange wallet to that address.
"""

import asyncio
import os

from bfxapi import REST_HOST, Client


async def main() -> None:
    async with Client(
        os.environ.get("BFX_API_KEY"), os.environ.get("BFX_API_SECRET"),
        rest_host=os.environ.get("BFX_REST_HOST", REST_HOST),
    ) as bfx:
        for wallet in await bfx.rest.auth.get_wallets():
            print(f"{wallet.wallet_type:>8} {wallet.currency:<6} balance {wallet.balance}, "
                  f"available {wallet.available_balance}")

        transfer = await bfx.rest.auth.transfer_between_wallets("exchange", "funding", "ETH", "ETH", "0.001")
        print(f"transfer: {transfer.status}: {transfer.text}")

        deposit = await bfx.rest.auth.get_deposit_address("exchange", "bitcoin", op_renew=False)
        print(f"bitcoin deposit address: {deposit.data.address}")

        # A Lightning Network invoice is returned as such, not wrapped in a notification
        invoice = await bfx.rest.auth.generate_deposit_invoice("exchange", "LNX", "0.0001")
        print(f"Lightning invoice for {invoice.amount} BTC: {invoice.invoice}")

        address = os.environ.get("BFX_WITHDRAWAL_ADDRESS")
        if address:
            withdrawal = await bfx.rest.auth.submit_wallet_withdrawal("exchange", "tetheruse", address, "1.0")
            print(f"withdrawal: {withdrawal.status}: {withdrawal.text} (id {withdrawal.data.withdrawal_id})")


if __name__ == "__main__":
    asyncio.run(main())
