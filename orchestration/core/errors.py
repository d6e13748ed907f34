"""What can stop a command, each worded for the person who ran it. The command line turns each
into its exit code; nothing below the command line knows about exit codes."""


class WholeplaceError(Exception):
    """A problem the user can fix; the message says what happened and what to do."""


class UsageError(WholeplaceError):
    """The command was given something it cannot use (a missing folder, an unknown feed)."""


class BuildBusy(WholeplaceError):
    """Another build holds the warehouse."""


class PublishBlocked(WholeplaceError):
    """The snapshot's marts contradict each other; it was not published."""
