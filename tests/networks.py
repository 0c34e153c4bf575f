"""Networks written in the layer-list spec language (``symconv network``, ``Network.from_spec``)
that more than one test reads."""

#: U-Net (Ronneberger et al. 2015): valid 3x3 convolutions, 2x2 max pooling, 2x2 up-convolutions
#: and copy-and-crop skip connections; one layer a line or several separated by ``;``.
UNET = """
# U-Net (Ronneberger et al. 2015): valid 3x3 convs, copy and crop
conv k=3
d0: conv k=3
maxpool k=2
conv k=3; d1: conv k=3; maxpool k=2
conv k=3; d2: conv k=3; maxpool k=2
conv k=3; d3: conv k=3; maxpool k=2
conv k=3; conv k=3
conv_transpose k=2 s=2; cat d3 crop; conv k=3; conv k=3
conv_transpose k=2 s=2; cat d2 crop; conv k=3; conv k=3
conv_transpose k=2 s=2; cat d1 crop; conv k=3; conv k=3
conv_transpose k=2 s=2; cat d0 crop; conv k=3; conv k=3
conv k=1
"""
