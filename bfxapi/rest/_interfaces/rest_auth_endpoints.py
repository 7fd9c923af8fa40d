"""Authenticated endpoints (``bfx.rest.auth``): account, orders, positions, funding, wallets (protocol.md §6.2).

Every call is a signed POST whose parameters travel in the JSON body. Names and parameters are the official
library's (3.0.5, with the 4.0.0 signatures where they differ); the endpoints it lacks follow at the end.
Decimal fields (amount, price, rate, ...) accept ``Decimal``, ``int``, ``float`` or numeric ``str`` and travel
as exact decimal strings; ``None`` arguments are left out of the body.
"""

from typing import Any, Literal, Mapping, Optional, Sequence, Union, get_args

from ...exceptions import InvalidInputError, InvalidInputTypeError
from ..._aliases import DecimalLike, Tif, Timestamp
from ...types import (
    AccountSummary,
    Alert,
    AuditEntry,
    AuthToken,
    BalanceAvailable,
    BaseMarginInfo,
    DepositAddress,
    DerivativePositionCollateral,
    DerivativePositionCollateralLimits,
    FundingAutoRenew,
    FundingCredit,
    FundingInfo,
    FundingLoan,
    FundingOffer,
    FundingTrade,
    KeyPermission,
    Ledger,
    LightningNetworkInvoice,
    LnxInvoicePayment,
    LoginHistory,
    Movement,
    Notification,
    Order,
    OrderTrade,
    Position,
    PositionAudit,
    PositionClaim,
    PositionHistory,
    PositionIncrease,
    PositionIncreaseInfo,
    PositionSnapshot,
    PulseMessage,
    RecurringAlgoOrder,
    RecurringAlgoOrderExecution,
    Setting,
    Statistic,
    SymbolMarginInfo,
    ThalexFreeTransfers,
    ThalexTransfer,
    Trade,
    Transfer,
    UserInfo,
    Wallet,
    Withdrawal,
)
from ...types.dataclasses import parse_merchant
from ...types.number import N
from ..._utils import order_bodies
from ...rules.checker import OrderRules
from ..._utils.values import boolean, integer, integers, json_object, sequence, text
from .._interface import Interface
from .._interface.params import dec, decimal, flag, required, segment, sort_order, string, timestamp, window

__all__ = ["RestAuthEndpoints"]

#: one operation's answer inside the ``ox_multi-req`` notification of ``submit_order_multi_op``
OperationResult = Union[Notification[Order[N]], Notification[list[Order[N]]], Notification[None]]

#: what ``get_lnx_invoice_payments`` asks for (the ``action`` of ``auth/r/ext/invoice/payments``)
LnxAction = Literal["getInvoiceById", "getPaymentById", "getInvoices", "getPayments"]
RecurringAction = Literal["buy", "sell"]
Recurrence = Literal["daily", "weekly", "monthly"]
_LNX_ACTIONS: tuple[str, ...] = get_args(LnxAction)
_RECURRING_ACTIONS: tuple[str, ...] = get_args(RecurringAction)
_RECURRENCES: tuple[str, ...] = get_args(Recurrence)

_KEEP_FUNDING_TYPES = ("credit", "loan")
#: ``changes`` of ``toggle_keep_funding``: 1 keeps the funding, 2 stops keeping it
_KEEP_FUNDING_CHANGES = (1, 2)


def _with(base: str, symbol: Any, tail: str = "", name: str = "symbol") -> str:
    """``auth/r/orders`` + ``/tBTCUSD`` when a symbol is given + ``/hist``."""
    path = f"{base}/{segment(symbol, name)}" if symbol is not None else base
    return f"{path}/{tail}" if tail else path


def _window(start: Any, end: Any, limit: Any, sort: Any = None) -> dict[str, Any]:
    return window(start, end, limit, sort)


def _ids(value: Any, name: str = "ids") -> Optional[list[int]]:
    return integers(value, name, 1, order_bodies.MAX_ID)


def _id(value: Any, name: str = "id") -> int:
    return required(integer(value, name, 1, order_bodies.MAX_ID), name)


def _period(value: Any) -> Optional[int]:
    return integer(value, "period", order_bodies.MIN_PERIOD, order_bodies.MAX_PERIOD)


def _keys(value: Any, name: str = "keys") -> list[str]:
    return [string(key, f"{name}[{index}]") for index, key in enumerate(sequence(value, name, "str"))]


def _keep_changes(value: Any) -> Optional[dict[str, int]]:
    """``{id: 1 or 2}`` with the ids as the str keys JSON objects have."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InvalidInputTypeError(f"changes must be a dict of {{id: 1 or 2}}, not {type(value).__name__}")
    changes: dict[str, int] = {}
    for key, change in value.items():
        # A str of digits is taken too: it is how the id reads once the dict has been through JSON.
        number = int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else key
        funding_id = _id(number, f"changes key {key!r}")
        keep = integer(change, f"changes[{key!r}]")
        if keep is None or keep not in _KEEP_FUNDING_CHANGES:
            raise InvalidInputError(f"changes[{key!r}] must be 1 (keep) or 2 (stop keeping), not {change!r}")
        changes[str(funding_id)] = keep
    return changes


def _first_order(notification: Any) -> Any:
    """The submit notification with only its first order: an OCO submission answers ``[[ORDER], [STOP]]``
    (the order and its stop sibling, whose id is the order's ``placed_id``)."""
    if isinstance(notification, list) and len(notification) > 4:
        info = notification[4]
        if isinstance(info, list) and len(info) > 1 and all(isinstance(row, list) for row in info):
            return [*notification[:4], info[:1], *notification[5:]]
    return notification


def _ms(value: Any, name: str) -> Optional[int]:
    """Milliseconds since the epoch, or None to leave it out."""
    return integer(value, name, 0)


def _tfa_token(value: Any) -> dict[str, Any]:
    """The U2F token object Bitfinex wants with a Thalex transfer (sent as given)."""
    return required(json_object(value, "tfa_token"), "tfa_token")


def _price(value: Any) -> str:
    return required(dec(value, "price", minimum=0, nonzero=True), "price")


def _alert_price(value: DecimalLike) -> str:
    """The price as it appears in an alert key: Bitfinex prints it as a number (``220``, never ``220.0``)."""
    digits = _price(value)
    if "." in digits:
        digits = digits.rstrip("0").rstrip(".")
    return digits


def _succeeded(answer: Any) -> bool:
    """Whether a write answered success: ``[1]`` (or ``1``, ``true``, ``[true]``)."""
    if isinstance(answer, list):
        answer = answer[0] if answer else None
    return answer is True or answer == 1


class RestAuthEndpoints(Interface[N]):
    """Authenticated REST endpoints; requires ``api_key`` and ``api_secret``."""

    # Bitfinex's order rules, which order writes go through before they are sent; BfxRestInterface sets them (its
    # ``rules``: not an endpoint, so not a public name of the group)
    _rules: Optional[OrderRules] = None

    async def _post(self, path: str, body: Optional[Mapping[str, Any]] = None, *, group: Optional[str] = None) -> Any:
        return await self._m.auth_post(path, body, group=group or path)

    # --- account ----------------------------------------------------------------------------------------------

    async def get_user_info(self) -> UserInfo:
        """The account's ``UserInfo``: POST ``auth/r/info/user``."""
        return self._s.UserInfo.from_wire(await self._post("auth/r/info/user"))

    async def get_login_history(self) -> list[LoginHistory]:
        """Recent logins: POST ``auth/r/logins/hist``."""
        return self._s.LoginHistory.from_wire_list(await self._post("auth/r/logins/hist"))

    async def get_balance_available_for_orders_or_offers(
        self,
        symbol: str,
        type: str,
        *,
        dir: Optional[int] = None,  # pylint: disable=redefined-builtin  # the official name
        rate: Optional[DecimalLike] = None,
        lev: Optional[DecimalLike] = None,
    ) -> BalanceAvailable[N]:
        """Amount available for a new order or offer: POST ``auth/calc/order/avail``."""
        body = {
            "symbol": string(symbol, "symbol"), "type": string(type, "type"), "dir": sort_order(dir, "dir", "1 or -1"),
            "rate": dec(rate, "rate"), "lev": dec(lev, "lev"),
        }
        return self._s.BalanceAvailable.from_wire(await self._post("auth/calc/order/avail", body))

    async def get_wallets(self) -> list[Wallet[N]]:
        """Every wallet balance: POST ``auth/r/wallets``."""
        return self._s.Wallet.from_wire_list(await self._post("auth/r/wallets"))

    # --- orders -----------------------------------------------------------------------------------------------

    async def get_orders(self, *, symbol: Optional[str] = None, ids: Optional[Sequence[int]] = None) -> list[Order[N]]:
        """Active orders (of one symbol, or with the given ids): POST ``auth/r/orders[/{symbol}]``."""
        body = {"id": _ids(ids)}
        rows = await self._post(_with("auth/r/orders", symbol), body, group="auth/r/orders")
        return self._s.Order.from_wire_list(rows)

    async def submit_order(
        self,
        type: str,
        symbol: str,
        amount: DecimalLike,
        price: Optional[DecimalLike] = None,
        *,
        lev: Optional[int] = None,
        price_trailing: Optional[DecimalLike] = None,
        price_aux_limit: Optional[DecimalLike] = None,
        price_oco_stop: Optional[DecimalLike] = None,
        gid: Optional[int] = None,
        cid: Optional[int] = None,
        flags: Optional[int] = None,
        tif: Optional[Tif] = None,
        meta: Optional[Mapping[str, Any]] = None,
    ) -> Notification[Order[N]]:
        """Place an order (``price`` is ``None`` for market orders): POST ``auth/w/order/submit``.

        ``meta`` is sent as given (its keys are never renamed). An OCO order (flag 16384) is answered with
        the order and its stop sibling; ``data`` is the order, whose ``placed_id`` is the sibling's id."""
        body = order_bodies.new_order(
            type, symbol, amount, price, lev=lev, price_trailing=price_trailing, price_aux_limit=price_aux_limit,
            price_oco_stop=price_oco_stop, gid=gid, cid=cid, flags=flags, tif=tif, meta=meta,
        )  # fmt: skip
        body = await self._rules.checked_new_order(body) if self._rules is not None else body
        return self._s.OrderNotification.from_wire(_first_order(await self._post("auth/w/order/submit", body)))

    async def update_order(
        self,
        id: int,
        *,
        amount: Optional[DecimalLike] = None,
        price: Optional[DecimalLike] = None,
        cid: Optional[int] = None,
        cid_date: Optional[str] = None,
        gid: Optional[int] = None,
        flags: Optional[int] = None,
        lev: Optional[int] = None,
        delta: Optional[DecimalLike] = None,
        price_aux_limit: Optional[DecimalLike] = None,
        price_trailing: Optional[DecimalLike] = None,
        tif: Optional[Tif] = None,
    ) -> Notification[Order[N]]:
        """Change an active order: POST ``auth/w/order/update``."""
        body = order_bodies.order_update(
            id, amount=amount, price=price, cid=cid, cid_date=cid_date, gid=gid, flags=flags, lev=lev, delta=delta,
            price_aux_limit=price_aux_limit, price_trailing=price_trailing, tif=tif,
        )  # fmt: skip
        body = await self._rules.checked_update(body) if self._rules is not None else body
        return self._s.OrderNotification.from_wire(await self._post("auth/w/order/update", body))

    async def cancel_order(
        self, *, id: Optional[int] = None, cid: Optional[int] = None, cid_date: Optional[str] = None
    ) -> Notification[Order[N]]:
        """Cancel one order, by ``id`` or by ``cid`` and ``cid_date``: POST ``auth/w/order/cancel``."""
        body = order_bodies.order_cancel(id, cid, cid_date)
        return self._s.OrderNotification.from_wire(await self._post("auth/w/order/cancel", body))

    async def cancel_order_multi(
        self,
        *,
        id: Optional[Sequence[int]] = None,
        cid: Optional[Sequence[tuple[int, str]]] = None,
        gid: Optional[Sequence[int]] = None,
        all: Optional[bool] = None,
    ) -> Notification[list[Order[N]]]:
        """Cancel several orders (by ids, ``(cid, cid_date)`` pairs, group ids, or ``all``): POST
        ``auth/w/order/cancel/multi``."""
        body = order_bodies.order_cancel_multi(id, cid, gid, all)
        return self._s.OrderListNotification.from_wire(await self._post("auth/w/order/cancel/multi", body))

    async def get_orders_history(
        self,
        *,
        symbol: Optional[str] = None,
        ids: Optional[Sequence[int]] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Order[N]]:
        """Closed orders: POST ``auth/r/orders[/{symbol}]/hist``."""
        body = {"id": _ids(ids), **_window(start, end, limit)}
        rows = await self._post(_with("auth/r/orders", symbol, "hist"), body, group="auth/r/orders/hist")
        return self._s.Order.from_wire_list(rows)

    async def get_order_trades(self, symbol: str, id: int) -> list[OrderTrade[N]]:
        """Trades of one order: POST ``auth/r/order/{symbol}:{id}/trades``."""
        path = f"auth/r/order/{segment(symbol, 'symbol')}:{_id(id)}/trades"
        return self._s.OrderTrade.from_wire_list(await self._post(path, group="auth/r/order/trades"))

    async def get_trades_history(
        self,
        *,
        symbol: Optional[str] = None,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Trade[N]]:
        """The account's trades: POST ``auth/r/trades[/{symbol}]/hist``."""
        body = _window(start, end, limit, sort)
        rows = await self._post(_with("auth/r/trades", symbol, "hist"), body, group="auth/r/trades/hist")
        return self._s.Trade.from_wire_list(rows)

    async def get_ledgers(
        self,
        currency: Optional[str] = None,
        *,
        category: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Ledger[N]]:
        """Ledger entries of one currency, or of all when ``currency`` is None: POST
        ``auth/r/ledgers[/{currency}]/hist``."""
        body = {"category": integer(category, "category", 0), **_window(start, end, limit)}
        path = _with("auth/r/ledgers", currency, "hist", "currency")
        rows = await self._post(path, body, group="auth/r/ledgers/hist")
        return self._s.Ledger.from_wire_list(rows)

    # --- margin and positions -------------------------------------------------------------------------------------

    async def get_base_margin_info(self) -> BaseMarginInfo[N]:
        """Account-wide margin figures: POST ``auth/r/info/margin/base``."""
        return self._s.BaseMarginInfo.from_wire(await self._post("auth/r/info/margin/base"))

    async def get_symbol_margin_info(self, symbol: str) -> SymbolMarginInfo[N]:
        """Margin figures of one pair: POST ``auth/r/info/margin/{symbol}``."""
        path = f"auth/r/info/margin/{segment(symbol, 'symbol')}"
        return self._s.SymbolMarginInfo.from_wire(await self._post(path, group="auth/r/info/margin"))

    async def get_all_symbols_margin_info(self) -> list[SymbolMarginInfo[N]]:
        """Margin figures of every pair: POST ``auth/r/info/margin/sym_all``."""
        return self._s.SymbolMarginInfo.from_wire_list(await self._post("auth/r/info/margin/sym_all"))

    async def get_positions(self) -> list[Position[N]]:
        """Active positions: POST ``auth/r/positions``."""
        return self._s.Position.from_wire_list(await self._post("auth/r/positions"))

    async def claim_position(self, id: int, *, amount: Optional[DecimalLike] = None) -> Notification[PositionClaim[N]]:
        """Claim a position (all of it, or ``amount``): POST ``auth/w/position/claim``."""
        body = {"id": _id(id), "amount": dec(amount, "amount")}
        return self._s.PositionClaimNotification.from_wire(await self._post("auth/w/position/claim", body))

    async def increase_position(self, symbol: str, amount: DecimalLike) -> Notification[PositionIncrease[N]]:
        """Increase a position: POST ``auth/w/position/increase``."""
        body = {"symbol": string(symbol, "symbol"), "amount": decimal(amount, "amount")}
        return self._s.PositionIncreaseNotification.from_wire(await self._post("auth/w/position/increase", body))

    async def get_increase_position_info(self, symbol: str, amount: DecimalLike) -> PositionIncreaseInfo[N]:
        """What increasing a position by ``amount`` would take: POST ``auth/r/position/increase/info``."""
        body = {"symbol": string(symbol, "symbol"), "amount": decimal(amount, "amount")}
        return self._s.PositionIncreaseInfo.from_wire(await self._post("auth/r/position/increase/info", body))

    async def get_positions_history(
        self, *, start: Optional[Timestamp] = None, end: Optional[Timestamp] = None, limit: Optional[int] = None
    ) -> list[PositionHistory[N]]:
        """Closed positions: POST ``auth/r/positions/hist``."""
        rows = await self._post("auth/r/positions/hist", _window(start, end, limit))
        return self._s.PositionHistory.from_wire_list(rows)

    async def get_positions_snapshot(
        self, *, start: Optional[Timestamp] = None, end: Optional[Timestamp] = None, limit: Optional[int] = None
    ) -> list[PositionSnapshot[N]]:
        """Position snapshots: POST ``auth/r/positions/snap``."""
        rows = await self._post("auth/r/positions/snap", _window(start, end, limit))
        return self._s.PositionSnapshot.from_wire_list(rows)

    async def get_positions_audit(
        self,
        *,
        ids: Optional[Sequence[int]] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[PositionAudit[N]]:
        """Audit of positions (body key ``id``, as Bitfinex documents it): POST ``auth/r/positions/audit``."""
        body = {"id": _ids(ids), **_window(start, end, limit)}
        return self._s.PositionAudit.from_wire_list(await self._post("auth/r/positions/audit", body))

    async def set_derivative_position_collateral(
        self, symbol: str, collateral: DecimalLike
    ) -> DerivativePositionCollateral:
        """Set the collateral of a derivatives position: POST ``auth/w/deriv/collateral/set``."""
        body = {"symbol": string(symbol, "symbol"), "collateral": decimal(collateral, "collateral")}
        data = await self._post("auth/w/deriv/collateral/set", body)
        return self._s.DerivativePositionCollateral.from_wire(data[0])

    async def get_derivative_position_collateral_limits(self, symbol: str) -> DerivativePositionCollateralLimits[N]:
        """Minimum and maximum collateral of a derivatives position: POST ``auth/calc/deriv/collateral/limit``."""
        data = await self._post("auth/calc/deriv/collateral/limit", {"symbol": string(symbol, "symbol")})
        return self._s.DerivativePositionCollateralLimits.from_wire(data)

    # --- funding ------------------------------------------------------------------------------------------------

    async def get_funding_offers(self, *, symbol: Optional[str] = None) -> list[FundingOffer[N]]:
        """Active funding offers: POST ``auth/r/funding/offers[/{symbol}]``."""
        rows = await self._post(_with("auth/r/funding/offers", symbol), group="auth/r/funding/offers")
        return self._s.FundingOffer.from_wire_list(rows)

    async def submit_funding_offer(
        self,
        type: str,
        symbol: str,
        amount: DecimalLike,
        rate: DecimalLike,
        period: int,
        *,
        flags: Optional[int] = None,
    ) -> Notification[FundingOffer[N]]:
        """Place a funding offer (positive amount) or bid (negative): POST ``auth/w/funding/offer/submit``."""
        body = order_bodies.funding_offer(type, symbol, amount, rate, period, flags)
        return self._s.FundingOfferNotification.from_wire(await self._post("auth/w/funding/offer/submit", body))

    async def cancel_funding_offer(self, id: int) -> Notification[FundingOffer[N]]:
        """Cancel a funding offer: POST ``auth/w/funding/offer/cancel``."""
        data = await self._post("auth/w/funding/offer/cancel", order_bodies.funding_offer_cancel(id))
        return self._s.FundingOfferNotification.from_wire(data)

    async def cancel_all_funding_offers(self, currency: str) -> Notification[None]:
        """Cancel every funding offer of a currency (the notification carries no data): POST
        ``auth/w/funding/offer/cancel/all``."""
        data = await self._post("auth/w/funding/offer/cancel/all", {"currency": string(currency, "currency")})
        return self._s.EmptyNotification.from_wire(data)

    async def submit_funding_close(self, id: int) -> Notification[None]:
        """Return a funding loan or credit (the notification carries no data): POST ``auth/w/funding/close``."""
        return self._s.EmptyNotification.from_wire(await self._post("auth/w/funding/close", {"id": _id(id)}))

    async def toggle_auto_renew(
        self,
        status: bool,
        currency: str,
        *,
        amount: Optional[DecimalLike] = None,
        rate: Optional[DecimalLike] = None,
        period: Optional[int] = None,
    ) -> Notification[FundingAutoRenew[N]]:
        """Turn funding auto-renew on or off: POST ``auth/w/funding/auto``."""
        body = {
            "status": required(flag(status, "status"), "status"), "currency": string(currency, "currency"),
            "amount": dec(amount, "amount"), "rate": dec(rate, "rate"), "period": _period(period),
        }
        return self._s.FundingAutoRenewNotification.from_wire(await self._post("auth/w/funding/auto", body))

    async def toggle_keep_funding(
        self,
        type: Literal["credit", "loan"],
        *,
        ids: Optional[Sequence[int]] = None,
        changes: Optional[Mapping[int, Literal[1, 2]]] = None,
    ) -> Notification[None]:
        """Keep (1) or stop keeping (2) funding: POST ``auth/w/funding/keep`` (the notification carries no data)."""
        body = {
            "type": required(text(type, "type", choices=_KEEP_FUNDING_TYPES), "type"), "id": _ids(ids),
            "changes": _keep_changes(changes),
        }
        return self._s.EmptyNotification.from_wire(await self._post("auth/w/funding/keep", body))

    async def get_funding_offers_history(
        self,
        *,
        symbol: Optional[str] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[FundingOffer[N]]:
        """Closed funding offers: POST ``auth/r/funding/offers[/{symbol}]/hist``."""
        path = _with("auth/r/funding/offers", symbol, "hist")
        rows = await self._post(path, _window(start, end, limit), group="auth/r/funding/offers/hist")
        return self._s.FundingOffer.from_wire_list(rows)

    async def get_funding_loans(self, *, symbol: Optional[str] = None) -> list[FundingLoan[N]]:
        """Active funding loans: POST ``auth/r/funding/loans[/{symbol}]``."""
        rows = await self._post(_with("auth/r/funding/loans", symbol), group="auth/r/funding/loans")
        return self._s.FundingLoan.from_wire_list(rows)

    async def get_funding_loans_history(
        self,
        *,
        symbol: Optional[str] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[FundingLoan[N]]:
        """Closed funding loans: POST ``auth/r/funding/loans[/{symbol}]/hist``."""
        path = _with("auth/r/funding/loans", symbol, "hist")
        rows = await self._post(path, _window(start, end, limit), group="auth/r/funding/loans/hist")
        return self._s.FundingLoan.from_wire_list(rows)

    async def get_funding_credits(self, *, symbol: Optional[str] = None) -> list[FundingCredit[N]]:
        """Active funding credits: POST ``auth/r/funding/credits[/{symbol}]``."""
        rows = await self._post(_with("auth/r/funding/credits", symbol), group="auth/r/funding/credits")
        return self._s.FundingCredit.from_wire_list(rows)

    async def get_funding_credits_history(
        self,
        *,
        symbol: Optional[str] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[FundingCredit[N]]:
        """Closed funding credits: POST ``auth/r/funding/credits[/{symbol}]/hist``."""
        path = _with("auth/r/funding/credits", symbol, "hist")
        rows = await self._post(path, _window(start, end, limit), group="auth/r/funding/credits/hist")
        return self._s.FundingCredit.from_wire_list(rows)

    async def get_funding_trades_history(
        self,
        *,
        symbol: Optional[str] = None,
        sort: Optional[int] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[FundingTrade[N]]:
        """The account's funding trades: POST ``auth/r/funding/trades[/{symbol}]/hist``."""
        body = _window(start, end, limit, sort)
        path = _with("auth/r/funding/trades", symbol, "hist")
        return self._s.FundingTrade.from_wire_list(await self._post(path, body, group="auth/r/funding/trades/hist"))

    async def get_funding_info(self, key: str) -> FundingInfo[N]:
        """Yields and durations of a funding currency: POST ``auth/r/info/funding/{key}``."""
        path = f"auth/r/info/funding/{segment(key, 'key')}"
        return self._s.FundingInfo.from_wire(await self._post(path, group="auth/r/info/funding"))

    # --- wallets and movements ------------------------------------------------------------------------------------

    async def transfer_between_wallets(
        self, from_wallet: str, to_wallet: str, currency: str, currency_to: str, amount: DecimalLike
    ) -> Notification[Transfer[N]]:
        """Move funds between wallets (converting to ``currency_to``): POST ``auth/w/transfer``."""
        body = {
            "from": string(from_wallet, "from_wallet"), "to": string(to_wallet, "to_wallet"),
            "currency": string(currency, "currency"), "currency_to": string(currency_to, "currency_to"),
            "amount": decimal(amount, "amount"),
        }
        return self._s.TransferNotification.from_wire(await self._post("auth/w/transfer", body))

    async def submit_wallet_withdrawal(
        self, wallet: str, method: str, address: str, amount: DecimalLike
    ) -> Notification[Withdrawal[N]]:
        """Withdraw to ``address``: POST ``auth/w/withdraw``."""
        body = {
            "wallet": string(wallet, "wallet"), "method": string(method, "method"),
            "address": string(address, "address"), "amount": decimal(amount, "amount"),
        }
        return self._s.WithdrawalNotification.from_wire(await self._post("auth/w/withdraw", body))

    async def get_deposit_address(
        self, wallet: str, method: str, op_renew: bool = False
    ) -> Notification[DepositAddress]:
        """The deposit address of a wallet and method (a new one with ``op_renew``): POST
        ``auth/w/deposit/address``."""
        body = {
            "wallet": string(wallet, "wallet"), "method": string(method, "method"),
            "op_renew": flag(op_renew, "op_renew"),
        }
        return self._s.DepositAddressNotification.from_wire(await self._post("auth/w/deposit/address", body))

    async def generate_deposit_invoice(
        self, wallet: str, currency: str, amount: DecimalLike
    ) -> LightningNetworkInvoice:
        """A Lightning Network deposit invoice (not a notification): POST ``auth/w/deposit/invoice``."""
        body = {
            "wallet": string(wallet, "wallet"), "currency": string(currency, "currency"),
            "amount": decimal(amount, "amount"),
        }
        return self._s.LightningNetworkInvoice.from_wire(await self._post("auth/w/deposit/invoice", body))

    async def get_movements(
        self,
        *,
        currency: Optional[str] = None,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Movement[N]]:
        """Deposits and withdrawals: POST ``auth/r/movements[/{currency}]/hist``."""
        path = _with("auth/r/movements", currency, "hist", "currency")
        rows = await self._post(path, _window(start, end, limit), group="auth/r/movements/hist")
        return self._s.Movement.from_wire_list(rows)

    # --- not in the official library ------------------------------------------------------------------------------

    async def submit_order_multi_op(
        self, ops: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> Notification[list[OperationResult[N]]]:
        """Up to 75 order operations in one request: ``[("on", {...}), ("oc", {"id": 1}), ("oc_multi", {...}),
        ("ou", {...})]``: POST ``auth/w/order/multi``. Decimal fields of each operation travel as strings. The
        ``ox_multi-req`` notification's data is one notification per operation, in order: ``on-req``, ``oc-req``
        and ``ou-req`` carry the ``Order``, ``oc_multi-req`` the list of orders, any other kind no data."""
        wire_ops = order_bodies.order_multi_op(ops)
        wire_ops = await self._rules.checked_operations(wire_ops) if self._rules is not None else wire_ops
        outer = self._s.RawNotification.from_wire(await self._post("auth/w/order/multi", {"ops": wire_ops}))
        rows = outer.data if isinstance(outer.data, list) else []
        results = [self._operation_result(row) for row in rows if isinstance(row, list)]
        return Notification(outer.mts, outer.type, outer.message_id, results, outer.code, outer.status, outer.text)

    def _operation_result(self, row: list[Any]) -> OperationResult[N]:
        kind = row[1] if len(row) > 1 else None
        if kind == "oc_multi-req":
            return self._s.OrderListNotification.from_wire(row)
        if kind in ("on-req", "oc-req", "ou-req"):
            return self._s.OrderNotification.from_wire(_first_order(row))
        return self._s.EmptyNotification.from_wire(row)

    async def get_deposit_addresses(
        self, method: str, *, page: Optional[int] = None, page_size: Optional[int] = None
    ) -> list[DepositAddress]:
        """Every deposit address of a method (rows laid out as ``get_deposit_address``'s data): POST
        ``auth/r/deposit/address/all``."""
        body = {"method": string(method, "method"), "page": integer(page, "page", 0),
                "pageSize": integer(page_size, "page_size", 1)}
        return self._s.DepositAddress.from_wire_list(await self._post("auth/r/deposit/address/all", body))

    async def get_movement_info(self, id: int) -> Movement[N]:
        """One deposit or withdrawal (a MOVEMENT row): POST ``auth/r/movements/info``."""
        return self._s.Movement.from_wire(await self._post("auth/r/movements/info", {"id": _id(id)}))

    async def get_alerts(self, type: str = "price") -> list[Alert[N]]:
        """Price alerts: POST ``auth/r/alerts``."""
        return self._s.Alert.from_wire_list(await self._post("auth/r/alerts", {"type": string(type, "type")}))

    async def set_alert(self, type: str, symbol: str, price: DecimalLike) -> Alert[N]:
        """Create a price alert; returns it: POST ``auth/w/alert/set``."""
        body = {"type": string(type, "type"), "symbol": string(symbol, "symbol"), "price": _price(price)}
        return self._s.Alert.from_wire(await self._post("auth/w/alert/set", body))

    async def delete_alert(self, symbol: str, price: DecimalLike) -> bool:
        """Delete the price alert of ``symbol`` at ``price``; True when there was one: POST
        ``auth/w/alert/price:{symbol}:{price}/del``. The price is written as in the alert's key (``220``, not
        ``220.0`` nor ``220.00``)."""
        key = f"price:{segment(symbol, 'symbol')}:{segment(_alert_price(price), 'price')}"
        return _succeeded(await self._post(f"auth/w/alert/{key}/del", group="auth/w/alert/del"))

    async def get_settings(self, keys: Sequence[str]) -> list[Setting]:
        """Stored account settings (``"api:bfx-..."`` keys): POST ``auth/r/settings``."""
        return self._s.Setting.from_wire_list(await self._post("auth/r/settings", {"keys": _keys(keys)}))

    async def set_settings(self, settings: Mapping[str, Any]) -> bool:
        """Store account settings; True when Bitfinex stored them: POST ``auth/w/settings/set``."""
        body = {"settings": required(json_object(settings, "settings"), "settings")}
        return _succeeded(await self._post("auth/w/settings/set", body))

    async def delete_settings(self, keys: Sequence[str]) -> bool:
        """Delete account settings; True when Bitfinex deleted them: POST ``auth/w/settings/del``."""
        return _succeeded(await self._post("auth/w/settings/del", {"keys": _keys(keys)}))

    async def get_key_permissions(self) -> list[KeyPermission]:
        """What the API key may do, one ``KeyPermission`` per scope: POST ``auth/r/permissions``."""
        return self._s.KeyPermission.from_wire_list(await self._post("auth/r/permissions"))

    async def get_account_summary(self) -> AccountSummary[N]:
        """The account's fee rates and LEO figures: POST ``auth/r/summary``."""
        return self._s.AccountSummary.from_wire(await self._post("auth/r/summary"))

    async def get_wallets_history(
        self, *, currency: Optional[str] = None, end: Optional[Timestamp] = None
    ) -> list[Wallet[N]]:
        """Wallet balances as they were at ``end`` (WALLET rows): POST ``auth/r/wallets/hist``."""
        body = {"currency": text(currency, "currency"), "end": timestamp(end, "end")}
        return self._s.Wallet.from_wire_list(await self._post("auth/r/wallets/hist", body))

    async def get_funding_auto_renew_status(self, currency: str) -> Optional[FundingAutoRenew[N]]:
        """The auto-renew settings of a funding currency, ``None`` when auto-renew is off: POST
        ``auth/r/funding/auto/status``."""
        body = {"currency": string(currency, "currency")}
        data = await self._post("auth/r/funding/auto/status", body)
        return self._s.FundingAutoRenew.from_wire(data) if data else None


    async def get_audit_history(
        self,
        *,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[AuditEntry]:
        """The account's audit trail (logins, key changes, ...): POST ``auth/r/audit/hist``."""
        return self._s.AuditEntry.from_wire_list(await self._post("auth/r/audit/hist", _window(start, end, limit)))

    async def get_core_settings(self) -> list[Setting]:
        """The account's core (platform) settings as ``[KEY, VALUE]`` rows: POST ``auth/r/settings/core``."""
        return self._s.Setting.from_wire_list(await self._post("auth/r/settings/core"))

    async def generate_token(
        self,
        scope: str,
        *,
        ttl: Optional[int] = None,
        write_permission: Optional[bool] = None,
        caps: Optional[Sequence[str]] = None,
    ) -> AuthToken:
        """A new auth token (for the ``bfx-token`` header; ``scope`` e.g. ``"api"``, ``ttl`` in seconds, ``caps``
        e.g. ``["a", "o", "f", "s", "w", "wd"]``): POST ``auth/w/token``."""
        body = {
            "scope": string(scope, "scope"), "ttl": integer(ttl, "ttl", 1),
            "writePermission": boolean(write_permission, "write_permission"),
            "caps": _keys(caps, "caps") if caps is not None else None,
        }
        return self._s.AuthToken.from_wire(await self._post("auth/w/token", body))

    async def delete_token(self, token: str) -> bool:
        """Revoke an auth token; True when Bitfinex deleted it: POST ``auth/w/token/del``."""
        return _succeeded(await self._post("auth/w/token/del", {"token": string(token, "token")}))

    async def get_performance_history(self) -> list[Statistic[N]]:
        """The account's daily performance as ``[MTS, VALUE]`` rows: POST ``auth/r/stats/perf:1D/hist``."""
        return self._s.Statistic.from_wire_list(await self._post("auth/r/stats/perf:1D/hist"))

    async def submit_pulse(
        self,
        title: str,
        content: str,
        *,
        parent: Optional[str] = None,
        is_pin: Optional[bool] = None,
        attachments: Optional[Sequence[str]] = None,
        disable_comments: Optional[bool] = None,
        is_public: Optional[bool] = None,
    ) -> PulseMessage:
        """Publish a Pulse message (a comment when ``parent`` is a message id): POST ``auth/w/pulse/add``."""
        body = {
            "title": string(title, "title"), "content": string(content, "content"), "parent": text(parent, "parent"),
            "isPin": flag(is_pin, "is_pin"),
            "attachments": _keys(attachments, "attachments") if attachments is not None else None,
            "disableComments": flag(disable_comments, "disable_comments"), "isPublic": flag(is_public, "is_public"),
        }
        return self._s.PulseMessage.from_wire(await self._post("auth/w/pulse/add", body))

    async def delete_pulse(self, pid: str) -> bool:
        """Delete one of the account's Pulse messages; True when it was deleted: POST ``auth/w/pulse/del``."""
        return _succeeded(await self._post("auth/w/pulse/del", {"pid": string(pid, "pid")}))

    async def get_pulse_history(self, *, is_public: Optional[bool] = None) -> list[PulseMessage]:
        """The account's own Pulse messages: POST ``auth/r/pulse/hist``."""
        body = {"isPublic": flag(is_public, "is_public")}
        return self._s.PulseMessage.from_wire_list(await self._post("auth/r/pulse/hist", body))

    async def get_otc_orders_history(
        self,
        symbol: str,
        *,
        start: Optional[Timestamp] = None,
        end: Optional[Timestamp] = None,
        limit: Optional[int] = None,
    ) -> list[Order[N]]:
        """Closed OTC orders of a pair: POST ``auth/r/orders/otc/{symbol}/hist``."""
        path = f"auth/r/orders/otc/{segment(symbol, 'symbol')}/hist"
        rows = await self._post(path, _window(start, end, limit), group="auth/r/orders/otc")
        return self._s.Order.from_wire_list(rows)

    async def update_position_funding_type(self, symbol: str, type: Literal[0, 1]) -> bool:
        """Fund a margin position from daily (0) or term (1) funding; True when Bitfinex accepted it: POST
        ``auth/w/position/update/funding/type``."""
        funding_type = required(integer(type, "type", 0, 1), "type")
        body = {"symbol": string(symbol, "symbol"), "type": funding_type}
        return _succeeded(await self._post("auth/w/position/update/funding/type", body))

    # --- Lightning Network invoices, recurring algo orders, Thalex (protocol.md §6.2 "Other") -------------------

    async def get_lnx_invoice_payments(
        self,
        action: LnxAction,
        *,
        id: Optional[str] = None,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> list[LnxInvoicePayment]:
        """Lightning Network deposit invoices or their payments: ``"getInvoiceById"``/``"getPaymentById"`` (with
        ``id``, the payment hash) or ``"getInvoices"``/``"getPayments"`` (``offset``, ``limit``): POST
        ``auth/r/ext/invoice/payments``. Layout: Bitfinex's "LNX Invoice Payments" reference; the ``{action, query}``
        body is the official Node library's. A single answer comes back as a list of one."""
        kind = required(text(action, "action", choices=_LNX_ACTIONS), "action")
        wanted = text(id, "id")
        if kind.endswith("ById"):
            query: dict[str, Any] = {"id": required(wanted, "id")}
            if offset is not None or limit is not None:
                raise InvalidInputError(f"{kind} takes id only, not offset or limit")
        else:
            if wanted is not None:
                raise InvalidInputError(f"{kind} lists: it takes offset and limit, not id")
            query = {"offset": integer(offset, "offset", 0), "limit": integer(limit, "limit", 1)}
        data = await self._post("auth/r/ext/invoice/payments", {"action": kind, "query": query})
        rows = data if isinstance(data, list) else [] if data is None else [data]
        return [parse_merchant(LnxInvoicePayment, row, self._s.decimal) for row in rows]

    def _recurring(self, data: Any) -> RecurringAlgoOrder[N]:
        order: RecurringAlgoOrder[N] = parse_merchant(RecurringAlgoOrder, data, self._s.decimal)
        return order

    async def submit_recurring_algo_order(
        self,
        symbol: str,
        action: RecurringAction,
        amount: DecimalLike,
        currency: str,
        recurrence: Recurrence,
        *,
        alias: Optional[str] = None,
        start_at: Optional[int] = None,
        end_at: Optional[int] = None,
    ) -> RecurringAlgoOrder[N]:
        """Create a recurring algorithmic order (buy or sell ``amount`` of ``currency``, one leg of ``symbol``, every
        day, week or month from ``start_at`` to ``end_at``, ms): POST ``auth/w/ext/recurring-ao/create``. Path from the
        official Node library; the body's keys and the answer's layout are our assumption (Bitfinex documents
        neither)."""
        start, end = _ms(start_at, "start_at"), _ms(end_at, "end_at")
        if start is not None and end is not None and end <= start:
            raise InvalidInputError(f"end_at ({end}) must be after start_at ({start})")
        body = {
            "symbol": string(symbol, "symbol"),
            "action": required(text(action, "action", choices=_RECURRING_ACTIONS), "action"),
            "amount": required(dec(amount, "amount", minimum=0, nonzero=True), "amount"),
            "currency": string(currency, "currency"),
            "recurrence": required(text(recurrence, "recurrence", choices=_RECURRENCES), "recurrence"),
            "alias": text(alias, "alias"), "startAt": start, "endAt": end,
        }
        return self._recurring(await self._post("auth/w/ext/recurring-ao/create", body))

    async def get_recurring_algo_order(self, algo_order_id: str) -> RecurringAlgoOrder[N]:
        """One recurring algorithmic order: POST ``auth/r/ext/recurring-ao/detail/{algo_order_id}``."""
        path = f"auth/r/ext/recurring-ao/detail/{segment(algo_order_id, 'algo_order_id')}"
        return self._recurring(await self._post(path, group="auth/r/ext/recurring-ao/detail"))

    async def update_recurring_algo_order(
        self,
        algo_order_id: str,
        *,
        alias: Optional[str] = None,
        amount: Optional[DecimalLike] = None,
        recurrence: Optional[Recurrence] = None,
        end_at: Optional[int] = None,
    ) -> RecurringAlgoOrder[N]:
        """Change an active recurring algorithmic order; returns it as changed: POST
        ``auth/w/ext/recurring-ao/update/{algo_order_id}`` (body keys: our assumption)."""
        path = f"auth/w/ext/recurring-ao/update/{segment(algo_order_id, 'algo_order_id')}"
        body = {
            "alias": text(alias, "alias"), "amount": dec(amount, "amount", minimum=0, nonzero=True),
            "recurrence": text(recurrence, "recurrence", choices=_RECURRENCES), "endAt": _ms(end_at, "end_at"),
        }
        if all(value is None for value in body.values()):
            raise InvalidInputError("update_recurring_algo_order needs something to change: alias, amount, ...")
        return self._recurring(await self._post(path, body, group="auth/w/ext/recurring-ao/update"))

    async def cancel_recurring_algo_order(self, algo_order_id: str) -> RecurringAlgoOrder[N]:
        """Cancel a recurring algorithmic order; returns it cancelled: POST
        ``auth/w/ext/recurring-ao/cancel/{algo_order_id}``."""
        path = f"auth/w/ext/recurring-ao/cancel/{segment(algo_order_id, 'algo_order_id')}"
        return self._recurring(await self._post(path, group="auth/w/ext/recurring-ao/cancel"))

    async def get_recurring_algo_orders(self) -> list[RecurringAlgoOrder[N]]:
        """Every recurring algorithmic order of the account, cancelled ones included: POST
        ``auth/r/ext/recurring-ao/list``."""
        return [self._recurring(row) for row in await self._post("auth/r/ext/recurring-ao/list")]

    async def get_recurring_algo_order_executions(
        self, *, algo_order_id: Optional[str] = None
    ) -> list[RecurringAlgoOrderExecution[N]]:
        """The orders recurring algorithmic orders placed (of one, or of all): POST
        ``auth/r/ext/recurring-ao/order/list`` (layout: our assumption)."""
        body = {"algoOrderId": text(algo_order_id, "algo_order_id")}
        rows = await self._post("auth/r/ext/recurring-ao/order/list", body)
        executions: list[RecurringAlgoOrderExecution[N]] = [
            parse_merchant(RecurringAlgoOrderExecution, row, self._s.decimal) for row in rows
        ]
        return executions

    async def submit_thalex_deposit(
        self, amount: DecimalLike, currency: str, tfa_token: Mapping[str, Any]
    ) -> ThalexTransfer:
        """Move ``amount`` of ``currency`` (Bitfinex lists ``"USE"``, ``"ETH"``, ``"BTC"``) from Bitfinex to Thalex,
        confirmed by a U2F ``tfa_token`` object: POST ``auth/w/ext/wallets/deposits/request``. Layout: Bitfinex's
        "Thalex Deposit Request" reference; the destination's key (``destination``) is our assumption."""
        body = {
            "destination": "thalex", "amount": required(dec(amount, "amount", minimum=0, nonzero=True), "amount"),
            "ccy": string(currency, "currency"), "tfaToken": _tfa_token(tfa_token),
        }
        return parse_merchant(ThalexTransfer, await self._post("auth/w/ext/wallets/deposits/request", body))

    async def submit_thalex_withdrawal(
        self, amount: DecimalLike, currency: str, tfa_token: Mapping[str, Any]
    ) -> ThalexTransfer:
        """Move ``amount`` of ``currency`` from Thalex back to Bitfinex, confirmed by a U2F ``tfa_token`` object: POST
        ``auth/w/ext/wallets/withdrawals/request``. Layout: Bitfinex's "Thalex Withdrawal Request" reference."""
        body = {
            "provider": "thalex", "amount": required(dec(amount, "amount", minimum=0, nonzero=True), "amount"),
            "ccy": string(currency, "currency"), "tfaToken": _tfa_token(tfa_token),
        }
        return parse_merchant(ThalexTransfer, await self._post("auth/w/ext/wallets/withdrawals/request", body))

    async def get_thalex_free_transfer_count(self) -> ThalexFreeTransfers:
        """Free Thalex deposits and withdrawals left, and when they renew (two free deposits a day): POST
        ``auth/r/ext/wallets/transfers/free/count``. Layout: Bitfinex's "Thalex Free Transfer Count" reference."""
        data = await self._post("auth/r/ext/wallets/transfers/free/count", {"provider": "thalex"})
        return parse_merchant(ThalexFreeTransfers, data)
