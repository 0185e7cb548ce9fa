"""The Start page: open a design folder or a project, the samples, recent items.
May import ``gui.common`` and the core; not the app shell or the other pages.

Modules:

* ``page`` -- :class:`StartPage`.
"""
