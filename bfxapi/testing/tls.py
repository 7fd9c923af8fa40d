"""TLS for the simulator: ``wss://`` and ``https://`` on loopback, so that TLS, proxies (which tunnel ``wss://`` with
``CONNECT``) and programs that insist on ``wss://`` are tested end to end.

The certificate is either a throw-away one, made at start by ``trustme`` (a private CA that exists only for this
simulator, so nothing else ever trusts it), or the one whose PEM files are given. ``trustme`` is a test-time
dependency only (``pip install 'bfxapi[simulator-tls]'``): with the files given it is not needed.
"""

import shutil
import ssl
import tempfile
from pathlib import Path
from typing import Any, Optional, Union

__all__ = ["SimulatorTlsError", "SimulatorTls"]

PathLike = Union[str, Path]


class SimulatorTlsError(RuntimeError):
    """TLS was asked of the simulator and cannot be set up: neither certificate files nor ``trustme`` to make
    one, only one of the two files, or files that are not a PEM certificate and its key."""


class SimulatorTls:
    """The server's TLS context and, for a throw-away certificate, the CA a client must trust.

    ``SimulatorTls(host, certfile=None, keyfile=None, client_cert=False)``: with neither file, a CA and a
    certificate for ``host``, ``127.0.0.1``, ``localhost`` and ``::1`` are made with ``trustme``. With
    ``client_cert`` (throw-away CA only), the server also asks the client for a certificate signed by that CA.
    """

    def __init__(self, host: str, certfile: Optional[PathLike] = None, keyfile: Optional[PathLike] = None,
                 client_cert: bool = False) -> None:
        self.server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._ca: Any = None
        self._directory: Optional[str] = None
        self.client_cert = client_cert
        if certfile is not None or keyfile is not None:
            if certfile is None or keyfile is None:
                raise SimulatorTlsError("give both tls_certfile and tls_keyfile (--tls-cert and --tls-key: a PEM "
                                        "certificate and its key), or neither for a throw-away certificate")
            if client_cert:
                raise SimulatorTlsError("tls_client_cert needs the throw-away CA: leave out tls_certfile/tls_keyfile")
            try:
                self.server_context.load_cert_chain(str(certfile), str(keyfile))
            except (OSError, ssl.SSLError) as error:
                raise SimulatorTlsError(f"cannot load the certificate {str(certfile)!r} with the key "
                                        f"{str(keyfile)!r}: {error}") from None
            return
        try:
            import trustme  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise SimulatorTlsError(
                "TLS with a throw-away certificate needs trustme: pip install 'bfxapi[simulator-tls]', or give "
                "tls_certfile and tls_keyfile (--tls-cert/--tls-key)"
            ) from None
        self._ca = trustme.CA(organization_name="bfxapi simulator (throw-away)")
        names = dict.fromkeys([host, "127.0.0.1", "localhost", "::1"])  # ordered, without repeats
        self._ca.issue_cert(*names).configure_cert(self.server_context)
        if client_cert:
            self._ca.configure_trust(self.server_context)
            self.server_context.verify_mode = ssl.CERT_REQUIRED

    @property
    def throwaway(self) -> bool:
        """Whether the certificate was made here (and :attr:`ca_path` / :meth:`client_context` exist)."""
        return self._ca is not None

    @property
    def ca_path(self) -> Optional[str]:
        """The throw-away CA's PEM file (written on first use, deleted by :meth:`close`); None with given files."""
        if self._ca is None:
            return None
        if self._directory is None:
            self._directory = tempfile.mkdtemp(prefix="bfxapi-simulator-tls-")
            self._ca.cert_pem.write_to_path(str(Path(self._directory, "ca.pem")))
        return str(Path(self._directory, "ca.pem"))

    def client_context(self, certificate: bool = True) -> ssl.SSLContext:
        """A client context that trusts the throw-away CA (and nothing else); with ``client_cert``, it also holds a
        client certificate signed by that CA unless ``certificate`` is False."""
        if self._ca is None:
            raise SimulatorTlsError("the simulator serves the certificate it was given: build the client's context "
                                    "from the CA that signed it")
        context = ssl.create_default_context()
        self._ca.configure_trust(context)
        if self.client_cert and certificate:
            self._ca.issue_cert("bfxapi-simulator-client").configure_cert(context)
        return context

    def close(self) -> None:
        """Delete the CA file, if one was written."""
        directory, self._directory = self._directory, None
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)
