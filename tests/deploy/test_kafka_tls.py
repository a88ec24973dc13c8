"""A worker configured for TLS opens its Kafka connections with TLS, verifying the cluster's CA.

The listener is the test's own TLS socket, not a broker: what is checked is how the worker's
clients connect, which needs no Kafka behind the handshake."""

import asyncio
import datetime
import ipaddress
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.routing.settings import Settings
from services.routing.worker import build_worker
from tests.support.databases import DatabaseFactory

HANDSHAKE_WAIT_SECONDS = 20.0


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "guantong test kafka")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "kafka.crt", folder / "kafka.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class Listener:
    """Counts connections that completed a TLS handshake and those that did not."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(cert, key)
        self.secured = asyncio.Event()
        self.refused = asyncio.Event()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await writer.start_tls(self.context)
            self.secured.set()
        except (ssl.SSLError, ConnectionError, OSError):
            self.refused.set()
        writer.close()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return _certificate(tmp_path)


async def _first_connection(
    databases: DatabaseFactory, certificate: tuple[Path, Path], protocol: str
) -> Listener:
    listener = Listener(*certificate)
    server = await asyncio.start_server(listener._accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = Settings(
        database_url=databases.url("sqlite", "routing"),
        jwt_secret="unused",
        kafka_bootstrap_servers=f"127.0.0.1:{port}",
        kafka_security_protocol=protocol,
        kafka_ssl_cafile=str(certificate[0]),
    )
    try:
        async with build_worker(settings).running():
            done = [asyncio.create_task(e.wait()) for e in (listener.secured, listener.refused)]
            await asyncio.wait(done, timeout=HANDSHAKE_WAIT_SECONDS, return_when="FIRST_COMPLETED")
            for task in done:
                task.cancel()
    finally:
        server.close()
        await server.wait_closed()
    return listener


class TestWorkerTls:
    async def test_ssl_settings_make_the_worker_connect_with_tls(
        self, databases: DatabaseFactory, certificate: tuple[Path, Path]
    ) -> None:
        listener = await _first_connection(databases, certificate, "SSL")
        assert listener.secured.is_set() and not listener.refused.is_set()

    async def test_plaintext_settings_do_not(
        self, databases: DatabaseFactory, certificate: tuple[Path, Path]
    ) -> None:
        listener = await _first_connection(databases, certificate, "PLAINTEXT")
        assert listener.refused.is_set() and not listener.secured.is_set()
