"""``FileNonce``: one strictly increasing nonce source shared by the processes using one API key (issue #14).

Unit tests of the file source (ordering across objects and threads, the file's contents, errors, the
cross-process hold and its timeout), then two real processes, each sending 200 signed REST calls with the
same key to one simulator started here: with a generator of their own, their requests overtake each other
and Bitfinex refuses some with 10114 (the figure is printed, not asserted: a race); with a shared
``FileNonce`` not one request is refused.

Run as a script, this module is the child process of the last test (see :func:`_child`).
"""

import asyncio
import fcntl
import json
import os
import pickle
import sys
import threading
import time
from pathlib import Path

import pytest

from bfxapi._utils.nonce import MAX_NONCE, FileNonce, NonceFileError, NonceGenerator, NonceOverflowError
from bfxapi.exceptions import BfxBaseException
from bfxapi.rest import BfxRestInterface
from bfxapi.rest.exceptions import RestTimeoutError

ROOT = Path(__file__).resolve().parent.parent


# --- the file source ---------------------------------------------------------------------------------------------

def test_two_sources_on_one_file_take_turns_strictly_increasing(tmp_path):
    path = tmp_path / "key.nonce"
    first, second = FileNonce(path, clock=lambda: 5_000_000_000), FileNonce(str(path), clock=lambda: 5_000_000_000)
    taken = [source.next() for _ in range(50) for source in (first, second)]
    assert taken == list(range(5_000_000, 5_000_100))  # a frozen clock: each one continues after the other
    assert first.last == second.last == 5_000_099  # ``last`` is the file's: any process's last nonce
    assert path.read_bytes() == b"0000000005000099\n"
    assert (path.stat().st_mode & 0o777) == 0o600
    first.close()
    second.close()


def test_the_clock_wins_when_it_is_ahead_and_the_file_when_the_clock_goes_back(tmp_path):
    path = tmp_path / "key.nonce"
    path.write_text("1700000000000000\n")  # left by an earlier process
    now = [1_600_000_000_000_000_000]  # a clock behind the file
    source = FileNonce(path, clock=lambda: now[0])
    assert source.next() == 1_700_000_000_000_001
    now[0] = 1_800_000_000_000_000_000
    assert source.next() == 1_800_000_000_000_000
    path.unlink()  # replaced under us: our own last nonce still counts
    source.close()
    now[0] = 0
    assert source.next() == 1_800_000_000_000_001


def test_threads_sharing_one_source_and_another_source_of_the_file_never_repeat(tmp_path):
    path = tmp_path / "key.nonce"
    shared, other = FileNonce(path), FileNonce(path)
    seen: list = []
    lock = threading.Lock()

    def worker(source):
        local = [source.next() for _ in range(300)]
        with lock:
            seen.extend(local)
        assert local == sorted(local)

    threads = [threading.Thread(target=worker, args=(s,)) for s in (shared, shared, shared, other, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(thread.is_alive() for thread in threads)
    assert len(seen) == len(set(seen)) == 1500
    assert max(seen) == shared.last == other.last


def test_file_errors_are_typed_and_clear(tmp_path):
    with pytest.raises(NonceFileError, match="cannot open the nonce file") as missing:
        FileNonce(tmp_path / "no-such-dir" / "key.nonce")
    (tmp_path / "garbage").write_text("not a nonce\n")
    with pytest.raises(NonceFileError, match="is not a nonce file") as garbage:
        FileNonce(tmp_path / "garbage")
    for error in (missing.value, garbage.value):
        assert isinstance(error, BfxBaseException) and isinstance(error, OSError)
    (tmp_path / "full").write_text(f"{MAX_NONCE}\n")
    with pytest.raises(NonceOverflowError) as overflow:
        FileNonce(tmp_path / "full").next()
    assert isinstance(overflow.value, BfxBaseException) and isinstance(overflow.value, OverflowError)
    with pytest.raises(NonceOverflowError):
        NonceGenerator(clock=lambda: (MAX_NONCE + 1) * 1000).next()
    assert isinstance(pickle.loads(pickle.dumps(garbage.value)), NonceFileError)


def test_a_forked_child_opens_the_file_again(tmp_path):
    """flock does not exclude two holders of one open file description, which a fork shares: the child
    must take its own (otherwise parent and child would both be inside the lock at once)."""
    source = FileNonce(tmp_path / "key.nonce")
    source.next()
    parent_fd = source._fd  # pylint: disable=protected-access
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            source.next()
            os.write(write, b"%d" % source._fd)  # pylint: disable=protected-access
        finally:
            os._exit(0)  # pylint: disable=protected-access
    os.close(write)
    child_fd = int(os.read(read, 32) or b"-1")
    os.close(read)
    os.waitpid(pid, 0)
    assert child_fd not in (-1, parent_fd)
    assert source.next() == source.last  # and the parent continues after the child's nonce


# --- the cross-process hold --------------------------------------------------------------------------------------

def _held_elsewhere(lock_path: Path) -> bool:
    """Whether another open file description holds the lock (a non-blocking attempt of our own fails)."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


async def test_a_hold_excludes_every_other_hold_and_the_waiter_gets_it_on_release(tmp_path):
    source = FileNonce(tmp_path / "key.nonce")
    lock_path = tmp_path / "key.nonce.lock"
    order = []
    first = source.hold()
    await first.__aenter__()
    assert _held_elsewhere(lock_path)

    async def second():
        async with FileNonce(tmp_path / "key.nonce").hold(timeout=10):
            order.append("second in")

    waiter = asyncio.ensure_future(second())
    for _ in range(20):
        await asyncio.sleep(0)  # let it try: it must wait in its thread, the loop stays free
    assert not waiter.done()
    order.append("first out")
    await first.__aexit__(None, None, None)
    await asyncio.wait_for(waiter, 10)
    assert order == ["first out", "second in"]
    assert not _held_elsewhere(lock_path)
    assert NonceGenerator().hold() is NonceGenerator().hold()  # a one-process source: nothing to hold


async def test_a_hold_that_times_out_leaves_no_lock_behind(tmp_path):
    source = FileNonce(tmp_path / "key.nonce")
    async with source.hold():
        with pytest.raises(asyncio.TimeoutError):
            await source.hold(timeout=0.05).__aenter__()
    # The timed-out waiter's thread takes the lock on release and must drop it: a new hold gets it.
    async with source.hold(timeout=5):
        pass


async def test_waiting_for_another_process_counts_in_the_request_timeout(make_sim, tmp_path):
    sim = await make_sim(rest_rate_limits=None)
    account = sim.add_account()
    source = FileNonce(tmp_path / "key.nonce")
    async with BfxRestInterface(sim.rest_host, account.api_key, account.api_secret, rate_limits=None,
                                timeout=0.2, nonce=source) as rest:
        async with FileNonce(tmp_path / "key.nonce").hold():  # "another process" has a request on its way
            with pytest.raises(RestTimeoutError):
                await rest.auth.get_wallets()
        assert sim.rest_log == []  # nothing was sent while waiting
        wallets = await rest.auth.get_wallets()  # the lock was not kept by the timed-out wait
    assert wallets == [] and [r.status for r in sim.rest_log] == [200]
    assert int(sim.rest_log[0].headers["bfx-nonce"]) == source.last == account.last_nonce


# --- two processes, one key --------------------------------------------------------------------------------------

CALLS = 200


async def _child(host: str, key: str, secret: str, source: str, calls: int) -> None:
    """One process of the key: ``calls`` signed REST calls at once, after the parent's go."""
    nonce = FileNonce(source) if source != "-" else None
    async with BfxRestInterface(host, key, secret, nonce=nonce, rate_limits=None, timeout=30) as rest:
        await rest.public.get_platform_status()
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        started = time.perf_counter()
        results = await asyncio.gather(*(rest.auth.get_wallets() for _ in range(calls)), return_exceptions=True)
        elapsed = time.perf_counter() - started
    errors = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    print(json.dumps({"ok": calls - len(errors), "errors": errors[:3], "failed": len(errors), "elapsed": elapsed}),
          flush=True)


async def _two_processes(sim, account, source: str) -> tuple:
    """Start two children on the same key, release them together, return (their reports, the 10114 count)."""
    before = len(sim.rest_log)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable, __file__, sim.rest_host, account.api_key, account.api_secret, source, str(CALLS),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=env, cwd=str(ROOT),
        )
        for _ in range(2)
    ]
    try:
        for child in children:
            assert await asyncio.wait_for(child.stdout.readline(), 30) == b"ready\n"
        for child in children:
            child.stdin.write(b"go\n")
            await child.stdin.drain()
        reports = [json.loads(await asyncio.wait_for(child.stdout.readline(), 60)) for child in children]
        for child in children:
            assert await asyncio.wait_for(child.wait(), 30) == 0, await child.stderr.read()
    finally:
        for child in children:
            if child.returncode is None:
                child.kill()
                await child.wait()
    records = [r for r in sim.rest_log[before:] if r.path == "/v2/auth/r/wallets"]
    refused = sum(1 for r in records if r.response == ["error", 10114, "nonce: small"])
    # Every request answered: the calls that succeeded, plus one refused request per resend or failure.
    assert len(records) == sum(r["ok"] for r in reports) + refused
    return reports, refused


@pytest.mark.timeout(120)
async def test_two_processes_sharing_a_key_through_a_file_are_never_refused_for_their_nonce(make_sim, tmp_path):
    sim = await make_sim(rest_rate_limits=None)
    account = sim.add_account(wallets={"exchange": {"USD": 1000.0}})

    own_reports, own_refused = await _two_processes(sim, account, "-")
    shared_reports, shared_refused = await _two_processes(sim, account, str(tmp_path / "key.nonce"))

    print(f"\ntwo processes x {CALLS} signed calls, one key: own generators -> {own_refused} requests refused "
          f"with 10114 ({sum(r['failed'] for r in own_reports)} calls failed after 3 resends), "
          f"{max(r['elapsed'] for r in own_reports):.2f} s; shared FileNonce -> {shared_refused} refused, "
          f"{max(r['elapsed'] for r in shared_reports):.2f} s")
    # Not asserted for the own generators: whether their requests overtake each other is a race (from 0 to
    # over 150 refused of 400 calls here, and a few calls failing even after 3 resends); what is guaranteed
    # is the shared file's result.
    assert shared_refused == 0
    assert [(r["ok"], r["errors"]) for r in shared_reports] == [(CALLS, [])] * 2
    assert account.last_nonce == FileNonce(tmp_path / "key.nonce").last  # the file saw every nonce sent


if __name__ == "__main__":
    asyncio.run(_child(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
