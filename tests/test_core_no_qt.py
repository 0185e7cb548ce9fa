"""The core must import without Qt: it is shared by the CLI, the GUI and headless training."""

import subprocess
import sys

CODE = r"""
import importlib, pkgutil, sys

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'pyqtgraph', 'superqt', 'qtpy', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked in this test: ' + name)
        return None

sys.meta_path.insert(0, Block())
import vae_designer.core as core
for mod in pkgutil.walk_packages(core.__path__, 'vae_designer.core.'):
    importlib.import_module(mod.name)
import vae_designer.cli
loaded = sorted(m for m in sys.modules if m.startswith('vae_designer.core'))
assert len(loaded) > 5, loaded
print('ok', len(loaded))
"""


def test_core_imports_without_qt():
    proc = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok")


def test_package_sets_passive_openmp_waiting_before_torch_loads():
    """Spinning OpenMP threads starve the GUI thread on a small CPU; an explicit setting wins."""
    import os

    code = "import os, vae_designer, torch; print(os.environ.get('OMP_WAIT_POLICY'))"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "PASSIVE"
    out = subprocess.run([sys.executable, "-c", code], env={**env, "OMP_WAIT_POLICY": "ACTIVE"},
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ACTIVE"
