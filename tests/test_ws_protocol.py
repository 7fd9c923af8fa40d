"""The socket-free protocol core (``bfxapi.websocket._protocol``), fed hostile frames synchronously, in every state."""

import json
import logging
from typing import Any

import pytest

from bfxapi.websocket._protocol import (
    AccountSequence,
    Action,
    Arm,
    Confirm,
    Disarm,
    Emit,
    ErrorCode,
    ExpectUnsubscribed,
    Fail,
    Flag,
    Gap,
    InfoAction,
    InfoCode,
    Interrupt,
    Log,
    PublicSequence,
    Release,
    Restart,
    Route,
    Send,
    Subscription,
    SubscriptionState,
    SubscriptionTable,
    Unroute,
    Unsubscribed,
    UnusableConnectionError,
    check_greeting,
    info_action,
    sequence_index,
)
from bfxapi.websocket.exceptions import (
    InvalidMessageError,
    SubscriptionError,
    SubscriptionTimeoutError,
    VersionMismatchError,
)

#: frames that are not what any frame should be, of every JSON shape
HOSTILE = [None, True, 0, -1, 1.5, float("nan"), "", "hb", [], {}, [None], ["x", "y"], {"event": None},
           [[[[[]]]]], "[" * 50, {"event": "info", "version": "2"}]  # fmt: skip


def test_the_names_are_bitfinex_numbers() -> None:
    assert (Flag.TIMESTAMP, Flag.SEQ_ALL, Flag.OB_CHECKSUM, Flag.BULK_UPDATES) == (32768, 65536, 131072, 536870912)
    assert int(Flag.SEQ_ALL | Flag.OB_CHECKSUM) == 196608
    assert (InfoCode.RESTART, InfoCode.MAINTENANCE_START, InfoCode.MAINTENANCE_END) == (20051, 20060, 20061)
    assert ErrorCode.AUTH_NONCE == 10114 and ErrorCode.SUBSCRIPTION_LIMIT == 10305
    assert json.dumps({"flags": Flag.SEQ_ALL}) == '{"flags": 65536}'  # goes on the wire as a number


# --- the greeting ---------------------------------------------------------------------------------------------


def test_the_greeting_of_a_bitfinex_server_is_accepted() -> None:
    assert check_greeting({"event": "info", "version": 2, "serverId": "x", "platform": {"status": 1}}) is False
    assert check_greeting({"event": "info", "version": 2, "platform": {"status": 0}}) is True  # maintenance
    assert check_greeting({"event": "info", "version": 2}) is False


@pytest.mark.parametrize("frame", HOSTILE + [{"event": "info", "code": 20051, "msg": "Stopping"}, [0, "hb"]])
def test_anything_else_first_is_an_unusable_connection_never_fatal(frame: Any) -> None:
    if frame == {"event": "info", "version": "2"}:
        with pytest.raises(VersionMismatchError):  # a version, but not 2
            check_greeting(frame)
        return
    with pytest.raises(UnusableConnectionError):
        check_greeting(frame)


@pytest.mark.parametrize("version", [1, 3, None, "2", 2.5])
def test_only_another_protocol_version_is_fatal(version: Any) -> None:
    with pytest.raises(VersionMismatchError):
        check_greeting({"event": "info", "version": version})


# --- info events during a session ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("event", "action"), [
    ({"event": "info", "code": 20051, "msg": "Stopping"}, InfoAction.RESTART),
    ({"event": "info", "code": 20060}, InfoAction.MAINTENANCE_START),
    ({"event": "info", "code": 20061}, InfoAction.MAINTENANCE_END),
    ({"event": "info", "version": 3}, InfoAction.VERSION_CHANGED),
    ({"event": "info", "version": 2}, InfoAction.NOTHING),
    ({"event": "info", "code": "20051"}, InfoAction.NOTHING),  # a string is not the code
    ({"event": "info", "code": True}, InfoAction.NOTHING),
    ({"event": "info", "code": 99999}, InfoAction.NOTHING),
    ({"event": "info"}, InfoAction.NOTHING),
])  # fmt: skip
def test_info_codes_ask_for_their_action_and_nothing_else(event: dict[str, Any], action: InfoAction) -> None:
    assert info_action(event) is action


# --- public sequence numbers --------------------------------------------------------------------------------------


def test_where_the_sequence_number_sits() -> None:
    assert sequence_index([5, [[1, 2, 3]], 7]) == 2
    assert sequence_index([5, "hb", 7]) == 2
    assert sequence_index([5, "te", [1, 2, 3, 4], 7]) == 3
    assert sequence_index([5, "cs", 1234, 7]) == 3
    assert sequence_index([5, None, 7]) == 2  # an unreadable payload is still one payload


def test_frames_in_order_pass_and_a_gap_is_named() -> None:
    audit = PublicSequence()
    for number in range(1, 5):
        assert audit.check([9, [1, 2], number]) is None
    assert audit.check([9, "hb", 8]) == Gap("public", 5, 8)
    assert audit.last == 8  # the count goes on from what was received
    assert audit.check([9, [1], 9]) is None
    audit.reset()
    assert audit.last == 0 and audit.check([9, [1], 1]) is None


@pytest.mark.parametrize("state", ["fresh", "running", "after-a-gap"])
@pytest.mark.parametrize("bad", [[9], [9, [1]], [9, "te", [1]], [9, [1], None], [9, [1], "3"], [9, [1], True],
                                 [9, [1], 2.0]])  # fmt: skip
def test_a_frame_whose_number_cannot_be_read_is_allowed_for_by_the_next(state: str, bad: list[Any]) -> None:
    audit = PublicSequence()
    if state != "fresh":
        for number in range(1, 4):
            audit.check([9, [1], number])
    if state == "after-a-gap":
        assert audit.check([9, [1], 10]) is not None
    last = audit.last
    with pytest.raises(ValueError, match="sequence number is missing"):
        audit.check(bad)
    assert audit.last == last  # nothing learnt from it
    assert audit.check([9, [1], last + 2]) is None  # it took a number: no gap
    assert audit.check([9, [1], last + 4]) == Gap("public", last + 3, last + 4)  # but only one


def test_several_unreadable_frames_allow_for_as_many_numbers_and_no_more() -> None:
    audit = PublicSequence()
    audit.check([9, [1], 1])
    for _ in range(3):
        with pytest.raises(ValueError):
            audit.check([9])
    assert audit.check([9, [1], 6]) == Gap("public", 2, 6)  # three unreadable frames cover 2, 3, 4, not 5
    audit.reset()
    audit.check([9, [1], 1])
    for _ in range(3):
        with pytest.raises(ValueError):
            audit.check([9])
    assert audit.check([9, [1], 5]) is None


# --- channel 0 (the authenticated connection) ---------------------------------------------------------------------


def test_the_account_channel_counts_both_numbers() -> None:
    audit = AccountSequence()
    assert audit.check([0, "os", [], 1, 0]) is None  # snapshots carry account 0
    assert audit.check([0, "hb", 2]) is None  # heartbeats: the public number only
    assert audit.check([0, "on", [1], 3, 1]) is None
    assert audit.check([0, "n", [0, "on-req", None, None, [], None, "SUCCESS", ""], 1]) is None  # *-req: account only
    assert audit.check([0, "ou", [1], 4, 2]) is None
    assert audit.check([0, "te", [1], 6, 3]) == Gap("public", 5, 6)
    assert audit.check([0, "tu", [1], 7, 5]) == Gap("account", 4, 5)
    assert (audit.public, audit.account) == (7, 5)


@pytest.mark.parametrize("bad", [[0, "hb"], [0, "hb", None], [0, "os", []], [0, "os", [], 1], [0, "os", [], 1, "0"],
                                 [0, "n", [0, "on-req"]], [0, "n", [0, "on-req"], None]])  # fmt: skip
def test_a_channel_0_frame_without_its_numbers_is_refused_in_every_state(bad: list[Any]) -> None:
    for started in (False, True):
        audit = AccountSequence()
        if started:
            audit.check([0, "os", [], 1, 0])
            audit.check([0, "on", [1], 2, 1])
        before = (audit.public, audit.account)
        with pytest.raises(ValueError, match="sequence number is missing"):
            audit.check(bad)
        assert (audit.public, audit.account) == before or bad[1] == "os"


def test_the_account_counter_can_be_left_unaudited() -> None:
    audit = AccountSequence(audit_account=False)
    assert audit.check([0, "os", [], 1, 0]) is None
    assert audit.check([0, "on", [1], 2, 7]) is None  # a jump in the account counter is not checked
    assert audit.check([0, "ou", [1], 4, 8]) == Gap("public", 3, 4)  # the public one still is


# --- the subscriptions of a public connection ---------------------------------------------------------------------

NAME = "public-1"
STRAY = "%s: confirmation of a subscription nobody asked for: %s"
ENDED = "%s: the server ended %s on its own; subscribing again"
REFUSED = "%s: the server refused the subscription %s: %s"
NOT_RESTORED = "%s: the server refused to restore %s: %s"
SERVER_ERROR = "%s: error from the server: %s (code %s)"
UNSUBSCRIBE_LOST = "%s: no confirmation of unsubscribe %s; dropping it"
NOT_CONFIRMED = "%s: %s not confirmed within %g s; reconnecting"

P = SubscriptionState
#: the states a subscription can be in; RESTORING is SENT again after a new socket, with nobody waiting for it
STATES = ["PENDING", "SENT", "RESTORING", "ACTIVE", "UNSUBSCRIBING", "RESUBSCRIBING"]


class Rec(Subscription):
    """A subscription whose caller's wait the test controls (the connection's future, reduced to a flag)."""

    __slots__ = ("waiting",)

    def __init__(self, sub_id: str = "s1") -> None:
        params = {"symbol": "tBTCUSD", "prec": "P0", "freq": "F0", "len": "25"}
        super().__init__(sub_id, {"channel": "book", "sub_id": sub_id, **params},
                         {"event": "subscribe", "channel": "book", **params, "subId": sub_id})  # fmt: skip
        self.waiting = False

    def awaited(self) -> bool:
        return self.waiting


class Shell:
    """What the connection does with the actions, reduced to what the table must keep consistent: the route table,
    the timers and the callers' waits. Every answer is checked against the table's own maps."""

    def __init__(self, online: bool = True) -> None:
        self.table: SubscriptionTable[Rec] = SubscriptionTable(NAME, 10.0)
        self.routes: set[int] = set()
        self.timers: set[int] = set()
        self.records: list[Rec] = []
        if online:
            assert self.do(self.table.opened()) == []

    def do(self, actions: list[Action[Rec]]) -> list[Action[Rec]]:
        for action in actions:
            if isinstance(action, Route):
                self.routes.add(action.chan_id)
            elif isinstance(action, Unroute):
                assert action.chan_id in self.routes, "a route removed twice"
                self.routes.discard(action.chan_id)
            elif isinstance(action, Arm):
                self.timers.add(id(action.record))
            elif isinstance(action, Disarm):
                assert id(action.record) in self.timers, "a timer cancelled that does not run"
                self.timers.discard(id(action.record))
            elif isinstance(action, (Confirm, Fail)):
                assert action.record.waiting, "a caller settled twice"
                action.record.waiting = False
        self.check()
        return actions

    def fire(self, record: Rec) -> list[Action[Rec]]:
        self.timers.discard(id(record))
        return self.do(self.table.timed_out(record))

    def check(self) -> None:
        table = self.table
        assert self.routes == set(table.by_chan)
        assert self.timers == {id(record) for record in self.records if record.armed}
        for chan_id, record in table.by_chan.items():
            assert record.chan_id == chan_id and record.state in (P.ACTIVE, P.UNSUBSCRIBING, P.RESUBSCRIBING)
        for record in table.owned.values():
            if record.state in (P.PENDING, P.SENT):
                assert record.chan_id is None
            if record.armed:
                assert record.state in (P.SENT, P.UNSUBSCRIBING, P.RESUBSCRIBING)
        if not table.online:
            assert not table.by_chan and all(record.state is P.PENDING for record in table.owned.values())


def subscribed(chan_id: Any = 5, sub_id: Any = "s1", **extra: Any) -> dict[str, Any]:
    return {"event": "subscribed", "channel": "book", "chanId": chan_id, "subId": sub_id, "symbol": "tBTCUSD", **extra}


def unsubscribe(chan_id: Any) -> Send[Rec]:
    return Send({"event": "unsubscribe", "chanId": chan_id})


def in_state(state: str) -> tuple[Shell, Rec]:
    """A table holding one subscription brought to ``state`` by the table's own transitions (channel 5 once it
    was confirmed)."""
    shell = Shell(online=state != "PENDING")
    record = Rec()
    shell.records.append(record)
    record.waiting = True
    shell.do(shell.table.subscribe(record))
    if state in ("PENDING", "SENT"):
        return shell, record
    shell.do(shell.table.event(subscribed(5)))
    if state == "RESTORING":
        shell.do(shell.table.lost())
        shell.do(shell.table.opened())
    elif state == "UNSUBSCRIBING":
        shell.do(shell.table.unsubscribe(record))
    elif state == "RESUBSCRIBING":
        record.waiting = True
        shell.do(shell.table.resubscribe(record))
    return shell, record


def test_in_state_reaches_every_state() -> None:
    for state in STATES:
        shell, record = in_state(state)
        assert record.state is (P.SENT if state == "RESTORING" else SubscriptionState[state])
        assert record.awaited() is (state in ("PENDING", "SENT", "RESUBSCRIBING"))
        assert record.armed is (state in ("SENT", "RESTORING", "UNSUBSCRIBING", "RESUBSCRIBING"))
        assert shell.table.owned == {"s1": record}


def test_a_subscription_goes_through_its_states() -> None:
    shell = Shell(online=False)
    table, record = shell.table, Rec()
    shell.records.append(record)
    record.waiting = True
    assert shell.do(table.subscribe(record)) == [] and record.state.name == "PENDING"  # waits for the socket
    assert shell.do(table.opened()) == [Arm(record), Send(record.request, record)] and record.state.name == "SENT"
    actions = shell.do(table.event(subscribed(5, len=25, prec="P0")))
    assert actions == [Disarm(record), Route(5, record), Confirm(record), Emit("subscribed", (record.info,))]
    assert record.state.name == "ACTIVE" and record.chan_id == 5 and table.by_chan == {5: record}
    assert record.info["len"] == "25"  # what the server chose, as a string
    assert shell.do(table.unsubscribe(record)) == [ExpectUnsubscribed(record), Arm(record),
                                                   Send({"event": "unsubscribe", "chanId": 5}, record)]
    assert record.state is P.UNSUBSCRIBING
    actions = shell.do(table.event({"event": "unsubscribed", "status": "OK", "chanId": 5}))
    assert actions == [Unroute(5), Disarm(record), Release(record), Unsubscribed(record),
                       Emit("unsubscribed", (record.info,))]  # fmt: skip
    assert table.owned == {} and table.by_chan == {} and 5 in table.retired


def test_a_resubscription_unsubscribes_then_subscribes_with_the_same_sub_id() -> None:
    shell, record = in_state("ACTIVE")
    record.waiting = True
    assert shell.do(shell.table.resubscribe(record)) == [Interrupt(record), Arm(record),
                                                         Send({"event": "unsubscribe", "chanId": 5}, record)]
    actions = shell.do(shell.table.event({"event": "unsubscribed", "chanId": 5}))
    assert actions == [Unroute(5), Disarm(record), Arm(record), Send(record.request, record)]  # no warning
    assert record.state is P.SENT and record.chan_id is None
    actions = shell.do(shell.table.event(subscribed(6)))
    assert actions == [Disarm(record), Route(6, record), Confirm(record), Emit("subscribed", (record.info,))]
    assert shell.table.by_chan == {6: record} and shell.table.retired == {5}


# --- subscribed ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("chan_id", [None, "5", 5.0, [5], {"id": 5}])
def test_subscribed_without_an_int_channel_id_is_an_invalid_message_and_changes_nothing(state: str,
                                                                                         chan_id: Any) -> None:
    shell, record = in_state(state)
    before = (record.state, record.chan_id, record.armed, dict(shell.table.by_chan), set(shell.table.retired))
    event = subscribed(sub_id="s1")
    if chan_id is None:
        del event["chanId"]
    else:
        event["chanId"] = chan_id
    with pytest.raises(InvalidMessageError, match="chanId is missing"):
        shell.table.event(event)
    assert (record.state, record.chan_id, record.armed, shell.table.by_chan, shell.table.retired) == before


@pytest.mark.parametrize("state", STATES)
def test_subscribed_for_the_own_sub_id_in_each_state(state: str) -> None:
    shell, record = in_state(state)
    event = subscribed(9)
    actions = shell.do(shell.table.event(event))
    if state == "SENT":
        assert actions == [Disarm(record), Route(9, record), Confirm(record), Emit("subscribed", (record.info,))]
    elif state == "RESTORING":  # nobody waits for a restore: no one to confirm
        assert actions == [Disarm(record), Route(9, record), Emit("subscribed", (record.info,))]
    else:  # not asked for (yet, or any more): the channel it opened is closed again, its frames ignored
        assert actions == [Log(logging.WARNING, STRAY, (NAME, event)), unsubscribe(9)]
        assert 9 in shell.table.retired and 9 not in shell.table.by_chan
        assert record.chan_id == (None if state == "PENDING" else 5)
        return
    assert record.state is P.ACTIVE and shell.table.by_chan == {9: record}


@pytest.mark.parametrize("sub_id", ["nobody", None, 1, ["s1"], {"s1": 1}])
def test_subscribed_for_an_unknown_sub_id_closes_the_channel(sub_id: Any) -> None:
    shell, record = in_state("SENT")
    event = subscribed(9, sub_id)
    assert shell.do(shell.table.event(event)) == [Log(logging.WARNING, STRAY, (NAME, event)), unsubscribe(9)]
    assert record.state is P.SENT and record.armed and 9 in shell.table.retired


@pytest.mark.parametrize("how", ["unsubscribed", "timed out"])
def test_the_late_confirmation_of_an_abandoned_subscription_is_undone_quietly_once(how: str) -> None:
    shell, record = in_state("SENT")
    if how == "unsubscribed":
        actions = shell.do(shell.table.unsubscribe(record))
        assert actions[:2] == [Disarm(record), Release(record)]
    else:
        actions = shell.fire(record)
        assert actions[:1] == [Release(record)]
    assert isinstance(actions[-1], Fail) and shell.table.abandoned == {"s1"} and shell.table.owned == {}
    assert shell.do(shell.table.event(subscribed(9))) == [unsubscribe(9)]  # expected: no warning
    assert shell.table.abandoned == set() and 9 in shell.table.retired
    event = subscribed(10)
    assert shell.do(shell.table.event(event)) == [Log(logging.WARNING, STRAY, (NAME, event)), unsubscribe(10)]


def test_subscribed_with_a_bool_channel_id_is_taken_as_a_number() -> None:
    shell, record = in_state("SENT")  # JSON true is not a channel id, but Python's bool is an int: kept as it was
    shell.do(shell.table.event(subscribed(True)))
    assert record.state is P.ACTIVE and shell.table.by_chan == {1: record}


# --- unsubscribed -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_unsubscribed_for_the_own_channel_in_each_state(state: str) -> None:
    shell, record = in_state(state)
    actions = shell.do(shell.table.event({"event": "unsubscribed", "status": "OK", "chanId": 5}))
    if state == "ACTIVE":  # the server ended it on its own
        assert actions == [Unroute(5), Log(logging.WARNING, ENDED, (NAME, "s1")), Arm(record),
                           Send(record.request, record)]  # fmt: skip
        assert record.state is P.SENT
    elif state == "RESUBSCRIBING":
        assert actions == [Unroute(5), Disarm(record), Arm(record), Send(record.request, record)]
        assert record.state is P.SENT
    elif state == "UNSUBSCRIBING":
        assert actions == [Unroute(5), Disarm(record), Release(record), Unsubscribed(record),
                           Emit("unsubscribed", (record.info,))]  # fmt: skip
        assert shell.table.owned == {}
    else:  # no channel yet: an unknown channel id
        assert actions == [] and record.state is (P.PENDING if state == "PENDING" else P.SENT)
    assert 5 in shell.table.retired


@pytest.mark.parametrize("chan_id", [99, None, "5", [5], 5.5])
def test_unsubscribed_for_an_unknown_channel_does_nothing(chan_id: Any) -> None:
    shell, record = in_state("ACTIVE")
    assert shell.do(shell.table.event({"event": "unsubscribed", "chanId": chan_id})) == []
    assert record.state is P.ACTIVE and shell.table.by_chan == {5: record}
    assert shell.table.retired == ({99} if chan_id == 99 else set())  # an int id is given up all the same


# --- error --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("event", [{"event": "error"}, {"event": "error", "code": 10000, "msg": "event: invalid"},
                                   {"event": "error", "code": "10300", "msg": None, "subId": None},
                                   {"event": "error", "code": 10400, "chanId": "5"}])  # fmt: skip
def test_an_error_for_no_subscription_is_reported_and_logged(event: dict[str, Any]) -> None:
    shell, record = in_state("ACTIVE")
    code, message = event.get("code"), str(event.get("msg", "error"))
    assert shell.do(shell.table.event(event)) == [Emit("wss-error", (code, message)),
                                                  Log(logging.WARNING, SERVER_ERROR, (NAME, message, code))]
    assert record.state is P.ACTIVE


@pytest.mark.parametrize("code", [10300, 10305, ErrorCode.UNKNOWN_CHANNEL, "10300", None])
def test_an_error_for_a_sent_subscription_refuses_it(code: Any) -> None:
    shell, record = in_state("SENT")
    event = {"event": "error", "code": code, "msg": "symbol: invalid", "subId": "s1"}
    actions = shell.do(shell.table.event(event))
    assert actions[:3] == [Emit("wss-error", (code, "symbol: invalid")), Disarm(record), Release(record)]
    error = actions[4].error if isinstance(actions[4], Fail) else None
    assert isinstance(error, SubscriptionError) and error.request == record.request
    assert error.code == (code if isinstance(code, int) else None)
    assert actions[3] == Log(logging.WARNING, REFUSED, (NAME, "book tBTCUSD (sub_id s1)", error))
    assert len(actions) == 5 and shell.table.owned == {} and shell.table.abandoned == set()


def test_a_refused_restore_is_an_error_nobody_waits_for() -> None:
    shell, record = in_state("RESTORING")
    actions = shell.do(shell.table.event({"event": "error", "code": 10305, "msg": "subscribe: limit", "subId": "s1"}))
    assert actions[:3] == [Emit("wss-error", (10305, "subscribe: limit")), Disarm(record), Release(record)]
    assert len(actions) == 4 and isinstance(actions[3], Log) and actions[3].level == logging.ERROR
    assert actions[3].message == NOT_RESTORED and actions[3].args[1] == "book tBTCUSD (sub_id s1)"
    assert shell.table.owned == {}


@pytest.mark.parametrize("state", ["PENDING", "ACTIVE", "UNSUBSCRIBING", "RESUBSCRIBING"])
def test_an_error_naming_a_subscription_that_was_not_sent_is_only_reported(state: str) -> None:
    shell, record = in_state(state)
    event = {"event": "error", "code": 10301, "msg": "subscribe: dup", "subId": "s1", "chanId": 5}  # dup: its chanId
    assert shell.do(shell.table.event(event)) == [Emit("wss-error", (10301, "subscribe: dup")),
                                                  Log(logging.WARNING, SERVER_ERROR, (NAME, "subscribe: dup", 10301))]
    assert record.state is SubscriptionState[state] and shell.table.owned == {"s1": record}


@pytest.mark.parametrize("state", ["ACTIVE", "UNSUBSCRIBING", "RESUBSCRIBING"])
def test_10400_drops_the_channel_and_finishes_an_unsubscribe(state: str) -> None:
    shell, record = in_state(state)
    event = {"event": "error", "code": 10400, "msg": "unsubscribe: invalid", "chanId": 5}
    actions = shell.do(shell.table.event(event))
    assert actions[:2] == [Emit("wss-error", (10400, "unsubscribe: invalid")), Unroute(5)]
    if state == "UNSUBSCRIBING":
        assert actions[2:] == [Disarm(record), Release(record), Unsubscribed(record),
                               Emit("unsubscribed", (record.info,))]  # fmt: skip
        assert shell.table.owned == {} and 5 in shell.table.retired
    else:  # a resubscribe's timer still runs: when it fires, the connection is rebuilt
        assert actions[2:] == [] and record.state is SubscriptionState[state]
        assert record.armed is (state == "RESUBSCRIBING")
    assert shell.table.by_chan == {}


# --- the connection's life ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_a_lost_socket_in_each_state(state: str) -> None:
    shell, record = in_state(state)
    waiting = record.waiting
    actions = shell.do(shell.table.lost())
    expected: dict[str, list[Action[Rec]]] = {
        "PENDING": [Interrupt(record)],
        "SENT": [Disarm(record), Interrupt(record)],
        "RESTORING": [Disarm(record), Interrupt(record)],
        "ACTIVE": [Unroute(5), Interrupt(record)],
        "UNSUBSCRIBING": [Unroute(5), Disarm(record), Release(record), Unsubscribed(record),
                          Emit("unsubscribed", (record.info,))],
        "RESUBSCRIBING": [Unroute(5), Disarm(record), Interrupt(record)],
    }  # fmt: skip
    assert actions == expected[state]
    assert not shell.table.online and shell.table.by_chan == {} and record.chan_id is None
    if state == "UNSUBSCRIBING":  # the server forgot the channel with the socket: done
        assert shell.table.owned == {}
        return
    assert record.state is P.PENDING and record.waiting is waiting  # whoever waited still waits
    assert shell.do(shell.table.opened()) == [Arm(record), Send(record.request, record)]  # the same request


def test_a_new_socket_forgets_the_channel_ids_of_the_old_one_and_a_lost_one_what_was_abandoned() -> None:
    shell, record = in_state("ACTIVE")
    other = Rec("s2")
    shell.records.append(other)
    other.waiting = True
    shell.do(shell.table.subscribe(other))
    shell.do(shell.table.unsubscribe(other))
    shell.do(shell.table.event({"event": "unsubscribed", "chanId": 77}))
    assert shell.table.abandoned == {"s2"} and shell.table.retired == {77}
    shell.do(shell.table.lost())
    assert shell.table.abandoned == set() and shell.table.retired == {77}  # late frames may still be read
    shell.do(shell.table.opened())
    assert shell.table.retired == set() and record.state is P.SENT


@pytest.mark.parametrize("state", STATES)
def test_maintenance_end_resubscribes_what_is_active_and_leaves_the_rest(state: str) -> None:
    shell, record = in_state(state)
    before = record.state
    actions = shell.do(shell.table.maintenance_ended())
    if state == "ACTIVE":
        assert actions == [Interrupt(record), Arm(record), Send({"event": "unsubscribe", "chanId": 5}, record)]
        assert record.state is P.RESUBSCRIBING
    else:
        assert actions == [] and record.state is before


def crowd() -> tuple[Shell, dict[str, Rec]]:
    """One table holding a subscription in every state (its sub_id is the state's name), brought there by the
    table's own transitions; channel ids 1 to 4."""
    shell = Shell()
    table = shell.table
    records = {state: Rec(state) for state in STATES}
    shell.records.extend(records.values())
    for number, state in enumerate(["RESTORING", "ACTIVE", "UNSUBSCRIBING", "RESUBSCRIBING"], start=1):
        records[state].waiting = True
        shell.do(table.subscribe(records[state]))
        shell.do(table.event(subscribed(number, state)))
        if state == "RESTORING":
            shell.do(table.lost())
            shell.do(table.opened())
    for state in ("PENDING", "SENT"):
        records[state].waiting = True
        shell.do(table.subscribe(records[state]))
    shell.do(table.unsent(Send(records["PENDING"].request, records["PENDING"])))  # the socket refused it
    shell.do(table.unsubscribe(records["UNSUBSCRIBING"]))
    records["RESUBSCRIBING"].waiting = True
    shell.do(table.resubscribe(records["RESUBSCRIBING"]))
    assert [record.state.name for record in records.values()] == [
        "PENDING", "SENT", "SENT", "ACTIVE", "UNSUBSCRIBING", "RESUBSCRIBING"
    ]
    return shell, records


def test_maintenance_end_with_records_in_every_state_at_once() -> None:
    shell, records = crowd()
    active = records["ACTIVE"]
    assert shell.do(shell.table.maintenance_ended()) == [Interrupt(active), Arm(active),
                                                         Send({"event": "unsubscribe", "chanId": 2}, active)]
    assert [record.state.name for record in records.values()] == [
        "PENDING", "SENT", "SENT", "RESUBSCRIBING", "UNSUBSCRIBING", "RESUBSCRIBING"
    ]


@pytest.mark.parametrize("state", STATES)
def test_a_timeout_in_each_state(state: str) -> None:
    shell, record = in_state(state)
    actions = shell.fire(record)
    restart = [Log(logging.ERROR, NOT_CONFIRMED, (NAME, "s1", 10.0)), Restart("subscription s1 not confirmed")]
    if state == "SENT":  # the caller gets an error; a late confirmation will be undone
        assert actions[:1] == [Release(record)] and len(actions) == 2 and isinstance(actions[1], Fail)
        assert isinstance(actions[1].error, SubscriptionTimeoutError)
        assert str(actions[1].error) == "the server did not confirm the subscription s1 within 10 s"
        assert shell.table.abandoned == {"s1"} and shell.table.owned == {}
    elif state == "UNSUBSCRIBING":  # given up on the server: over all the same
        assert actions == [Log(logging.WARNING, UNSUBSCRIBE_LOST, (NAME, "s1")), Unroute(5), Release(record),
                           Unsubscribed(record), Emit("unsubscribed", (record.info,))]  # fmt: skip
        assert shell.table.owned == {} and 5 in shell.table.retired
    elif state == "PENDING":  # offline: nothing to rebuild
        assert actions == []
    else:  # a restore went unanswered: the connection is rebuilt
        assert actions == restart and shell.table.owned == {"s1": record}
    assert not record.armed


def test_a_timeout_after_the_socket_was_lost_does_nothing() -> None:
    shell, record = in_state("RESTORING")
    shell.do(shell.table.lost())
    assert shell.fire(record) == [] and record.state is P.PENDING


# --- the owner's requests -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_unsubscribe_in_each_state(state: str) -> None:
    shell, record = in_state(state)
    actions = shell.do(shell.table.unsubscribe(record))
    if state == "ACTIVE":
        assert actions == [ExpectUnsubscribed(record), Arm(record), Send({"event": "unsubscribe", "chanId": 5}, record)]
        assert record.state is P.UNSUBSCRIBING
        return
    if state == "RESUBSCRIBING":  # its unsubscribe is on the way: that confirmation ends it, no new subscribe
        assert actions[0] == ExpectUnsubscribed(record) and record.state is P.UNSUBSCRIBING and len(actions) == 2
        assert isinstance(actions[1], Fail) and "before the resubscription was confirmed" in str(actions[1].error)
    if state == "UNSUBSCRIBING":  # asked twice: nothing more to do
        assert actions == [] and record.state is P.UNSUBSCRIBING
    if state in ("RESUBSCRIBING", "UNSUBSCRIBING"):
        ended = shell.do(shell.table.event({"event": "unsubscribed", "status": "OK", "chanId": 5}))
        assert Unsubscribed(record) in ended and Release(record) in ended
        assert not [a for a in ended if isinstance(a, Send)] and shell.table.owned == {}
        return
    disarm: list[Action[Rec]] = [] if state == "PENDING" else [Disarm(record)]
    assert actions[:len(disarm) + 1] == [*disarm, Release(record)] and shell.table.owned == {}
    failed = actions[len(disarm) + 1:]
    if state in ("PENDING", "SENT"):  # whoever waits is told
        assert len(failed) == 1 and isinstance(failed[0], Fail) and isinstance(failed[0].error, SubscriptionError)
        assert str(failed[0].error) == "unsubscribed before the server confirmed the subscription"
    else:
        assert failed == []
    assert shell.table.abandoned == ({"s1"} if state in ("SENT", "RESTORING") else set())


@pytest.mark.parametrize("state", STATES)
def test_resubscribe_asks_only_an_active_subscription_again(state: str) -> None:
    shell, record = in_state(state)
    before = record.state
    actions = shell.do(shell.table.resubscribe(record))
    if state == "ACTIVE":
        assert actions == [Interrupt(record), Arm(record), Send({"event": "unsubscribe", "chanId": 5}, record)]
    else:  # on its way anyway: the caller waits for the next confirmation
        assert actions == [] and record.state is before


def test_abandon_fails_whoever_waits_in_every_state() -> None:
    shell, records = crowd()
    error = ConnectionError("closing")
    r = records
    assert shell.do(shell.table.abandon(error)) == [  # in the order they were subscribed
        Disarm(r["RESTORING"]),  # nobody waits for a restore
        Disarm(r["UNSUBSCRIBING"]), Unsubscribed(r["UNSUBSCRIBING"]),
        Disarm(r["RESUBSCRIBING"]), Fail(r["RESUBSCRIBING"], error),
        Fail(r["PENDING"], error),
        Disarm(r["SENT"]), Fail(r["SENT"], error),
    ]  # fmt: skip
    assert shell.table.owned == {}


@pytest.mark.parametrize("state", ["SENT", "RESTORING"])
def test_a_subscribe_the_socket_refused_waits_for_the_next_socket(state: str) -> None:
    shell, record = in_state(state)
    assert shell.do(shell.table.unsent(Send(record.request, record))) == [Disarm(record)]
    assert record.state is P.PENDING


@pytest.mark.parametrize("state", ["UNSUBSCRIBING", "RESUBSCRIBING"])
def test_an_unsubscribe_the_socket_refused_is_finished_by_the_loss_of_the_socket(state: str) -> None:
    shell, record = in_state(state)
    assert shell.do(shell.table.unsent(Send({"event": "unsubscribe", "chanId": 5}, record))) == [Disarm(record)]
    assert record.state is SubscriptionState[state]
    assert shell.do(shell.table.unsent(unsubscribe(9))) == []  # closing a stray channel: nothing to undo


def test_a_subscribe_while_online_is_sent_at_once() -> None:
    shell = Shell()
    record = Rec()
    shell.records.append(record)
    assert shell.do(shell.table.subscribe(record)) == [Arm(record), Send(record.request, record)]


# --- hostile events in every state --------------------------------------------------------------------------------

HOSTILE_EVENTS: list[dict[str, Any]] = [
    {}, {"event": None}, {"event": ["subscribed"]}, {"event": {"a": 1}}, {"event": "subscribed"},
    {"event": "subscribed", "chanId": "5", "subId": "s1"}, {"event": "subscribed", "chanId": 5, "subId": None},
    {"event": "subscribed", "chanId": 5, "subId": "s1", "len": {"deep": [1]}, "prec": None},
    {"event": "subscribed", "chanId": 5, "subId": ["s1"]}, {"event": "subscribed", "chanId": -1, "subId": "s1"},
    {"event": "unsubscribed"}, {"event": "unsubscribed", "chanId": [5]}, {"event": "unsubscribed", "chanId": 5},
    {"event": "unsubscribed", "chanId": 5.0}, {"event": "error"}, {"event": "error", "subId": "s1"},
    {"event": "error", "code": [10300], "subId": "s1"}, {"event": "error", "code": 10400, "chanId": 5},
    {"event": "error", "code": 10400.0, "chanId": 5}, {"event": "error", "code": 10400, "chanId": [5]},
    {"event": "error", "msg": {"x": [1]}, "subId": {"a": 1}, "chanId": {"b": 2}},
]  # fmt: skip


@pytest.mark.parametrize("state", STATES)
def test_hostile_events_in_every_state_raise_nothing_but_invalid_message(state: str) -> None:
    for event in HOSTILE_EVENTS:
        shell, record = in_state(state)
        try:
            actions = shell.do(shell.table.event(event))
        except InvalidMessageError:
            assert event.get("event") == "subscribed" and not isinstance(event.get("chanId"), int)
            continue
        assert all(not isinstance(action, Restart) for action in actions)  # no event restarts the connection
        # and what follows still works: the connection can be lost and restored
        shell.do(shell.table.lost())
        shell.do(shell.table.opened())
        assert all(owned.state is P.SENT for owned in shell.table.owned.values())


def test_an_unknown_event_is_only_logged_at_debug_level() -> None:
    shell, _ = in_state("ACTIVE")
    event = {"event": "pong", "cid": 1}
    assert shell.table.event(event) == [Log(logging.DEBUG, "%s: unhandled event %s", (NAME, event))]

