"""Every variable a service reads is set where it runs, in compose and in Kubernetes, unless the
allow-list (defaulted.py) says why not; secrets come only from the env file or a Secret."""

import pytest

from tests.deploy.defaulted import LEFT_TO_DEFAULT, left_to_default
from tests.deploy.targets import (
    INTERPOLATION,
    KUSTOMIZATIONS,
    AppContainer,
    compose_apps,
    env_example,
    k8s_apps,
)
from tests.deploy.variables import is_ours, prefixes, read_by

TARGETS = {"compose": compose_apps, **{d.name: (lambda d=d: k8s_apps(d)) for d in KUSTOMIZATIONS}}


def _apps(target: str) -> list[AppContainer]:
    apps = TARGETS[target]()
    assert apps, f"{target}: no container runs a service"
    return apps


@pytest.mark.parametrize("target", sorted(TARGETS))
class TestEveryTarget:
    def test_each_service_runs_api_worker_and_migrate(self, target: str) -> None:
        roles = {(a.service, a.role) for a in _apps(target)}
        for service in prefixes():
            assert {(service, r) for r in ("api", "worker", "migrate")} <= roles, service

    def test_every_variable_read_is_set_or_deliberately_defaulted(self, target: str) -> None:
        for app in _apps(target):
            prefix = prefixes()[app.service]
            missing = sorted(
                name
                for name in read_by(app.service)
                if name not in app.env and not left_to_default(name, prefix)
            )
            assert not missing, f"{app.where}: not set and not in defaulted.py: {missing}"

    def test_nothing_set_that_the_service_does_not_read(self, target: str) -> None:
        for app in _apps(target):
            unknown = sorted(n for n in app.env if is_ours(n) and n not in read_by(app.service))
            assert not unknown, f"{app.where}: sets what it never reads (a typo?): {unknown}"

    def test_tokens_are_verified_exactly_one_way(self, target: str) -> None:
        for app in _apps(target):
            prefix = prefixes()[app.service]
            ways = {f"{prefix}JWT_SECRET", f"{prefix}JWT_JWKS_URL"} & set(app.env)
            assert len(ways) == 1, f"{app.where}: {sorted(ways) or 'no token verification'}"


class TestSecrets:
    def _secret_names(self, app: AppContainer) -> list[str]:
        secret = [v.name for v in read_by(app.service).values() if v.secret]
        # A database URL carries the database password.
        return [*secret, f"{prefixes()[app.service]}DATABASE_URL"]

    @pytest.mark.parametrize("directory", KUSTOMIZATIONS, ids=lambda d: d.name)
    def test_kubernetes_takes_every_secret_from_a_secret(self, directory: object) -> None:
        for app in k8s_apps(directory):  # type: ignore[arg-type]
            for name in self._secret_names(app):
                if name in app.env:
                    assert app.env[name].kind == "secret", f"{app.where}: {name} is not a Secret"

    def test_compose_takes_every_secret_from_the_env_file(self) -> None:
        documented = env_example()
        for app in compose_apps():
            for name in self._secret_names(app):
                if name not in app.env:
                    continue
                value = app.env[name].value
                used = INTERPOLATION.findall(value)
                assert used, f"{app.where}: {name} is written in the compose file"
                assert set(used) <= documented, f"{app.where}: {name} uses {used}"
                if "://" in value:
                    password = value.split("//", 1)[1].split("@", 1)[0].partition(":")[2]
                    assert INTERPOLATION.fullmatch(password), f"{app.where}: {name} password"
                else:
                    assert INTERPOLATION.fullmatch(value), f"{app.where}: {name} is not ${{...}}"

    def test_the_env_file_example_holds_every_variable_compose_needs(self) -> None:
        from tests.deploy.targets import COMPOSE

        needed = set(INTERPOLATION.findall(COMPOSE.read_text())) - {"GUANTONG_IMAGE"}
        assert needed == env_example()


class TestAllowList:
    def test_every_entry_is_a_variable_some_service_reads(self) -> None:
        read = {name for s in prefixes() for name in read_by(s)}
        for entry in LEFT_TO_DEFAULT:
            if entry.startswith("*_"):
                names = {p + entry.removeprefix("*_") for p in prefixes().values()}
                assert names & read, f"{entry}: no service reads it any more"
            else:
                assert entry in read, f"{entry}: no service reads it any more"

    def test_no_secret_is_left_to_a_default_except_token_keys(self) -> None:
        for service, prefix in prefixes().items():
            for variable in read_by(service).values():
                if variable.secret and left_to_default(variable.name, prefix):
                    assert variable.name == f"{prefix}JWT_SECRET", variable.name
