"""The timeouts in config/settings.yml nest, and a setting that breaks the nesting is refused."""
import pytest
import yaml

from bot import PROJECT_ROOT
from bot.settings import SettingsError, Timeouts


def write(tmp_path, **timeouts):
    raw = yaml.safe_load((PROJECT_ROOT / "config" / "settings.yml").read_text())
    raw["timeouts"].update(timeouts)
    path = tmp_path / "settings.yml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_shipped_timeouts_nest():
    t = Timeouts.load()
    assert not t.problems()
    assert 2 * t.store_retry_s + t.action_s < t.lock_max_s
    assert t.lock_ticket_s <= t.lock_wait_s and t.lock_wait_s + t.lock_max_s < t.proxy_read_s


@pytest.mark.parametrize("change,word", [
    ({"action_s": 300}, "lock_max_s"),               # Rasa's default action timeout
    ({"lock_ticket_s": 60}, "lock_wait_s"),
    ({"proxy_read_s": 30}, "proxy_read_s"),
])
def test_timeouts_that_do_not_nest_are_refused(tmp_path, change, word):
    with pytest.raises(SettingsError, match=word):
        Timeouts.load(write(tmp_path, **change))


@pytest.mark.parametrize("change", [{"action_s": 0}, {"action_s": "ten"}, {"action_s": True}, {"speed": 3}])
def test_bad_values_are_refused(tmp_path, change):
    with pytest.raises(SettingsError):
        Timeouts.load(write(tmp_path, **change))


def test_rasa_action_timeout_follows_the_setting():
    import rasa.core.actions.action as rasa_action

    from bot.rasa_ext.patches import action_timeout
    assert action_timeout.apply(Timeouts(action_s=7.5))
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == 8
    action_timeout.apply()
    assert rasa_action.DEFAULT_REQUEST_TIMEOUT == Timeouts.load().action_s
