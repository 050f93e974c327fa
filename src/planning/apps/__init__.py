"""Applications on top of the pipeline: the command line, the explorer, the reviewer's
re-run and the ranking controls."""
