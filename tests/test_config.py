import pytest

from deepvision import config


@pytest.mark.parametrize(
    ("value", "quick"), [("1", True), ("true", True), ("0", False), ("", False)]
)
def test_quick_mode_follows_the_environment(monkeypatch, value, quick):
    monkeypatch.setenv(config.QUICK_ENV, value)
    assert config.is_quick() is quick
    assert config.mode_name() == ("quick" if quick else "full")


def test_every_budget_is_smaller_in_quick_mode(monkeypatch):
    for name, (full, quick) in config.BUDGETS.items():
        assert quick.epochs <= full.epochs, name
        for q, f in (
            (quick.train_samples, full.train_samples),
            (quick.test_samples, full.test_samples),
        ):
            assert f is None or (q is not None and q <= f), name
    monkeypatch.setenv(config.QUICK_ENV, "1")
    assert config.budget("mnist") == config.BUDGETS["mnist"][1]
    monkeypatch.setenv(config.QUICK_ENV, "0")
    assert config.budget("mnist") == config.BUDGETS["mnist"][0]


def test_unknown_budget_lists_the_known_ones():
    with pytest.raises(
        ValueError, match="budget: unknown experiment 'nope'; expected one of: .*mnist"
    ):
        config.budget("nope")


def test_full_mode_costs_are_measured_once_and_estimated_from_there():
    full = config.budget_for("ch06_mnist_cnn", "full")
    assert full.ms_per_image == config.MEASURED_MS["ch06_mnist_cnn"]
    minutes = full.ms_per_image * full.images_per_epoch * full.epochs / 60000
    assert f"about {round(minutes):.0f} minutes on a 2-core CPU" in config.estimate(
        "ch06_mnist_cnn"
    )
    assert "5 seconds" in config.estimate("ch04_mlp", images=100, epochs=1)
    seconds = config.MEASURED_MS["ch07_cifar"] * 45000 * 20 / 1000  # hours: said in hours
    assert f"about {seconds / 3600:.1f} hours on a 2-core CPU" in config.estimate(
        "ch07_cifar", images=45000, epochs=20
    )
    assert config.budget_for("mnist", "full").ms_per_image is None
    assert "not measured" in config.estimate("mnist")


def test_announce_says_what_a_training_cell_costs(monkeypatch, capsys):
    monkeypatch.setenv(config.QUICK_ENV, "0")
    line = config.announce("ch06_mnist_cnn", images=54000, epochs=3)
    assert capsys.readouterr().out.strip() == line
    assert line.startswith("full mode: 3 epoch(s) on 54,000 images, about ")
    assert "Keras shows its progress below" in line
    monkeypatch.setenv(config.QUICK_ENV, "1")
    assert (
        config.announce("ch06_mnist_cnn", 600, 1)
        == "quick mode: 1 epoch(s) on 600 images, a few seconds"
    )


def test_the_readme_quotes_the_measured_estimate():
    from tests.notebooks import ROOT

    readme = " ".join((ROOT / "README.md").read_text().split())
    for name in ("ch04_mlp", "ch06_mnist_cnn", "ch07_cifar"):
        estimate = config.estimate(name).split(" (")[0]  # "about 7 minutes on a 2-core CPU"
        assert estimate in readme, f"the README should quote {estimate!r} for {name}"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("nope", "full"), "name: unknown experiment"),
        (("mnist", "fast"), "mode: expected 'full' or"),
    ],
)
def test_bad_budget_requests_are_named(args, words):
    with pytest.raises(ValueError, match=words):
        config.budget_for(*args)
