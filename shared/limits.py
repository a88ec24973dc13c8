"""Size limits shared by intake's API and the event contracts, so an event never carries more
than intake would have accepted from an agency (a consumer refuses anything larger)."""

TEXT_MAX = 20_000
SUMMARY_MAX = 500
FACTS_MAX = 20_000
SUBJECTS_MAX = 20
SUBJECT_NAME_MAX = 50
UNIT_MAX = 200
POSITION_MAX = 100
TOPICS_MAX = 10
ATTACHMENTS_MAX = 20
ATTACHMENT_NAME_MAX = 200
MEDIA_TYPE_MAX = 100
ATTACHMENT_SIZE_MAX = 100 * 1024 * 1024
PERSON_NAME_MAX = 50
ADDRESS_MAX = 200
REASON_MIN = 10
REASON_MAX = 500

# Fields only the services fill in; bounded so that a valid event always fits their tables.
AGENCY_NAME_MAX = 200
BODY_NAME_MAX = 120
BODIES_MAX = 50
RECEIPT_NUMBER_MAX = 64
REGION_MAX = 12
ID_HASH_MAX = 128
RULE_MAX = 120
RULES_MAX = 50
RELATED_MAX = 200
NOTE_MAX = 2_000
OUTCOME_SUMMARY_MAX = 2_000
