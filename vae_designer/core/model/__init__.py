"""The model: what to build (configuration), the networks, and the objective they minimise.
May import ``core.ingest.settings`` (kinds, resolutions), the shelves and torch; nothing above.

Modules:

* ``config``   -- :class:`ModelConfig` and :class:`TrainConfig`, frozen, validated, JSON round trip.
* ``networks`` -- the VAEs (2D convolutional for images, 3D for voxel grids); ``build_model``.
* ``losses``   -- the VAE objective (Bernoulli likelihood + Gaussian KL, in nats).
"""
