"""Progress lines for people running `wholeplace build`, also kept in Dagster's event log."""

import logging

logger = logging.getLogger("wholeplace")


def say(context, message: str) -> None:
    context.log.info(message)
    logger.info(message)


def say_again(message: str) -> None:
    """A line for the terminal only: the event log has it already (a problem, as a warning)."""
    logger.info(message)
