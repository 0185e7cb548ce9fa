"""A trained project on disk, and keeping it saved while headless training runs.
May import ``latent`` (the sampling density a project stores), ``training``, ``model``, ``ingest``
and the shelves; nothing imports it but front ends.

Modules:

* ``store``    -- project folders: JSON + safetensors, atomic saves, loading (:class:`Project`).
* ``autosave`` -- :class:`Autosaver`: the best model so far reaches disk as training improves it.
"""
