"""Conformance suite: symconv against the real PyTorch, JAX and TensorFlow."""
