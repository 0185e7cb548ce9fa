"""Steering on the Map page: measured properties, constraints, Snap to spec, colours by property.

:class:`Steering` composes the views of :mod:`.constraints_panel` and :mod:`.spec_map`
into the page's preview panel and plot, over the core's map session:

* the design on show is measured in a worker (:class:`~.spec_jobs.MeasureJob`) after
  each preview update -- fast while the cursor moves, exactly once it rests -- and shown
  under the preview, a property that breaks a constraint in red;
* constraints typed in the panel are parsed by the core (``core.latent.constraints``;
  a bad one is a one-line status) and kept in the session (``set_constraints``, event
  "constraints"); the lattice (:class:`~.spec_map.SpecLattice`) shades where designs break
  them;
* "Snap to Spec" runs ``core.latent.spec.snap_to_spec`` in a worker (the model's property
  bank is built there on first use) and shows the result as a "snap" design;
* Surprise ×N with constraints draws in a worker (``core.latent.sampling.surprises_meeting``)
  and pins what meets them (the tools hand it over through ``ToolActions.surprises_meeting``);
* the header's "Colour by" gets every property: the training designs measured
  (:class:`~.spec_jobs.DesignsMeasureJob`) colour the points, the lattice the map between them.

It gets the session, the views and callbacks it needs, never the page.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QColor

from ..common import theme
from ..common.i18n import number
from ..common.jobs import LatestJobs
from .colour import colour_lut, value_range
from .constraints_panel import ConstraintsPanel, PropertiesLabel, constraint_text, property_with_unit, unit_label
from .spec_jobs import DesignsMeasureJob, MeasureJob, SnapJob, SurpriseJob
from .spec_map import SpecLattice

PROPERTY_PREFIX = "prop:"  # the header's colour-by data of a measured property
MEASURE_EVERY_MS = 100  # while the cursor moves, the design on show is measured at most this often


class Steering(QObject):
    """See the module docstring.  ``snapped(snap)`` after each snap, ``measured(values)`` after each
    measurement of the design on show."""

    snapped = Signal(object)
    measured = Signal(dict)

    def __init__(self, session, signals, view, panel, header, colours, live, tools, status, parent=None):
        super().__init__(parent)
        self.session, self.header, self.colours, self.tools, self._status = session, header, colours, tools, status
        self.properties = PropertiesLabel()
        self.panel = ConstraintsPanel()
        lay = panel.layout()
        lay.insertWidget(lay.indexOf(panel.nearest_label) + 1, self.properties)
        lay.insertWidget(lay.indexOf(panel.tools) + 1, self.panel)
        self.lattice = SpecLattice(view.plot.getPlotItem(), self)
        self.shading = True
        self.axis = "x"  # what the frontal area is seen along (the panel's choice, meshes)
        self._live = live
        self.last_snap = None
        self._frame, self._frame_key = None, None
        self._shown_seq, self._snap_token, self._snap_from = -1, 0, None
        self._designs_values, self._designs_key, self._designs_wanted = None, None, None
        self._measure = self._worker(MeasureJob(), "map-measure", self._measured, self.tr("Measure failed: {0}"),
                                     background=False)
        snap_job = SnapJob()  # one bank, built ahead (background, after the hand rests) or by the first snap
        self._snap = self._worker(snap_job, "map-snap", self._snap_done, self.tr("Snap failed: {0}"),
                                  background=False)
        self._bank = self._worker(snap_job, "map-bank", lambda _t, _out: None, self.tr("Bank failed: {0}"))
        self._surprise = self._worker(SurpriseJob(), "map-surprise", self._surprises_done,
                                      self.tr("Surprise failed: {0}"), background=False)
        self._designs = self._worker(DesignsMeasureJob(), "map-measure-designs", self._designs_done,
                                     self.tr("Measure-designs failed: {0}"))
        self._moving: dict | None = None  # the newest fast decode, measured when the throttle lets it
        self._throttle = QTimer(self, singleShot=True, interval=MEASURE_EVERY_MS)
        self._throttle.timeout.connect(self._measure_moving)
        self.lattice.updated.connect(self.redraw)
        self.lattice.failed.connect(lambda msg: status(self.tr("Measuring the map failed: {0}").format(msg)))
        signals.model_changed.connect(self._model_changed)
        signals.layout_changed.connect(self._refresh)
        signals.constraints_changed.connect(self._constraints_changed)
        live.decoded.connect(self._decoded)
        header.colour_chosen.connect(lambda _what: self._refresh())
        self.panel.add_requested.connect(self.add_constraint)
        self.panel.remove_requested.connect(session.remove_constraint)
        self.panel.snap_clicked.connect(lambda: self.snap())
        self.panel.shading_toggled.connect(self.set_shading)
        self.panel.axis_chosen.connect(self.set_axis)
        colours.values_for = self.point_values
        tools.actions.surprises_meeting = self.surprise_batch
        theme.notifier.theme_changed.connect(self._retheme)  # a bound slot: gone with this object
        self._update_enabled()

    def _worker(self, fn, name: str, done, failed: str, background: bool = True) -> LatestJobs:
        """``failed``: the status line when the job fails, its message as ``{0}``."""
        jobs = LatestJobs(fn, name=name, background=background, parent=self)
        jobs.done.connect(done)
        jobs.failed.connect(lambda _t, msg: self._status(failed.format(msg)))
        return jobs

    # ------------------------------------------------------------------ what is measured how
    def frame(self) -> dict | None:
        """How the model on show measures its designs (``core.export.measure.frame_of``)."""
        s = self.session
        if not s.has_map:
            return None
        if self._frame_key != (s.context.key, self.axis):
            from vae_designer.core.export.measure import frame_of

            manifest = s.project.manifest if s.project is not None else None
            self._frame = frame_of(s.kind, manifest, self.axis, resolution=getattr(s.config, "resolution", None))
            self._frame_key = (s.context.key, self.axis)
        return self._frame

    def units(self) -> dict:
        from vae_designer.core.export.measure import property_names, unit_text

        frame = self.frame()
        return {n: unit_text(frame, n) for n in property_names(frame["kind"])} if frame else {}

    # ------------------------------------------------------------------ the model and the map
    def _model_changed(self, new_model: bool) -> None:
        s = self.session
        self.lattice.forget()
        self._shown_seq = -1
        if not s.has_map:
            self.properties.clear()
            self._fill_colour_choices(())
            self._update_enabled()
            return
        if new_model:
            from vae_designer.core.export.measure import property_names

            names = property_names(s.kind)
            self.panel.set_properties(names, self.units())
            self._fill_colour_choices(names)
            self._designs_values, self._designs_key, self._designs_wanted = None, None, None
        self.panel.show_constraints(s.constraints, self.units())
        self._refresh()
        self._update_enabled()

    def _fill_colour_choices(self, names) -> None:
        """The header's colour-by entries for the measured properties (the other entries stay)."""
        combo = self.header.colour_combo
        chosen = combo.currentData()
        combo.blockSignals(True)
        for i in reversed(range(combo.count())):
            if str(combo.itemData(i)).startswith(PROPERTY_PREFIX):
                combo.removeItem(i)
        units = self.units()
        for name in names:
            combo.addItem(property_with_unit(name, units.get(name, "")), PROPERTY_PREFIX + name)
        index = combo.findData(chosen)
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if index < 0:
            self.header.colour_chosen.emit(self.header.colour_by)

    def _colour_property(self) -> str | None:
        what = self.header.colour_by
        return what[len(PROPERTY_PREFIX):] if what.startswith(PROPERTY_PREFIX) else None

    def _refresh(self) -> None:
        """Ask for what the map's shading and colours need (a lattice, the training designs' values)."""
        s = self.session
        if not s.has_map:
            return
        prop = self._colour_property()
        if (self.shading and s.constraints) or prop is not None:
            names = None
            if "surface_area" in {c.name for c in s.constraints} | {prop}:
                from vae_designer.core.export.measure import property_names

                names = property_names(s.kind)
            self.lattice.request(s.context, s.latent_map, self.frame(), names)
        if prop is not None:
            self._request_designs()
        self.redraw()

    def _request_designs(self) -> None:
        s = self.session
        if s.designs is None or len(s.designs) != len(s.paths):
            return
        key = (id(s.designs), tuple(s.paths))
        if key in (self._designs_key, self._designs_wanted):
            return
        self._designs_wanted = key
        self._designs.submit({"designs": s.designs, "manifest": s.project.manifest if s.project else None,
                              "axis": self.axis, "key": key}, tag=key)

    def _designs_done(self, tag, out: dict) -> None:
        if tag != self._designs_wanted:
            return
        self._designs_values, self._designs_key = out["values"], tag
        self.colours.apply()
        self.redraw()

    def point_values(self, what: str):
        """PointColours' values for a colour-by choice of a property: (values, unit, note)."""
        if not what.startswith(PROPERTY_PREFIX):
            return None
        name = what[len(PROPERTY_PREFIX):]
        s = self.session
        values = self._designs_values.get(name) if self._designs_values is not None and \
            self._designs_key == (id(s.designs), tuple(s.paths)) else None
        if values is not None and len(values) != len(s.paths):
            values = None
        unit = unit_label(self.units().get(name, ""))
        if values is None:
            waiting = s.designs is not None and len(s.designs) == len(s.paths)
            return None, unit, self.tr("Measuring the training designs…") if waiting else \
                self.tr("The training designs are not loaded: the map between shows decoded designs")
        return values, unit, ""

    def redraw(self) -> None:
        """Draw the shading and the property colours from the lattice as it is now."""
        s = self.session
        t = theme.current()
        if not s.has_map:
            return
        slack = None
        if self.shading and s.constraints:
            values = self.lattice.last["values"] if self.lattice.last is not None and not self.lattice.pending \
                else None
            if values is not None and all(c.name in values for c in s.constraints):
                from vae_designer.core.latent.constraints import slack as slack_of

                slack = slack_of(values, s.constraints, self.frame())
        prop = self._colour_property()
        lattice = self.lattice.values(prop) if prop is not None and not self.lattice.pending else None
        self.lattice.show_shading(slack, QColor(t.danger), fill=lattice is None)
        if lattice is None:
            self.lattice.show_colours(None)
            return
        known = self.point_values(PROPERTY_PREFIX + prop)[0]
        lo, hi = value_range(known if known is not None else lattice)
        self.lattice.show_colours(lattice, lo, hi, colour_lut(t))

    def _retheme(self, _theme) -> None:
        self.redraw()

    def set_axis(self, axis: str) -> None:
        """See the frontal area along ``axis`` ("x", "y", "z"): everything measured again with it (the
        design on show, the lattice, the training designs, Snap's bank; exports follow ``frame()``)."""
        if axis == self.axis or axis not in ("x", "y", "z"):
            return
        self.axis = axis
        self.lattice.forget()
        self._designs_values, self._designs_key, self._designs_wanted = None, None, None
        self._shown_seq = -1
        if self.session.constraints and self.session.has_map:
            self._bank.submit({**self._snap_fields(), "z": None}, tag=None)
        last = self._live.last_result
        if last is not None:
            self._decoded(last)
        self._refresh()

    def set_shading(self, on: bool) -> None:
        self.shading = bool(on)
        self._refresh()

    # ------------------------------------------------------------------ constraints
    def add_constraint(self, text: str) -> list:
        """Parse ``text`` (``aspect>=2.4``) and add it to the session; a bad one is a status line."""
        from vae_designer.core.errors import UserError
        from vae_designer.core.latent.constraints import parse_constraint

        s = self.session
        if not s.has_map:
            return []
        try:
            added = parse_constraint(text, s.kind)
        except UserError as exc:
            self._status(self.tr("Constraint not added: {0}").format(exc))
            return []
        s.add_constraints(added)
        self.panel.accepted()
        return added

    def _constraints_changed(self) -> None:
        s = self.session
        self.panel.show_constraints(s.constraints, self.units())
        if s.constraints and s.has_map:  # measure the model's designs before a snap is asked
            self._bank.submit({**self._snap_fields(), "z": None}, tag=None)
        self._refresh()
        self._show_properties(self.properties.values, self.properties.exact)
        self._update_enabled()

    def _update_enabled(self) -> None:
        has = self.session.has_map
        self.panel.setEnabled(has)
        self.panel.snap_button.setEnabled(has and bool(self.session.constraints))

    # ------------------------------------------------------------------ the design on show
    def _decoded(self, out: dict) -> None:
        """A preview update: measured exactly once the cursor rests, else (throttled) fast."""
        frame = self.frame()
        if frame is None or "probs" not in out:
            return
        job = {"seq": out["seq"], "probs": out["probs"], "kind": frame["kind"], "frame": frame,
               "exact": bool(out.get("fine"))}
        if job["exact"]:
            self._moving = None
            self._measure.submit(job)
            return
        self._moving = job
        if not self._throttle.isActive():
            self._throttle.start()

    def _measure_moving(self) -> None:
        if self._moving is not None:
            self._measure.submit(self._moving)
            self._moving = None

    def _measured(self, _tag, out: dict) -> None:
        if out["seq"] < self._shown_seq or (out["seq"] == self._shown_seq and not out["exact"]):
            return
        self._shown_seq = out["seq"]
        self._show_properties(out["values"], out["exact"])
        self.measured.emit(out["values"])

    def _show_properties(self, values: dict, exact: bool) -> None:
        if not values:
            return
        from vae_designer.core.latent.constraints import broken

        s = self.session
        bad = {c.name for c in broken(values, s.constraints)} if s.constraints else set()
        self.properties.show_values(values, self.units(), bad, exact)

    # ------------------------------------------------------------------ snap and surprises
    def _snap_fields(self) -> dict:
        s = self.session
        density = s.project.density() if s.project is not None else None
        return s.context.job(frame=self.frame(), encodings=s.encodings, density=density,
                             constraints=tuple(s.constraints), latent_map=s.latent_map)

    def snap(self) -> bool:
        """Snap the design on show to the constraints (in a worker; ``snapped`` when done)."""
        s = self.session
        if not s.has_map or s.design is None or not s.constraints:
            self._status(self.tr("Snap to spec: add a constraint first"))
            return False
        self._snap_token += 1
        self._snap_from = s.design.z.copy()
        units = self.units()
        self._status(self.tr("Snapping to {0}…").format(
            self.tr(", ").join(constraint_text(c, units.get(c.name, "")) for c in s.constraints)))
        self._snap.submit({**self._snap_fields(), "z": s.design.z.copy(), "token": self._snap_token},
                          tag=self._snap_token)
        return True

    def _snap_done(self, tag, out: dict) -> None:
        snap = out.get("snap")
        if snap is None or tag != self._snap_token:
            return
        self.last_snap = snap
        s = self.session
        if s.design is None or not np.array_equal(s.design.z, self._snap_from):
            self._status(self.tr("Snap to spec: the design changed meanwhile; snap again"))
        elif not snap.met:
            self._status(self.tr("Snap to spec found nothing: {0}").format(self._snap_text(snap, out)))
        else:
            texts = [c.text() for c in s.constraints]
            s.show(snap.z, "snap", {"snap": {"constraints": texts, "distance": round(snap.distance, 6)}})
            self._status(self.tr("Snapped to spec: {0} ({1} s)").format(self._snap_text(snap, out),
                                                                         number(out["seconds"], 2)))
        self.snapped.emit(snap)

    def _snap_text(self, snap, out: dict) -> str:
        """What the snap found, in a sentence (the core's ``Snap.message``, written here to be translated)."""
        if snap.met:
            if snap.distance == 0 and snap.decoded <= 1:
                return self.tr("the design already meets the constraints")
            return self.tr("moved {0} in latent space to meet the constraints").format(number(snap.distance, 2))
        if snap.decoded <= 1 and out.get("bank"):
            return self.tr("none of the {0} designs measured for this model meets the constraints").format(
                number(out["bank"]))
        if snap.decoded <= 1:
            return snap.message
        return self.tr("no design near those that meet the constraints passed the exact measurement")

    def surprise_batch(self, n: int, seed: int, temperature: float) -> bool:
        """Surprise ×N that meet the constraints (pinned by the tools when found)."""
        s = self.session
        if not s.has_map or not s.constraints:
            return False
        self._status(self.tr("Drawing {0} surprises that meet the constraints…").format(number(n)))
        self._surprise.submit({**s.context.job(), "project": s.project, "latent_dim": s.config.latent_dim, "n": n,
                               "seed": seed, "temperature": temperature, "constraints": tuple(s.constraints),
                               "frame": self.frame()})
        return True

    def _surprises_done(self, _tag, out: dict) -> None:
        found = out["found"]
        self.tools.pin_surprises([(z, seed, meta) for seed, z, meta in found], out["temperature"])
        missing = out["n"] - len(found)
        if missing:
            self._status(self.tr("Pinned {0} surprises that meet the constraints; {1} could not be found in {2} "
                                 "draws (try wider ranges or a higher temperature)").format(
                number(len(found)), number(missing), number(out["tried"])))

    def shutdown(self) -> None:
        self._throttle.stop()
        for jobs in (self._measure, self._snap, self._bank, self._surprise, self._designs):
            jobs.shutdown(wait=True)
        self.lattice.shutdown()
