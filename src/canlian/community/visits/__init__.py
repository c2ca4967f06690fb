"""Community support, visits (走访探视): the visit schedule, visits and their follow-ups."""
