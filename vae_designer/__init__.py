"""VAE Designer: generate new design variants from a designer's own collection.

Layers (data flows top to bottom):

* ``vae_designer.core`` -- everything that computes: ingestion of a design folder
  (``core.ingest``), models, training, latent maths, export and project I/O.  It
  never imports Qt, so the CLI, the GUI, benchmarks and tests all share it.
* ``vae_designer.cli`` -- the headless command line (``vae-designer scan`` ...).
* ``vae_designer.gui`` -- the PySide6 desktop app, a thin layer that runs core
  generators in worker threads.
"""

import os as _os

# OpenMP threads that wait by spinning starve everything else on a small CPU (a GUI
# thread, a data loader, another process: training ran up to 8x slower on 2 busy cores).
# Passive waiting costs little.  It only works if set before torch loads its OpenMP
# runtime, and every entry point (CLI, GUI, torchrun -m vae_designer) imports this
# package first.  An explicit OMP_WAIT_POLICY in the environment wins.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
