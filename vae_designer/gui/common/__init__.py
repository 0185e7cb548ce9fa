"""What every part of the app shares: look, persistence, worker threads, small widgets.
May import the core, Qt and each other; nothing else in ``gui``.

Modules:

* ``theme``, ``icons``  -- colours, fonts, light and dark looks; the app's icons.
* ``widgets``           -- small widgets (cards, labels, tiles, scroll areas).
* ``dialogs``           -- message and file dialogs (one place, so tests can stub them).
* ``settings_store``    -- persistent settings and the app's data directory.
* ``workers``           -- QThreads that run core generators (ingestion, training) and hand
  results back through signals; a "latest job" thread for reconstructions and saves.
* ``display``           -- a display for scripts (Xvfb).
"""
