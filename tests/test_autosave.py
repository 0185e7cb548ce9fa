"""The CLI's autosaver decides when the best model (or, after a while, the progress) reaches disk."""

from types import SimpleNamespace

from vae_designer.core.project.autosave import Autosaver


def test_improvements_are_saved_spaced_and_progress_is_saved_when_the_best_stalls():
    now, saved_at = [0.0], []
    saver = Autosaver("p", designs=None, min_interval=5, progress_interval=30, clock=lambda: now[0],
                      write=lambda state, autosave: saved_at.append((now[0], autosave)))
    trainer = SimpleNamespace(snapshot=lambda: SimpleNamespace(epoch=int(now[0])))

    def epoch(t, improved):
        now[0] = t
        return saver.offer(trainer, improved)

    assert not epoch(1, True) and not epoch(4, True)  # the first seconds: not yet
    assert epoch(5, False)  # the improvement still pending is saved once allowed
    assert not epoch(6, True) and epoch(10, False)  # spaced by the minimum interval
    assert not any(epoch(t, False) for t in range(11, 40))  # no improvement: nothing new yet...
    assert epoch(40, False)  # ...until the progress is 30 s old
    assert saved_at == [(5, True), (10, True), (40, True)] and saver.saves == 3
