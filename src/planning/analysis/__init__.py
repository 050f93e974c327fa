"""Analysis of finished plans: comparisons of two runs, and the equity of a plan."""
