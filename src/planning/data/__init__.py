"""Data sets: load a district folder into validated, typed tables (all errors at once)."""

from planning.data.loading import DataSet, load_dataset, validate_dataset
from planning.data.problems import DataError, Problem, Report

__all__ = ["DataError", "DataSet", "Problem", "Report", "load_dataset", "validate_dataset"]
