"""Language work: no UI, no I/O beyond what a model needs to load."""
