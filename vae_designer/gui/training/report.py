"""The held-out report on the Training page: after a run (and for an opened project), how the
model does on designs it never trained on, so a designer knows whether to train longer.

:class:`HeldOutReport` runs ``core.latent.evaluation.evaluate`` (reconstructions of the validation
split, clean share of 64 samples, advice) in a background worker and shows the figures and the
advice; the same report as ``vae-designer evaluate``.  It is worked out once the Training page is
on screen (a project opened only for its map costs nothing).
"""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from ..common.jobs import LatestJobs
from ..common.widgets import label

SAMPLES = 64


def evaluate_job(job: dict) -> dict:
    """In a worker: the report of ``job["project"]`` with ``job["designs"]`` (the loaded collection)."""
    from vae_designer.core.latent.evaluation import evaluate

    return evaluate(job["project"], job["designs"], samples=SAMPLES)


class HeldOutReport(QWidget):
    """See the module docstring.  ``request(project, designs)`` asks for a report (the newest wins);
    ``report``: the last one shown (a dict, see ``core.latent.evaluation``), or None."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("HeldOutReport")
        self.report: dict | None = None
        self._key = None
        self._pending = None  # (key, job) asked for while the page was not on screen
        self.caption = label(self.tr("Held-out check"), "heading")
        self.text = label("", "muted", wrap=True)
        self.text.setObjectName("HeldOutText")
        self.setToolTip(self.tr("How the saved model does on designs it never trained on (the validation "
                                "split) and on 64 samples: the same report as `vae-designer evaluate`"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.caption)
        lay.addWidget(self.text)
        self._jobs = LatestJobs(evaluate_job, name="train-evaluate", background=True, parent=self)
        self._jobs.done.connect(self._done)
        self._jobs.failed.connect(lambda _t, msg: self.text.setText(self.tr("Could not check the model: {0}")
                                                                    .format(msg)))
        self.setVisible(False)

    def request(self, project, designs) -> None:
        key = (str(project.path), project.metrics.get("best_epoch"), len(project.paths))
        if key == self._key:
            return
        self._key = key
        self.setVisible(True)
        self.text.setText(self.tr("Checking the model on held-out designs…"))
        self._pending = (key, {"project": project, "designs": designs})
        if self.isVisible():  # else once the Training page is shown: a project opened for its map costs nothing
            self._submit()

    def _submit(self) -> None:
        if self._pending is not None:
            key, job = self._pending
            self._pending = None
            self._jobs.submit(job, tag=key)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._submit()

    def clear(self) -> None:
        self._key, self.report, self._pending = None, None, None
        self.setVisible(False)

    def shutdown(self) -> None:
        self._jobs.shutdown()

    def _done(self, tag, report: dict) -> None:
        if tag != self._key:
            return
        self.report = report
        lines = []
        held = report.get("held_out")
        if held is None:
            lines.append(self.tr("The design folder is not available: only samples were checked."))
        else:
            lines.append(self.tr("Held-out designs ({0}): IoU {1:.3f}; undecided outline {2:.0%} (the pictures "
                                 "themselves {3:.0%})").format(held["designs"], held["iou"], held["undecided"],
                                                               held["undecided_in_designs"]))
            if "shape_iou" in held and abs(held["shape_iou"] - held["iou"]) > 5e-4:  # several ink tones
                lines.append(self.tr("The shape as exported (the whole silhouette, every tone): IoU {0:.3f}")
                             .format(held["shape_iou"]))
        s = report.get("samples")
        if s is not None:
            lines.append(self.tr("Samples: {0} of {1} are clean designs").format(s["clean"], s["drawn"]))
            if "as_exported" in s:
                e = s["as_exported"]
                lines.append(self.tr("As shown and exported (smooth outline): {0} of {1} clean")
                             .format(e["clean"], e["drawn"]))
        lines += [self.tr("Tip: {0}").format(a) for a in self.advice(report)] or [self.tr("No need to train longer.")]
        self.text.setText("\n".join(lines))

    def advice(self, report: dict) -> list[str]:
        """What to do where the report falls short: ``core.latent.evaluation.advice`` (same thresholds),
        in the interface's language."""
        from vae_designer.core.latent.evaluation import ADVISE_CLEAN, ADVISE_IOU, ADVISE_UNDECIDED

        out = []
        held = report.get("held_out")
        if held is not None and held["iou"] < ADVISE_IOU:
            out.append(self.tr("held-out designs come back at IoU {0:.2f}: train longer (more epochs), or on more "
                               "designs of each kind").format(held["iou"]))
        if held is not None and held["undecided"] > ADVISE_UNDECIDED:
            out.append(self.tr("{0:.0%} of the outline is undecided (blurry edges): train longer (exports and the "
                               "preview draw the smooth outline: they stay crisp)").format(held["undecided"])
                       if report.get("kind") == "image" else
                       self.tr("{0:.0%} of the outline is undecided (blurry edges): train longer")
                       .format(held["undecided"]))
        s = report.get("samples")
        s = s.get("as_exported", s) if s is not None else None  # what the designer gets
        if s is not None and s["clean_share"] < ADVISE_CLEAN:
            out.append(self.tr("only {0} of {1} samples are clean designs: train longer, or sample with a lower "
                               "temperature").format(s["clean"], s["drawn"]))
        return out
