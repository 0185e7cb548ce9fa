"""The Dataset page: what was loaded from a design folder, as thumbnails, and what was skipped.
May import ``gui.common`` and the core; not the app shell or the other pages.

Modules:

* ``page``       -- :class:`DatasetPage`.
* ``thumbnails`` -- the thumbnail grid, rendered newest-request-first in a background worker.
"""
