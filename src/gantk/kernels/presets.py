"""Named element networks: the paper's discriminators (DESIGN §2) and small ones.

Every layer uses the authors' σ_w² = 1.4615, σ_b² = 0.1; conv layers are 4×4 with
stride 2 and SAME padding. Input shapes are (H, W, C) images in [0, 1].

| name            | input         | element network                                    |
|-----------------|---------------|----------------------------------------------------|
| fntk            | any           | flatten, [Dense, ReLU] ×3, Dense                   |
| cntk_mnist      | 28×28×1       | [Conv, ReLU] ×2, flatten, Dense, ReLU, Dense       |
| cntk_cifar10    | 32×32×3       | [Conv, ReLU] ×3, flatten, Dense                    |
| cntk_celeba     | 64×64×3       | [Conv, ReLU] ×4, flatten, Dense                    |
| cntk_digits     | 8×8×1         | [Conv, ReLU] ×2, flatten, Dense (default run)      |
| cntk_faces      | 25×25×1       | [Conv, ReLU] ×3, flatten, Dense (default run)      |
| multires_small  | 256×256×3     | avg-pool 16 (→16×16), [Conv, ReLU] ×2, flatten, Dense |
| multires_medium | 256×256×3     | avg-pool 4 (→64×64), [Conv, ReLU] ×4, flatten, Dense  |
| multires_large  | 256×256×3     | [Conv, ReLU] ×6, flatten, Dense                    |
| multires64_small  | 64×64×3     | avg-pool 4 (→16×16), [Conv, ReLU] ×2, flatten, Dense |
| multires64_medium | 64×64×3     | [Conv, ReLU] ×4, flatten, Dense                    |

The ``multires_*`` presets are Table 8's three discriminators of multi-resolution GA-NTK
(Eq. 7) on CelebA-HQ's 256×256 images, working at 16×16, 64×64 and 256×256 pixels. For
64×64 images (CelebA, Fig 6) there is no 256×256 level: ``multires64_*`` are Table 8's
small and medium discriminators at their own resolutions, 16×16 and 64×64 (ours; the
paper does not say which discriminators its CelebA multi-resolution run used). Their input
pooling sets those resolutions only for the input shape they are built for, so the
multi-resolution presets refuse any other (:meth:`ElementNet.check_input_shape`, applied
whenever a kernel is evaluated and by the workflow's config check); the other image
presets accept other sizes (the paper's ImageNet run uses ``cntk_celeba`` at 128×128).
"""

from __future__ import annotations

from gantk.kernels.layers import Conv, Dense, ElementNet, Flatten, Relu, serial


_HQ, _CELEBA = (256, 256, 3), (64, 64, 3)


def _conv_stack(depth: int) -> tuple:
    return tuple(layer for _ in range(depth) for layer in (Conv(), Relu()))


def _build() -> dict[str, ElementNet]:
    return {
        "fntk": serial(Flatten(), *(Dense(), Relu()) * 3, Dense(), name="fntk"),
        "cntk_mnist": serial(*_conv_stack(2), Flatten(), Dense(), Relu(), Dense(), name="cntk_mnist"),
        "cntk_cifar10": serial(*_conv_stack(3), Flatten(), Dense(), name="cntk_cifar10"),
        "cntk_celeba": serial(*_conv_stack(4), Flatten(), Dense(), name="cntk_celeba"),
        "cntk_digits": serial(*_conv_stack(2), Flatten(), Dense(), name="cntk_digits"),
        "cntk_faces": serial(*_conv_stack(3), Flatten(), Dense(), name="cntk_faces"),
        "multires_small": serial(*_conv_stack(2), Flatten(), Dense(), pool=16, name="multires_small", input_shape=_HQ),
        "multires_medium": serial(*_conv_stack(4), Flatten(), Dense(), pool=4, name="multires_medium", input_shape=_HQ),
        "multires_large": serial(*_conv_stack(6), Flatten(), Dense(), name="multires_large", input_shape=_HQ),
        "multires64_small": serial(
            *_conv_stack(2), Flatten(), Dense(), pool=4, name="multires64_small", input_shape=_CELEBA
        ),
        "multires64_medium": serial(*_conv_stack(4), Flatten(), Dense(), name="multires64_medium", input_shape=_CELEBA),
    }


PRESETS: dict[str, ElementNet] = _build()

#: The (H, W, C) input of each image preset (the module table); ``fntk`` takes any shape.
INPUT_SHAPES: dict[str, tuple[int, int, int]] = {
    "cntk_mnist": (28, 28, 1),
    "cntk_cifar10": (32, 32, 3),
    "cntk_celeba": (64, 64, 3),
    "cntk_digits": (8, 8, 1),
    "cntk_faces": (25, 25, 1),
    "multires_small": (256, 256, 3),
    "multires_medium": (256, 256, 3),
    "multires_large": (256, 256, 3),
    "multires64_small": (64, 64, 3),
    "multires64_medium": (64, 64, 3),
}


def preset(name: str) -> ElementNet:
    """The element network called ``name`` (see the module table)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown kernel preset {name!r}; choose one of {sorted(PRESETS)}") from None


def input_shape(name: str) -> tuple[int, int, int]:
    """The (H, W, C) input of preset ``name`` (``INPUT_SHAPES``); ``fntk`` has none of its own."""
    try:
        return INPUT_SHAPES[name]
    except KeyError:
        raise ValueError(
            f"preset {name!r} has no fixed input shape (fntk takes any); the presets with one are "
            f"{sorted(INPUT_SHAPES)}"
        ) from None
