import pytest

from maillage.env import ConfigError, env_bool, env_choice, env_int, env_list


def test_it_reads_booleans_in_their_usual_spellings():
    assert env_bool("X", False, {"X": "yes"}) is True
    assert env_bool("X", True, {"X": "0"}) is False
    assert env_bool("X", True, {}) is True


def test_it_refuses_a_boolean_it_cannot_read_and_names_the_variable():
    with pytest.raises(ConfigError, match="DEBUG"):
        env_bool("DEBUG", False, {"DEBUG": "maybe"})


def test_it_refuses_a_number_below_its_minimum():
    with pytest.raises(ConfigError, match="at least 100"):
        env_int("MAP_MAX_POINTS", 4000, {"MAP_MAX_POINTS": "5"}, minimum=100)
    with pytest.raises(ConfigError, match="whole number"):
        env_int("MAP_MAX_POINTS", 4000, {"MAP_MAX_POINTS": "lots"})


def test_it_splits_lists_and_checks_choices():
    assert env_list("HOSTS", [], {"HOSTS": "a.fr, b.fr,"}) == ["a.fr", "b.fr"]
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        env_choice("LOG_LEVEL", "INFO", {"INFO", "DEBUG"}, {"LOG_LEVEL": "LOUD"})
