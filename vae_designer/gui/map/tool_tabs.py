"""Steering the design, not only wandering: the Map page's directions, own designs and completion.

:class:`ToolTabs` makes and wires the parts so that the page only has to hold it:

* :class:`~.directions_panel.DirectionsPanel` (named directions, a slider with a typed value);
* :class:`~.completion_panel.CompletionPanel` (mark a region missing, complete it), drawing its
  rectangles over the page's picture preview;
* :class:`~.placing.DesignPlacer` (File → Place Design…, a file dropped on the map:
  :class:`~.placing.DropOnMap`) and :class:`~.placed_marks.PlacedMarks` (the stars on the map);
* :attr:`ToolTabs.tabs`: the tools area under the preview, the page's :class:`~.tools.MapTools`
  as "Explore" beside "Directions" and "Complete".

They follow the map session through the page's :class:`~.session_signals.SessionSignals` and act
through the page's :class:`~.tools.ToolActions`; none of them holds the page.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QTabWidget

from .completion_panel import CompletionPanel
from .directions_panel import DirectionsPanel
from .placed_marks import PlacedMarks
from .placing import DesignPlacer, DropOnMap


class ToolTabs(QObject):
    """See the module docstring.  ``tools``: the page's MapTools; ``actions``: its ToolActions."""

    def __init__(self, session, signals, tools, actions, parent=None):
        super().__init__(parent)
        self.session = session
        self.placer = DesignPlacer(session, actions.status, self)
        self.directions = DirectionsPanel(session, actions)
        self.completion = CompletionPanel(session, actions, self.placer.input_for)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("MapToolTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(tools, self.tr("Explore"))
        self.tabs.addTab(self.directions, self.tr("Directions"))
        self.tabs.addTab(self.completion, self.tr("Complete"))
        signals.model_changed.connect(self._model_changed)
        signals.design_changed.connect(lambda _d: self.directions.follow_design())
        signals.groups_changed.connect(self._groups_changed)  # groups picked on the map: "A → B" directions
        self.marks: PlacedMarks | None = None
        self.drop: DropOnMap | None = None
        self._signals = signals

    def attach(self, plot, picture_preview) -> None:
        """The page's plot (stars, drops) and picture preview (completion's rectangles)."""
        self.marks = PlacedMarks(plot, self.session, self._signals)
        self.drop = DropOnMap(plot, self.placer, self)
        self.completion.attach(picture_preview)

    def _model_changed(self, new_model: bool) -> None:
        self.directions.model_changed()  # newer weights move the labels' means too
        if new_model or not self.session.has_map:
            self.completion.set_kind(self.session.kind)
        self.update_enabled()

    def _groups_changed(self) -> None:
        self.directions.model_changed()
        self.update_enabled()

    def update_enabled(self, *_args) -> None:
        has = self.session.has_map
        self.directions.update_enabled(has)
        self.completion.update_enabled(has)

    def shutdown(self) -> None:
        self.directions.shutdown()
        self.placer.shutdown()
        self.completion.shutdown()
