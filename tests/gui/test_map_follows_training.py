"""The first map a new user sees: train the bundled sample in the app, open the Map, and every
design is in view -- not the range of the first, collapsed fit from the start of training."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from .gui_helpers import open_small_sample

pytestmark = pytest.mark.slow  # trains the bundled sample in the app

def in_view(page) -> np.ndarray:
    """Which designs lie inside the map's visible range."""
    (x0, x1), (y0, y1) = page.plot.getPlotItem().getViewBox().viewRange()
    c = page.session.latent_map.coords
    return (c[:, 0] >= x0) & (c[:, 0] <= x1) & (c[:, 1] >= y0) & (c[:, 1] <= y1)


def wait_map_follows(qtbot, window):
    """Until the map shows the newest saved model and has nothing left to refit."""
    page, session = window.map_page, window.training
    qtbot.waitUntil(lambda: not session.busy and session.project is not None and page.session.project is not None
                    and page.session.project.info.get("generation") == session.project.info.get("generation")
                    and not page.refitting, timeout=120000)


def cursor_distance_to_nearest(page) -> tuple[float, float]:
    """(distance from the cursor to the nearest design, the spread of the designs) on the map."""
    pos = page.cursor.pos()
    c = page.session.latent_map.coords
    d = np.linalg.norm(c - np.array([pos.x(), pos.y()]), axis=1)
    return float(d.min()), float(np.linalg.norm(c.std(axis=0)))


def test_map_after_in_app_training_shows_every_design(qtbot, window):
    training_page = open_small_sample(qtbot, window, epochs=6, batch_size=32, latent_dim=8)
    form = training_page.form
    training_page.start_clicked()
    page = window.map_page
    # the map is opened while training runs, as a curious user does
    qtbot.waitUntil(lambda: window.show_page("map"), timeout=120000)
    wait_map_follows(qtbot, window)
    assert page.session.refits >= 1  # it followed training, not only the first save
    assert in_view(page).all(), "designs outside the view after training"
    # and the view is not a speck in a sea of empty space either: the designs fill it
    (x0, x1), (y0, y1) = page.plot.getPlotItem().getViewBox().viewRange()
    c = page.session.latent_map.coords
    assert np.ptp(c[:, 0]) > 0.5 * (x1 - x0) and np.ptp(c[:, 1]) > 0.5 * (y1 - y0)
    # the cursor is on a design, not on a stale coordinate of an earlier map
    near, spread = cursor_distance_to_nearest(page)
    assert near < 0.05 * spread

    # once the user zooms, a refit (here: more training) keeps their view
    vb = page.plot.getPlotItem().getViewBox()
    viewport = page.plot.viewport()
    centre = viewport.rect().center()
    wheel = QWheelEvent(QPointF(centre), QPointF(viewport.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, 360),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    qtbot.waitUntil(lambda: not page.view.view_follows, timeout=5000)
    zoomed = vb.viewRange()
    assert not in_view(page).all()
    refits = page.session.refits
    window.show_page("training")
    form.set_values(epochs=8)
    window.training_page.start_clicked()  # continues the same model
    qtbot.waitUntil(lambda: page.session.refits > refits, timeout=120000)
    wait_map_follows(qtbot, window)
    assert np.allclose(vb.viewRange(), zoomed)
    # double-click: every design in view again
    page.show_all_designs()
    assert in_view(page).all() and page.view.view_follows
