"""TLS, end to end on loopback with real certificates (trustme): the simulator serving ``wss://``/``https://``; a
private CA given as a path or an ``ssl.SSLContext`` (with a client certificate) accepted; an unknown CA refused with
a typed :class:`CertificateError` before anything is sent; an unmodified program trusting the simulator through
``SSL_CERT_FILE``; the ``--tls`` CLI; the simulator's own typed error when TLS cannot be set up."""

import asyncio
import os
import re
import ssl
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import trustme

from bfxapi import Client
from bfxapi.exceptions import CertificateError, ConnectivityError, InvalidInputError, InvalidInputTypeError, TlsError
from bfxapi.rest import BfxRestInterface
from bfxapi.rest.exceptions import RestConnectionError
from bfxapi.testing import Simulator, SimulatorTlsError

from test_simulator_cli import CLI, read_lines_until
from ws_support import FAST, simulator

pytestmark = pytest.mark.timeout(90)


async def test_the_simulator_serves_wss_and_https_to_a_client_trusting_its_ca_by_path() -> None:
    async with simulator(tls=True) as sim:
        assert sim.wss_host.startswith("wss://127.0.0.1:") and sim.rest_host.startswith("https://127.0.0.1:")
        assert sim.tls is not None and sim.tls.ca_path is not None
        bfx = Client(sim.demo_account.api_key, sim.demo_account.api_secret, rest_host=sim.rest_host,
                     wss_host=sim.wss_host, ssl=sim.tls.ca_path, wss_options=FAST)
        sim.clients.append(bfx)
        assert (await bfx.rest.public.get_platform_status()).status == 1
        assert await bfx.rest.auth.get_wallets()
        await bfx.wss.connect()
        assert bfx.wss.authentication
        await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
        assert len(sim.connections) == 2 and all(c.open for c in sim.connections)
        await bfx.close()


async def test_an_ssl_context_with_a_client_certificate_is_used_for_rest_and_websocket() -> None:
    async with simulator(tls=True, tls_client_cert=True) as sim:
        assert sim.tls is not None
        bfx = Client(**sim.client_kwargs(sim.demo_account), wss_options=FAST)  # ssl: CA + client certificate
        sim.clients.append(bfx)
        assert await bfx.rest.auth.get_wallets()
        await bfx.wss.connect()
        assert bfx.wss.authentication
        await bfx.close()
        # Without the certificate, the server refuses the connection (TLS 1.3 says so after the handshake).
        answered = sim.rest_requests
        rest = BfxRestInterface(sim.rest_host, ssl=sim.tls.client_context(certificate=False))
        try:
            with pytest.raises((RestConnectionError, TlsError)):
                await rest.public.get_platform_status()
        finally:
            await rest.close()
        assert sim.rest_requests == answered  # nothing got through without the certificate


async def test_an_unknown_ca_is_refused_with_a_certificate_error_before_anything_is_sent() -> None:
    async with simulator(tls=True) as sim:
        other = trustme.CA()  # a private CA, but not the one that signed the simulator's certificate
        context = ssl.create_default_context()
        other.configure_trust(context)
        for trust in (None, context):  # the system's trust, and a context of another CA
            bfx = Client(sim.demo_account.api_key, sim.demo_account.api_secret, rest_host=sim.rest_host,
                         wss_host=sim.wss_host, ssl=trust, wss_options=FAST)
            sim.clients.append(bfx)
            with pytest.raises(CertificateError) as rest_error:
                await bfx.rest.auth.get_wallets()
            # The WebSocket client stops at once: a certificate that cannot be verified is for the user to fix.
            with pytest.raises(CertificateError) as ws_error:
                await bfx.wss.connect()
            await bfx.close()
            for error in (rest_error.value, ws_error.value):
                assert isinstance(error, ConnectivityError) and isinstance(error, TlsError)
                assert error.host == f"127.0.0.1:{sim.port}"
                assert "could not be verified" in str(error) and "Client(ssl=" in str(error)
                assert sim.demo_account.api_secret not in str(error)
        assert sim.rest_requests == 0 and sim.connections == [] and sim.handshakes_attempted == 0


async def test_a_client_of_a_plain_server_given_an_https_url_gets_a_tls_error() -> None:
    async with simulator() as sim:
        bfx = Client(rest_host=sim.rest_host.replace("http://", "https://"),
                     wss_host=sim.wss_host.replace("ws://", "wss://"), wss_options=FAST)
        sim.clients.append(bfx)
        with pytest.raises(TlsError, match="TLS handshake with 127.0.0.1"):
            await bfx.rest.public.get_platform_status()
        with pytest.raises(TlsError):
            await bfx.wss.connect()
        await bfx.close()


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (False, InvalidInputTypeError, "turn certificate checks off"),
        (3, InvalidInputTypeError, "not int"),
        ("/nonexistent/ca.pem", InvalidInputError, "no CA bundle at '/nonexistent/ca.pem'"),
    ],
)
def test_the_ssl_option_is_checked_when_the_client_is_made(value: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=re.escape(message)):
        Client(ssl=value)


def test_a_file_that_is_not_a_ca_bundle_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ca.pem"
    path.write_text("not a certificate\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="is not a PEM CA bundle"):
        Client(ssl=path)


async def test_environ_makes_an_unmodified_program_trust_the_simulator(tmp_path: Path) -> None:
    script = tmp_path / "bot.py"
    script.write_text(textwrap.dedent("""
        import asyncio
        from bfxapi import Client

        async def main() -> None:
            bfx = Client()  # hosts from BFX_*_HOST, the system's default trust (SSL_CERT_FILE)
            status = await bfx.rest.public.get_platform_status()
            await bfx.wss.connect()
            await bfx.wss.subscribe("ticker", symbol="tBTCUSD")
            print("ok", status.status, bfx.wss.open)
            await bfx.close()

        asyncio.run(main())
    """), encoding="utf-8")
    async with Simulator(tls=True, auto_market=False, connection_limit=None) as sim:
        env = {**os.environ, **sim.environ()}
        assert env["BFX_WSS_HOST"].startswith("wss://") and Path(env["SSL_CERT_FILE"]).exists()
        process = await asyncio.create_subprocess_exec(sys.executable, str(script), env=env,
                                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = await asyncio.wait_for(process.communicate(), 60)
        assert process.returncode == 0, err.decode()[-2000:]
        assert out.decode().split()[-3:] == ["ok", "1", "True"]
        assert sim.rest_requests == 1 and len(sim.connections) == 1


def test_the_cli_serves_tls_with_a_throwaway_certificate() -> None:
    with subprocess.Popen([*CLI, "--port", "0", "--tls"], stdout=subprocess.PIPE, text=True) as process:
        try:
            lines = read_lines_until(process, "Press Ctrl+C")
            rest = next(re.match(r"^REST: +(https://127\.0\.0\.1:\d+/v2)$", line) for line in lines
                        if line.startswith("REST:"))
            ca = next(re.search(r"^TLS CA: +(\S+) ", line) for line in lines if line.startswith("TLS CA:"))
            assert rest is not None and ca is not None and lines[0].startswith("WebSocket: wss://")
            context = ssl.create_default_context(cafile=ca.group(1))
            with urllib.request.urlopen(rest.group(1) + "/platform/status", timeout=5, context=context) as response:
                assert response.read() == b"[1]"
            with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
                urllib.request.urlopen(rest.group(1) + "/platform/status", timeout=5,  # pylint: disable=consider-using-with
                                       context=ssl.create_default_context())
        finally:
            process.terminate()
            process.wait(timeout=10)
        assert not Path(ca.group(1)).exists()  # the throw-away CA is gone with the server


def test_the_cli_refuses_a_certificate_without_its_key() -> None:
    result = subprocess.run([*CLI, "--port", "0", "--tls-cert", "cert.pem"], capture_output=True, text=True,
                            timeout=30, check=False)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "--tls-cert and --tls-key" in result.stderr


def test_the_simulator_needs_trustme_or_certificate_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    monkeypatch.setitem(sys.modules, "trustme", None)  # as if the simulator-tls extra were not installed
    with pytest.raises(SimulatorTlsError, match=re.escape("pip install 'bfxapi[simulator-tls]'")):
        Simulator(tls=True)
    with pytest.raises(SimulatorTlsError, match="give both"):
        Simulator(tls_certfile=certfile)
    with pytest.raises(SimulatorTlsError, match="cannot load the certificate"):
        Simulator(tls_certfile=keyfile, tls_keyfile=certfile)
    sim = Simulator(tls_certfile=certfile, tls_keyfile=keyfile)  # given files: no trustme needed
    assert sim.tls is not None and not sim.tls.throwaway and sim.tls.ca_path is None
    assert sim.rest_host.startswith("https://")


async def test_a_given_certificate_is_served(tmp_path: Path) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    certfile, keyfile, cafile = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    cert.cert_chain_pems[0].write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(cafile))
    async with simulator(tls_certfile=certfile, tls_keyfile=keyfile) as sim:
        bfx = Client(rest_host=sim.rest_host, wss_host=sim.wss_host, ssl=str(cafile), wss_options=FAST)
        sim.clients.append(bfx)
        assert (await bfx.rest.public.get_platform_status()).status == 1
        await bfx.wss.connect()
        await bfx.close()
