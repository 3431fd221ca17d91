"""Small one-channel networks whose path counts tests/draw checks against torch.

Every layer has one output channel (a cat on channels gives two, which the next conv sums,
as path counts do), no bias, and pools sum (``divisor_override: 1``), so torch with weights
of ones computes exactly the path counts.
"""

from __future__ import annotations

CASES = {
    "transposed-k3-s2": """
input: [1, 1, 5, 5]
layers:
  - ConvTranspose2d: {out_channels: 1, kernel_size: 3, stride: 2, padding: 1, bias: false}
""",
    "transposed-k4-s2": """
input: [1, 1, 4, 6]
layers:
  - ConvTranspose2d: {out_channels: 1, kernel_size: 4, stride: 2, padding: 1, bias: false}
""",
    "asymmetric": """
input: [1, 1, 5, 7]
layers:
  - Conv2d: {out_channels: 1, kernel_size: [2, 4], dilation: [1, 2], padding: same, bias: false}
  - Conv2d: {out_channels: 1, kernel_size: 3, stride: [1, 2], bias: false}
  - ConvTranspose2d: {out_channels: 1, kernel_size: [3, 5], stride: [2, 3], padding: [0, 1], output_padding: [1, 2], dilation: [1, 2], bias: false}
""",
    "two-transposed": """
input: [1, 1, 3, 3]
layers:
  - ConvTranspose2d: {out_channels: 1, kernel_size: 3, stride: 2, bias: false}
  - ConvTranspose2d: {out_channels: 1, kernel_size: 3, stride: 2, padding: 1, bias: false}
""",
    "residual-cat": """
input: [1, 1, 6, 6]
layers:
  - residual:
      - Conv2d: {out_channels: 1, kernel_size: 3, padding: 1, bias: false}
      - ReLU
  - parallel:
      - Conv2d: {out_channels: 1, kernel_size: 1, bias: false}
      - Conv2d: {out_channels: 1, kernel_size: 3, padding: 1, bias: false}
  - ConvTranspose2d: {out_channels: 1, kernel_size: 3, stride: 2, padding: 1, output_padding: 1, bias: false}
""",
    "pool-upsample": """
input: [1, 1, 8, 8]
layers:
  - AvgPool2d: {kernel_size: 3, stride: 2, padding: 1, divisor_override: 1}
  - Upsample: {scale_factor: 2, mode: nearest}
  - Conv2d: {out_channels: 1, kernel_size: 3, padding: 1, bias: false}
""",
    "skip-spatial-cat": """
input: [1, 1, 4, 4]
layers:
  - save: skip
  - Conv2d: {out_channels: 1, kernel_size: 3, padding: 1, bias: false}
  - cat: skip
    dim: 3
  - ConvTranspose2d: {out_channels: 1, kernel_size: 2, stride: 2, bias: false}
""",
    "strip-1d": """
input: [1, 1, 9]
layers:
  - Conv1d: {out_channels: 1, kernel_size: 3, stride: 2, bias: false}
  - ConvTranspose1d: {out_channels: 1, kernel_size: 5, stride: 3, padding: 1, bias: false}
""",
    "volume-3d": """
input: [1, 1, 3, 4, 5]
layers:
  - ConvTranspose3d: {out_channels: 1, kernel_size: 3, stride: [1, 2, 2], padding: 1, bias: false}
""",
}
