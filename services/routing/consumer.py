"""What routing consumes; the shared consumer loop wraps each handler in inbox + transaction."""

from services.routing.handlers import route_received_clue
from shared.consumer import Subscription
from shared.events import topics
from shared.runtime import Runtime


def subscriptions(_: Runtime) -> list[Subscription]:
    return [Subscription(topics.CLUE_RECEIVED, route_received_clue)]
