"""A Stable Diffusion pipeline of random weights, small enough to build in a test (no download).

UNet, VAE and CLIP text encoder come from tiny configs; the tokenizer is a byte-level BPE
vocabulary with no merges (every character is a token), written to files like the real one.
With ``safety_checker`` the pipeline also carries a tiny CLIP safety checker; ``flag_all``
sets its concept thresholds so that every image is flagged.
"""

from __future__ import annotations

from pathlib import Path

SIDE = 32  # pixels of a generated image; the VAE halves it to 16×16 latents


def build_tiny_pipeline(
    folder: Path, *, safety_checker: bool = False, flag_all: bool = False
) -> Path:
    """Write a tiny pipeline to ``folder`` (``save_pretrained``) and return the folder."""
    import torch
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from diffusers.pipelines.stable_diffusion.safety_checker import (
        StableDiffusionSafetyChecker,
    )
    from transformers import (
        CLIPConfig,
        CLIPImageProcessor,
        CLIPTextConfig,
        CLIPTextModel,
        CLIPTokenizer,
        CLIPVisionConfig,
    )

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=SIDE // 2,
        in_channels=4,
        out_channels=4,
        block_out_channels=(8, 16),
        layers_per_block=1,
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=16,
        attention_head_dim=2,
        norm_num_groups=4,
    )
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(8, 16),
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        latent_channels=4,
        norm_num_groups=4,
        sample_size=SIDE,
    )
    chars = _byte_symbols()
    vocab = {token: i for i, token in enumerate(chars + [c + "</w>" for c in chars])}
    vocab |= {"<|startoftext|>": len(vocab), "<|endoftext|>": len(vocab) + 1}
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[], model_max_length=32)
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(vocab),
            hidden_size=16,
            intermediate_size=32,
            num_attention_heads=2,
            num_hidden_layers=1,
            max_position_embeddings=32,
            projection_dim=16,
            bos_token_id=vocab["<|startoftext|>"],
            eos_token_id=vocab["<|endoftext|>"],
            pad_token_id=vocab["<|endoftext|>"],
        )
    )
    checker = None
    processor = None
    if safety_checker:
        vision = CLIPVisionConfig(
            hidden_size=16,
            intermediate_size=32,
            num_attention_heads=2,
            num_hidden_layers=1,
            image_size=32,
            patch_size=8,
            projection_dim=16,
        )
        config = CLIPConfig(
            text_config=text_encoder.config.to_dict(),
            vision_config=vision.to_dict(),
            projection_dim=16,
        )
        checker = StableDiffusionSafetyChecker(config).eval()
        if flag_all:
            with torch.no_grad():
                # An image is flagged when cosine distance - threshold > 0 for a concept.
                checker.concept_embeds_weights.fill_(-10.0)
        else:
            with torch.no_grad():
                checker.concept_embeds_weights.fill_(10.0)
                checker.special_care_embeds_weights.fill_(10.0)
        processor = CLIPImageProcessor(
            crop_size={"height": 32, "width": 32}, size={"shortest_edge": 32}
        )
    pipeline = StableDiffusionPipeline(
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        unet=unet,
        scheduler=EulerDiscreteScheduler(steps_offset=1),
        safety_checker=checker,
        feature_extractor=processor,
        requires_safety_checker=safety_checker,
    )
    pipeline.save_pretrained(str(folder))
    return folder


def _byte_symbols() -> list[str]:
    """The 256 printable stand-ins byte-level BPE uses for bytes (GPT-2's table)."""
    printable = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1),
                 *range(ord("®"), ord("ÿ") + 1)]  # fmt: skip
    symbols = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in symbols:
            symbols[b] = chr(256 + extra)
            extra += 1
    return [symbols[b] for b in range(256)]
