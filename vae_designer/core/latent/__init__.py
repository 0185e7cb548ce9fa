"""Working with latent vectors: the design map's maths, and from latent vectors to files.
May import ``export``, ``training``, ``model``, ``ingest`` and the shelves; not ``project`` (which
stores this room's density and sits above it: a project is handed in as an argument).

Modules:

* ``space``    -- :class:`LatentMap` (projection, the lift from a map point back to a latent
  vector, neighbours, novelty), active dimensions, blends and sweeps.
* ``session``  -- :class:`MapSession`: what the Map page shows (model and decode context,
  layout, the design on show, selection, pins, picked designs, groups), changed through its
  methods, observed; undoable through ``history`` (snapshots of its tracked parts, one step per
  undoable method or resting design).  ``saved_session``: the session's work as a document
  (what a project keeps); ``selection``: rectangle and lasso picks, the CSV of picked designs.
* ``generate`` -- normal-prior draws, interpolation, export of decoded designs, reproduction
  from sidecars (shared by the CLI and the GUI).
* ``density``  -- :class:`LatentDensity`: where the training designs lie in latent space (a
  Gaussian mixture fitted to their encodings; its maths in ``gaussians``), what samples are drawn from.
* ``sampling`` -- draws from the fitted density or the normal prior, the app's surprises, and
  ``sample``'s batch that replaces an empty design by the next draw (and, with constraints, keeps
  only designs whose exported files meet them).
* ``constraints`` -- the ``--where`` language on measured properties (``aspect>=2.4``) and what
  meeting it means (``meets``, ``slack``).
* ``spec``     -- the property bank (the model's designs, measured), Snap to spec, the measured
  lattice of the map.
* ``directions`` -- named directions (label A -> B, two groups, principal directions), their values,
  and the walk along one that stays on the data.
* ``placing``  -- any design file preprocessed and encoded as the training set was; what a design
  name (training file, sidecar, design file) stands for.
* ``completion`` -- a design with a region marked missing, completed by fitting the latent to the kept
  part (the fitted density as the prior); regions from boxes and mask pictures.
* ``evaluation`` -- the held-out report (reconstructions of the validation split, clean samples) of
  ``vae-designer evaluate`` and the Training page.
* ``guided``   -- the files of those tools: a direction sequence, completions (CLI and app).
"""
