"""``python -m vae_designer`` (and ``torchrun -m vae_designer``) runs the CLI."""

from vae_designer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
