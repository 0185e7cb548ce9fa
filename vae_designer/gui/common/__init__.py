"""What every part of the app shares: look, persistence, workers, small widgets.
May import the core, Qt and each other; nothing else in ``gui``.

Modules:

* ``theme``, ``icons``  -- colours, fonts, light and dark looks; the app's icons.
* ``widgets``           -- small widgets (cards, labels, tiles, scroll areas).
* ``dialogs``           -- message and file dialogs (one place, so tests can stub them).
* ``settings_store``    -- persistent settings and the app's data directory.
* ``workers``           -- the one way long work runs: superqt's generator and function workers
  (core generators such as ingestion and training: progress rate limited, result, failure,
  cancellation) on two thread pools, interactive and background (lower priority).
* ``jobs``              -- :class:`LatestJobs`, the newest-job-wins runner (decoders, refits,
  reconstructions, saves), and ``interaction``, the gate that background work and training
  wait on while the user drags on the map.
* ``display``           -- a display for scripts (Xvfb).
"""
