"""Published receptive fields, reproduced with conv_calc Stacks.

TF-Slim models (the Distill / google-research table at 224x224): TF 'SAME' is an
explicit asymmetric ZeroPad2d (extra pixel right/bottom) before a conv or pool
with padding 0; `conv2d_same` with stride > 1 pads (k-1)//2 before, the rest after.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from conv_calc import nn
from conv_calc.receptive import chain_receptive_field
from conv_calc.graph.nodes import Residual
from conv_calc.graph.stack import Stack


class Net:
    """Builds a TF-Slim-like chain while tracking the spatial size (square inputs)."""

    def __init__(self, size: int, channels: int = 3):
        self.size, self.c, self.nodes = size, channels, []

    def _same_pad(self, k, s):
        out = -(-self.size // s)
        total = max((out - 1) * s + k - self.size, 0)
        left = total // 2
        if total:
            self.nodes.append(nn.ZeroPad2d((left, total - left, left, total - left)))
        return total

    def conv(self, c, k, s=1, padding="SAME", nodes=None):
        target = self.nodes if nodes is None else nodes
        size = self.size
        if padding == "SAME":
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            left = total // 2
            if total:
                target.append(nn.ZeroPad2d((left, total - left, left, total - left)))
            size += total
        elif padding == "FIXED":  # resnet_utils.conv2d_same with stride > 1
            total = k - 1
            left = total // 2
            target.append(nn.ZeroPad2d((left, total - left, left, total - left)))
            size += total
        target.append(nn.Conv2d(self.c, c, k, stride=s))
        self.c = c
        self.size = (size - k) // s + 1
        return self

    def pool(self, k, s, padding="VALID"):
        size = self.size
        if padding == "SAME":
            size += self._same_pad(k, s)
        self.nodes.append(nn.MaxPool2d(k, s))
        self.size = (size - k) // s + 1
        return self

    def rf(self):
        report = Stack(self.nodes).analyze((1, 3, 224, 224))
        assert report.error is None, report.error
        rf = report.layers[-1].receptive_field
        return rf.size[0], rf.jump[0], rf.effective_padding[0], rf


def test_alexnet_v2():
    n = Net(224)
    n.conv(64, 11, 4, "VALID").pool(3, 2).conv(192, 5).pool(3, 2)
    n.conv(384, 3).conv(384, 3).conv(256, 3).pool(3, 2)
    assert n.rf()[:3] == (195, 32, 64)


def test_vgg_16():
    n = Net(224)
    for reps, c in ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)):
        for _ in range(reps):
            n.conv(c, 3)
        n.pool(2, 2)
    assert n.rf()[:3] == (212, 32, 90)


def bottleneck(n: Net, depth, depth_b, stride):
    """resnet_v1.bottleneck: 1x1, 3x3 (stride, conv2d_same), 1x1; shortcut 1x1 conv or subsample."""
    size, c_in = n.size, n.c
    body = []
    n.conv(depth_b, 1, nodes=body)
    n.conv(depth_b, 3, stride, "SAME" if stride == 1 else "FIXED", nodes=body)
    n.conv(depth, 1, nodes=body)
    if c_in == depth:
        shortcut = (nn.MaxPool2d(1, stride),) if stride > 1 else ()
    else:
        shortcut = (nn.Conv2d(c_in, depth, 1, stride=stride),)
    n.nodes.append(Residual(body=tuple(body), shortcut=shortcut))


@pytest.mark.parametrize("units, expected", [
    ((3, 4, 6, 3), (483, 32, 239)),      # resnet_v1_50
    ((3, 4, 23, 3), (1027, 32, 511)),    # resnet_v1_101
])
def test_resnet_v1(units, expected):
    n = Net(224)
    n.conv(64, 7, 2, "FIXED").pool(3, 2, "SAME")
    for i, (count, depth) in enumerate(zip(units, (64, 128, 256, 512))):
        for u in range(count):
            stride = 2 if (u == count - 1 and i < 3) else 1  # TF-Slim: stride in the LAST unit
            bottleneck(n, depth * 4, depth, stride)
    size, jump, pad, rf = n.rf()
    assert (size, jump, pad) == expected
    assert rf.aligned == (True, True)


def test_dilated_3x3_stack_sees_15():
    stack = Stack([nn.Conv2d(1, 1, 3, padding=d, dilation=d) for d in (1, 2, 4)])
    rf = stack.analyze((1, 1, 64, 64)).layers[-1].receptive_field
    assert rf.size == (15, 15) and rf.jump == (1, 1) and rf.start == (0, 0)


def test_wavenet_causal_stack():
    # initial causal conv k2, then dilations 1..512 (k2) twice: causal = left pad d*(k-1)
    layers = [nn.ZeroPad1d((1, 0)), nn.Conv1d(1, 16, 2)]
    for _ in range(2):
        for e in range(10):
            d = 2 ** e
            layers += [nn.ZeroPad1d((d, 0)), nn.Conv1d(16, 16, 2, dilation=d)]
    rf = Stack(layers).analyze((1, 1, 16000)).layers
    after_one = rf[1 + 2 * 10].receptive_field      # initial conv + one stack of 10
    assert after_one.size == (1025,) and after_one.effective_padding == (1024,)
    last = rf[-1].receptive_field
    assert last.size == (1 + 1 + 2 * 1023,) and last.start == (Fraction(-2047, 2),)


def test_patchgan_70():
    layers = [nn.Conv2d(3, 64, 4, 2, 1), nn.Conv2d(64, 128, 4, 2, 1), nn.Conv2d(128, 256, 4, 2, 1),
              nn.Conv2d(256, 512, 4, 1, 1), nn.Conv2d(512, 1, 4, 1, 1)]
    rf = Stack(layers).analyze((1, 3, 256, 256)).layers[-1].receptive_field
    assert (rf.size, rf.jump, rf.effective_padding) == ((70, 70), (8, 8), (23, 23))


def test_distill_fig3():
    rf = chain_receptive_field([(3, 3, 1), (2, 1, 0)])
    assert rf.region(0) == ((-1, 4),) and rf.size == (6,)


def test_distill_aligned_and_misaligned_toys():
    from conv_calc.graph.nodes import Parallel
    aligned = Parallel(branches=((nn.Conv1d(1, 1, 1, stride=4),),
                                 (nn.Conv1d(1, 1, 3, stride=2, padding=1), nn.Conv1d(1, 1, 1, stride=2))),
                       merge="add")
    rf = Stack([aligned]).analyze((1, 1, 16)).layers[-1].receptive_field
    assert (rf.size, rf.jump, rf.effective_padding, rf.aligned) == ((3,), (4,), (1,), (True,))
    # misaligned: k5 s2 p2 (q1: an explicit pad) || k3, k3 on 8 samples -> 4 outputs each
    mis = Parallel(branches=((nn.ConstantPad1d((2, 1), 0.0), nn.Conv1d(1, 1, 5, stride=2)),
                             (nn.Conv1d(1, 1, 3), nn.Conv1d(1, 1, 3))), merge="add")
    rf = Stack([mis]).analyze((1, 1, 8)).layers[-1].receptive_field
    assert rf.aligned == (False,)
    assert [h[0] for h in (rf.region(u) for u in range(4))] == [(-2, 4), (0, 5), (2, 6), (3, 8)]
    assert (rf.size, rf.size_min) == ((7,), (5,))


def test_google_readme_centre():
    # r 3039, S 32, P 1482: feature 2 is centred at -P + 2*S + (r-1)/2 = 101
    assert -1482 + 2 * 32 + (3039 - 1) // 2 == 101
