"""Configuration: scenario files and the settings of every stage."""
