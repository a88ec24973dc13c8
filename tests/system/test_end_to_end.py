"""A referral walks through intake, routing and casework, all real processes over the broker."""

import pytest

from deploy.demo import CITY_COMMISSION
from deploy.system import System
from tests.system.client import Agency, Caseworker, credentials, poll

pytestmark = pytest.mark.system

OTHER_BODY = "清河县纪委监委"


class TestReferralOfACityManagedOfficial:
    async def test_it_is_assigned_to_the_city_commission_and_only_its_caseworker_sees_it(
        self, system: System
    ) -> None:
        demo = credentials(system)
        agency = Agency(system, demo.agencies[0].api_key)
        city = demo.caseworker(CITY_COMMISSION)
        city_inbox = Caseworker(system, city.token)
        other_inbox = Caseworker(system, demo.caseworker(OTHER_BODY).token)
        try:
            accepted = await agency.refer()
            assert accepted["status"] == "received"
            assert accepted["receipt_number"]

            shown = await agency.wait_for_status(accepted["id"], "assigned")
            assert [entry["status"] for entry in shown["timeline"]] == [
                "received",
                "routed",
                "assigned",
            ]
            assert shown["receipt_number"] == accepted["receipt_number"]
            assert shown["handling_body"]["name"] == CITY_COMMISSION
            assert {e["body"]["name"] for e in shown["timeline"] if e["body"]} == {CITY_COMMISSION}

            mine = await poll(
                city_inbox.inbox,
                lambda items: any(i["clue_id"] == accepted["id"] for i in items),
                f"clue {accepted['id']} in the inbox of {CITY_COMMISSION}",
            )
            [assignment] = [i for i in mine if i["clue_id"] == accepted["id"]]
            assert assignment["body_id"] == city.body_id
            assert assignment["state"] == "assigned"
            assert accepted["id"] not in {i["clue_id"] for i in await other_inbox.inbox()}
        finally:
            for client in (agency, city_inbox, other_inbox):
                await client.aclose()
