"""The SASL/TLS settings reach every aiokafka client the services build, as aiokafka expects."""

import datetime
import ssl
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.routing.settings import Settings
from shared.kafka import client_options
from shared.secrets import MissingSecret

CA_NAME = "guantong-test-kafka-ca"


def _write_ca(folder: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = folder / "ca.crt"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


class TestClientOptions:
    def test_the_default_is_plaintext_with_nothing_else(self) -> None:
        settings = Settings(jwt_secret="unused")
        assert client_options(settings) == {"security_protocol": "PLAINTEXT"}

    def test_sasl_ssl_from_the_environment(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ca = _write_ca(tmp_path)
        for name, value in {
            "KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
            "KAFKA_SASL_USERNAME": "routing",
            "KAFKA_SASL_PASSWORD": "s3cret-from-the-secret",
            "KAFKA_SSL_CAFILE": str(ca),
        }.items():
            monkeypatch.setenv(name, value)
        options = client_options(Settings(jwt_secret="unused"))
        context = options.pop("ssl_context")
        assert options == {
            "security_protocol": "SASL_SSL",
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": "routing",
            "sasl_plain_password": "s3cret-from-the-secret",
        }
        assert isinstance(context, ssl.SSLContext)
        assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
        subjects = [dict(entry[0] for entry in c["subject"]) for c in context.get_ca_certs()]
        assert {"commonName": CA_NAME} in subjects

    def test_sasl_plaintext_carries_no_tls(self) -> None:
        settings = Settings(
            jwt_secret="unused",
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_username="intake",
            kafka_sasl_password="pw",
        )
        options = client_options(settings)
        assert "ssl_context" not in options
        assert options["sasl_plain_username"] == "intake"

    @pytest.mark.parametrize("missing", ["kafka_sasl_username", "kafka_sasl_password"])
    def test_sasl_without_credentials_refuses_to_start(self, missing: str) -> None:
        given = {"kafka_sasl_username": "casework", "kafka_sasl_password": "pw"}
        del given[missing]
        with pytest.raises(MissingSecret, match=missing.upper()):
            Settings(jwt_secret="unused", kafka_security_protocol="SASL_SSL", **given)

    async def test_every_aiokafka_client_accepts_them(self, tmp_path: Path) -> None:
        settings = Settings(
            jwt_secret="unused",
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_username="casework",
            kafka_sasl_password="pw",
            kafka_ssl_cafile=str(_write_ca(tmp_path)),
        )
        options = client_options(settings)
        # aiokafka checks protocol, mechanism, credentials and context when a client is built:
        # without the context, say, it refuses.
        incomplete = {k: v for k, v in options.items() if k != "ssl_context"}
        with pytest.raises(ValueError, match="ssl_context"):
            AIOKafkaAdminClient(bootstrap_servers="127.0.0.1:9", **incomplete)
        producer = AIOKafkaProducer(bootstrap_servers="127.0.0.1:9", **options)
        consumer = AIOKafkaConsumer(bootstrap_servers="127.0.0.1:9", **options)
        admin = AIOKafkaAdminClient(bootstrap_servers="127.0.0.1:9", **options)
        await producer.stop()
        await consumer.stop()
        await admin.close()
