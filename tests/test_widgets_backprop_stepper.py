"""The backprop stepper: its passes against torch.autograd, and the widget in headless Chromium with
the network off (stepping, editing an input or a weight, switching the activation, random edits)."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch

from lalib.widgets.backprop_stepper import STAGES, BackpropStepper, passes


@pytest.mark.parametrize("seed", range(60))
def test_passes_agree_with_autograd(seed):
    s = BackpropStepper.random_state(np.random.default_rng(seed))
    d = passes(s["x"], s["y"], s["W1"], s["b1"], s["W2"], s["b2"], s["activation"])
    t = {k: torch.tensor(s[k], dtype=torch.float64, requires_grad=True) for k in ("x", "W1", "b1", "W2", "b2")}
    act = torch.tanh if s["activation"] == "tanh" else torch.relu
    z = t["W1"] @ t["x"] + t["b1"]
    z.retain_grad()
    hid = act(z)
    hid.retain_grad()
    yhat = t["W2"] @ hid + t["b2"]
    yhat.retain_grad()
    loss = 0.5 * ((yhat - s["y"]) ** 2).sum()
    loss.backward()
    assert d["L"] == pytest.approx(loss.item(), rel=1e-12, abs=1e-300)
    grads = {"d_x": t["x"].grad, "d_W1": t["W1"].grad, "d_b1": t["b1"].grad, "d_W2": t["W2"].grad,
             "d_b2": t["b2"].grad, "d_z": z.grad, "d_h": hid.grad, "d_yhat": yhat.grad}
    for key, g in grads.items():
        np.testing.assert_allclose(d[key], g.numpy(), rtol=1e-12, atol=1e-12, err_msg=key)
        assert np.shape(d[key]) == tuple(g.shape)


def test_every_gradient_has_its_tensors_shape():
    d = BackpropStepper()
    for key in ("x", "W1", "b1", "W2", "b2"):
        assert np.shape(getattr(d, "d_" + key)) == np.shape(getattr(d, key))
    assert [k for k, _ in STAGES][:5] == ["x", "z", "h", "yhat", "L"] and len(STAGES) == 13
    with pytest.raises(ValueError, match=r"W1 must have shape \(3, 2\)"):
        BackpropStepper(W1=np.ones((2, 3)))
    with pytest.raises(ValueError, match="activation"):
        BackpropStepper(activation="sigmoid")


def numbers(text):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", text.replace("\u2212", "-").replace("≈", ""))]


def cell_values(widget, key):
    return [float(x.replace("\u2212", "-").replace("≈", "")) for x in widget.locator(f'[data-grad="{key}"] td').all_inner_texts()]


def test_step_edit_and_switch_in_the_page(offline_page, tmp_path):
    w = BackpropStepper()
    f = tmp_path / "bp.html"
    f.write_text("<!doctype html><meta charset='utf-8'><body>" + w.static_html())
    offline_page.goto(f.as_uri())
    widget = offline_page.locator(".lx-bp")
    stage = lambda: widget.locator('[data-field="stage"]').inner_text()  # noqa: E731
    assert stage().startswith("Step 1 of 13") and widget.locator('[data-grad="d_W1"] .lx-pending').count() == 1
    assert widget.locator('[data-node="z"] [data-cell="value"] .lx-pending').count() == 1
    widget.locator('[data-action="step"]').click()
    assert "z = W₁x + b₁" in stage() and widget.locator('[data-node="z"] [data-cell="value"] .lx-pending').count() == 0
    assert numbers(widget.locator('[data-field="current"]').inner_text())[:3] == pytest.approx(w.z, abs=1e-3)
    assert widget.locator('[data-shape="W1"]').inner_text() == "shape 3×2"
    # The whole backward pass: every gradient shown, each with its tensor's shape.
    widget.locator('[data-action="backward"]').click()
    assert stage().startswith("Step 13 of 13") and widget.locator(".lx-pending").count() == 0
    assert cell_values(widget, "d_W1") == pytest.approx(np.ravel(w.d_W1), abs=1e-3)
    assert widget.locator('[data-grad="d_W1"] tr').count() == 3 and widget.locator('[data-grad="d_W1"] tr').first.locator("td").count() == 2
    # Edit x[1]: the gradients change to the Python values for the new input, patched in place.
    widget.locator('[data-node="z"]').evaluate("(e) => { e.dataset.mark = 'kept'; }")
    entry = widget.locator('[data-entry="x-0"]')
    entry.fill("2")
    entry.press("Enter")
    w.x = [2.0, w.x[1]]
    assert cell_values(widget, "d_W1") == pytest.approx(np.ravel(w.d_W1), abs=1e-3)
    assert widget.locator('[data-node="z"]').get_attribute("data-mark") == "kept"   # no rebuild on an edit
    # Arrow key on a weight: +0.1.
    widget.locator('[data-entry="W2-0-1"]').focus()
    offline_page.keyboard.press("ArrowUp")
    w.W2 = [[w.W2[0][0], w.W2[0][1] + 0.1, w.W2[0][2]]]
    assert cell_values(widget, "d_x") == pytest.approx(w.d_x, abs=1e-3)
    assert widget.locator('[data-entry="W2-0-1"]').evaluate("(e) => document.activeElement === e")
    # ReLU: a unit with z < 0 passes no gradient back.
    widget.locator('[data-activation="relu"]').click()
    w.activation = "relu"
    assert cell_values(widget, "d_z") == pytest.approx(w.d_z, abs=1e-3)
    assert any(zi < 0 for zi in w.z) and any(g == 0 for g in w.d_z)
    # A bad entry is refused with a message; the state is unchanged.
    entry.fill("1,000")
    entry.press("Enter")
    assert "ambiguous" in widget.locator(".lx-entry-error").inner_text()
    assert cell_values(widget, "d_W1") == pytest.approx(np.ravel(w.d_W1), abs=1e-3)
    widget.locator('[data-action="reset"]').click()
    assert stage().startswith("Step 1 of 13")
    widget.locator('[data-action="back"]').click()
    assert stage().startswith("Step 1 of 13")
    assert offline_page.errors == [] and all(u.startswith("file://") for u in offline_page.requests)


def test_random_edit_sequences(offline_page, tmp_path):
    w = BackpropStepper(stage=len(STAGES) - 1)
    f = tmp_path / "bp.html"
    f.write_text("<!doctype html><meta charset='utf-8'><body>" + w.static_html())
    offline_page.goto(f.as_uri())
    widget = offline_page.locator(".lx-bp")
    rng = np.random.default_rng(5)
    for _ in range(20):
        name, shape = [("x", (2,)), ("W1", (3, 2)), ("b1", (3,)), ("W2", (1, 3)), ("b2", (1,))][int(rng.integers(0, 5))]
        index = tuple(int(rng.integers(0, n)) for n in shape)
        value = float(rng.choice([0.0, -3.5, 1e-4, 40.0, 0.25, -1000.0]))
        entry = widget.locator(f'[data-entry="{name}-{"-".join(map(str, index))}"]')
        entry.fill(str(value))
        entry.press("Enter")
        arr = np.array(getattr(w, name))
        arr[index] = value
        setattr(w, name, arr.tolist())
        for key in ("d_x", "d_b1", "d_b2"):
            assert cell_values(widget, key) == pytest.approx(np.ravel(getattr(w, key)), rel=1e-3, abs=1e-3), (name, index, value)
    assert offline_page.errors == []
