"""What every service's ledger (台账) API shares: the window, ranges of clue ids, digests computed
by the database, the wire models, the service credential check, re-publishing from the outbox.

Each service says what its ledger holds about a clue (its facts, in its ledger package); this
package only knows how to digest, list and re-publish them, the same way on every service.
"""
