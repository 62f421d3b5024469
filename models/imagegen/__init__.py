"""Image models: what Sova can draw offline with shipped weights, and text-to-image with an
operator's diffusion checkpoint.

- ``pictures``: decoding a user's upload safely (size limits, formats) and encoding PNGs.
- ``sample_images``: the images scikit-image and scikit-learn ship, split into training and
  held-out sets (training scripts and ``bench/imagegen.py`` share the split).
- ``superres``: a small sub-pixel network (×2, ×4) on the luminance channel, trained by
  ``python -m models.imagegen.train_superres``; weights in ``weights/``.
- ``quality``: PSNR/SSIM of super-resolution against bicubic (training sidecars, benchmark).
- ``features``: EfficientNet-lite0 (packaged ImageNet weights) as a perceptual feature extractor.
- ``style_losses``: content and Gram-matrix style losses on those features.
- ``styles``: the shipped style pictures (``styles/``), their sources and licences.
- ``style_slow``: Gatys-style optimisation of the picture itself, with progress.
- ``style_net``: a feed-forward transform network per style, trained by
  ``python -m models.imagegen.train_style``; weights in ``weights/``.
- ``terrain``: prompt → seed and relief parameters → the packaged terrain consistency model →
  a shaded relief picture.
- ``diffusion``: diffusers pipelines from a local folder (CUDA fp16 when present).
- ``specs``: ``ModelSpec``s so the registry serves all of the above with micro-batching.

Nothing here imports torch at import time.
"""
