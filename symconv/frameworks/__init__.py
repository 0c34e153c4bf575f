"""Adapters: the symconv operator of a named PyTorch, TensorFlow, JAX, ONNX or Keras call.

Each adapter takes the framework's own argument names and defaults, with the
weight (nested list, array, tensor, or a symbolic array from
:func:`symconv.operators.channels.weight_tensor`) in the framework's layout
and the input's *spatial size* in place of the input tensor. It returns the
linear operator on one flattened input sample, so that
``symconv.lambdify(op)(x.reshape(batch, -1))`` equals the framework's result
reshaped the same way. Channels-first frameworks (PyTorch, JAX's defaults for
``conv_general_dilated``) flatten ``(C, H, W)``; channels-last layouts
(TensorFlow's NHWC) are handled by :class:`~symconv.operators.grid.Permute` factors in the
returned product, so their ``(H, W, C)`` flattening works as is.

No framework is imported: the adapters work without them installed.

- :mod:`symconv.frameworks.torch`: ``conv1d/2d/3d``, ``conv_transpose1d/2d/3d``
- :mod:`symconv.frameworks.tf`: ``conv1d``, ``conv2d``, ``conv1d_transpose``,
  ``conv2d_transpose``
- :mod:`symconv.frameworks.jax`: ``conv_general_dilated``, ``conv_transpose``
- :mod:`symconv.frameworks.onnx`: the ``Conv``, ``ConvTranspose``, ``Pad`` (constant)
  and ``AveragePool`` nodes (NCHW)
- :mod:`symconv.frameworks.keras`: the Keras 3 layers ``Conv1D/2D``,
  ``Conv1DTranspose/2DTranspose``, ``UpSampling1D/2D`` and ``AveragePooling1D/2D``
"""
