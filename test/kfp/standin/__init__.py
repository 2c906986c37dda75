"""A KFP v2beta1 API server stand-in for tests only (see docs/kfp-standin.md)."""
