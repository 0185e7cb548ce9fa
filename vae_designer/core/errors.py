"""Errors that carry a message meant for the user.

Anything the user can cause (a bad path, an unreadable file, a folder with no
designs) is raised as :class:`UserError` with a one-line message; the CLI prints
it and exits with status 2, the GUI shows it in a dialog.  Per-file problems
during ingestion are :class:`SkipFile` and end up in the skipped list instead.
"""


class UserError(Exception):
    """A problem with the user's input, described in one readable line."""


class SkipFile(Exception):
    """This one file cannot be used; ``str(exc)`` is the reason shown to the user."""


class Cancelled(Exception):
    """Long work was cancelled by the user before it finished."""
