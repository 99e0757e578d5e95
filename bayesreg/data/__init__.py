"""Data handling: the design in working coordinates (centring, scaling, back-transform), noise-scale
estimates from the data, and the bundled data sets."""
