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
