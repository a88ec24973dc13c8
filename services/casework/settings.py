from pydantic_settings import SettingsConfigDict

from services.casework.domain import ClockPolicy, ClockRule, Months, WorkingDays
from shared.settings import ServiceSettings, sqlite_url

SERVICE = "casework"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASEWORK_")

    database_url: str = sqlite_url("casework")
    host: str = "127.0.0.1"
    port: int = 8003
    workers: int = 1
    # GET /metrics of the API (its uvicorn workers merged) and of the worker: ports of their
    # own, never the API's, so that only Prometheus reaches them (0: not served).
    metrics_port: int = 9003
    worker_metrics_port: int = 9103
    # DOMAIN.md "Deadlines": every limit is configuration (CASEWORK_SIGN_FOR_DAYS, ...).
    sign_for_days: int = 3
    forward_days: int = 5
    handling_opinion_months: int = 1
    inquiry_reply_days: int = 15
    assigned_down_months: int = 3
    assigned_down_extension_months: int = 3
    reporter_notice_days: int = 15
    case_review_months: int = 1
    rectification_months: int = 2
    # How many times one clock may be extended (each with a reason and a supervisor).
    max_extensions: int = 1
    # The scheduled check (worker, one runner across replicas): overdue clocks every
    # deadline_check_seconds, the audit chain verified every audit_verify_seconds.
    deadline_check_seconds: float = 60.0
    audit_verify_seconds: float = 3600.0
    run_scheduled_check: bool = True

    def clock_policy(self) -> ClockPolicy:
        n = self.max_extensions
        return ClockPolicy(
            sign_for=ClockRule(WorkingDays(self.sign_for_days), max_extensions=n),
            forward=ClockRule(WorkingDays(self.forward_days), max_extensions=n),
            handling_opinion=ClockRule(Months(self.handling_opinion_months), max_extensions=n),
            inquiry_reply=ClockRule(WorkingDays(self.inquiry_reply_days), max_extensions=n),
            assigned_down=ClockRule(
                Months(self.assigned_down_months),
                extension=Months(self.assigned_down_extension_months),
                max_extensions=n,
            ),
            reporter_acceptance_notice=ClockRule(
                WorkingDays(self.reporter_notice_days), max_extensions=n
            ),
            reporter_result_notice=ClockRule(
                WorkingDays(self.reporter_notice_days), max_extensions=n
            ),
            case_review=ClockRule(Months(self.case_review_months), max_extensions=n),
            rectification=ClockRule(Months(self.rectification_months), max_extensions=n),
        )
