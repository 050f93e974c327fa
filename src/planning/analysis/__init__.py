"""Analysis of finished plans: comparisons of two runs."""
