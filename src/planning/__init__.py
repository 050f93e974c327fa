"""planning."""

import logging

# a library's loggers print nothing unless the program (the command line's progress
# display, a notebook, a log file) sets up a handler: without this, Python's last-resort
# handler would print warnings and errors to stderr a second time
logging.getLogger(__name__).addHandler(logging.NullHandler())
