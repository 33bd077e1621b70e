"""Settings for Ouderkring: the typed settings model, its loader and the shipped defaults."""

from config.settings import CommunitySpec, ConfigError, NeighbourhoodSpec, Settings, load_settings

__all__ = ["CommunitySpec", "ConfigError", "NeighbourhoodSpec", "Settings", "load_settings"]
