"""Applications: the command line, the demo and its report. Never imported by the library."""
