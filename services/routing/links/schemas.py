"""HTTP models of linked clues: those the officer may see, and how many others there are."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field

from services.routing.links.handlers import RelatedClue, RelatedClues
from shared.events.contracts import LinkBasis


class RelatedOut(BaseModel):
    clue_id: UUID
    receipt_number: str
    basis: LinkBasis = Field(description="id_hash: the same ID number; name_unit: name and unit")
    concluded: bool
    status: str
    region: str
    agency_name: str
    received_at: datetime

    @classmethod
    def of(cls, found: RelatedClue) -> "RelatedOut":
        facts = found.clue.facts
        return cls(
            clue_id=facts.clue_id,
            receipt_number=facts.receipt_number,
            basis=found.link.basis,
            concluded=found.link.concluded,
            status=str(found.clue.status),
            region=facts.region,
            agency_name=facts.agency_name,
            received_at=facts.received_at,
        )


class RelatedList(BaseModel):
    clue_id: UUID
    repeat_of_concluded: bool = Field(description="a linked matter has concluded (予以了结?)")
    outside_scope: int = Field(description="linked clues of other commissions, not shown")
    items: list[RelatedOut]

    @classmethod
    def of(cls, found: RelatedClues) -> "RelatedList":
        return cls(
            clue_id=found.clue.clue_id,
            repeat_of_concluded=found.repeat_of_concluded,
            outside_scope=found.outside_scope,
            items=[RelatedOut.of(r) for r in found.shown],
        )
