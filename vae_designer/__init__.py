"""VAE Designer: generate new design variants from a designer's own collection.

Layers (data flows top to bottom):

* ``vae_designer.core`` -- everything that computes: ingestion of a design folder
  (``core.ingest``), models, training, latent maths, export and project I/O.  It
  never imports Qt, so the CLI, the GUI, benchmarks and tests all share it.
* ``vae_designer.cli`` -- the headless command line (``vae-designer scan`` ...).
* ``vae_designer.gui`` -- the PySide6 desktop app, a thin layer that runs core
  generators in worker threads.
"""

__version__ = "0.1.0"
