"""Builders of hostile file contents: stack files, .keras zips, ONNX protobufs, TOML.

Everything is built in memory at run time (nothing big is committed). The ONNX
builder writes protobuf bytes by hand, so damaged models (cycles, missing
initializers, absurd dims) can be made without the onnx package.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
KERAS_FILES = ROOT / "tests" / "golden" / "keras_files"
ONNX_FILES = ROOT / "tests" / "golden" / "onnx"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def stack(layers: str, *, input: str = "[1, 3, 32, 32]", head: str = "") -> bytes:
    """A stack file around ``layers`` (YAML list items, already indented by two)."""
    return (f"version: 1\nname: hostile\ninput: {input}\n{head}layers:\n{layers}").encode()


CONV = "  - Conv2d: {out_channels: 8, kernel_size: 3}\n"


def nested_blocks(depth: int, uses: int) -> bytes:
    """Blocks B0..B{depth}, each using the one below ``uses`` times: uses**depth layers."""
    lines = ["version: 1", "name: bomb", "input: [1, 3, 8, 8]", "blocks:", "  B0:",
             "    - ReLU"]
    for level in range(1, depth + 1):
        lines.append(f"  B{level}:")
        lines += [f"    - B{level - 1}"] * uses
    lines += ["layers:", f"  - B{depth}"]
    return ("\n".join(lines) + "\n").encode()


def nested_repeats(depth: int, count: int) -> bytes:
    """``depth`` nested sequentials each repeated ``count`` times."""
    item = "{ReLU: null, repeat: %d}" % count
    for _ in range(depth - 1):
        item = "{sequential: [%s], repeat: %d}" % (item, count)
    return stack(f"  - {item}\n")


def alias_bomb(levels: int = 9) -> bytes:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines += ["version: 1", "input: [1, 3, 8, 8]", f"layers: *a{levels - 1}"]
    return ("\n".join(lines) + "\n").encode()


def deep_list(depth: int) -> bytes:
    return stack("  - " + "[" * depth + "ReLU" + "]" * depth + "\n")


def deep_block(depth: int) -> bytes:
    item = "ReLU"
    for _ in range(depth):
        item = "{sequential: [%s]}" % item
    return stack(f"  - {item}\n")


# ---------------------------------------------------------------- .keras zips

def keras_bytes(name: str = "MobileNet") -> bytes:
    return (KERAS_FILES / f"{name}.keras").read_bytes()


def keras_config(name: str = "MobileNet") -> bytes:
    with zipfile.ZipFile(io.BytesIO(keras_bytes(name))) as z:
        return z.read("config.json")


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def keras_with(config: bytes | str) -> bytes:
    if isinstance(config, str):
        config = config.encode()
    return zip_of({"metadata.json": b'{"keras_version": "3.0.0"}', "config.json": config})


def keras_model(layers: list[str], shape: str = "[null, 8, 8, 3]") -> bytes:
    """A Sequential .keras config of raw JSON layer objects."""
    body = ", ".join([
        '{"class_name": "InputLayer", "config": {"batch_shape": %s, "name": "in"}}' % shape,
        *layers])
    return keras_with('{"class_name": "Sequential", "config": {"name": "s", "layers": [%s]}}'
                      % body)


def keras_conv(**overrides: str) -> str:
    config = {"name": "c", "filters": "4", "kernel_size": "[3, 3]", "strides": "[1, 1]",
              "padding": '"valid"', "data_format": '"channels_last"', "dilation_rate": "[1, 1]",
              "groups": "1", "use_bias": "true"}
    config.update(overrides)
    inner = ", ".join(f'"{k}": {v}' for k, v in config.items())
    return '{"class_name": "Conv2D", "config": {%s}}' % inner


# ---------------------------------------------------------------- ONNX protobufs

def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # negative int64 as protobuf writes it
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    if isinstance(value, str):
        value = value.encode()
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _msg(*fields: tuple[int, int | bytes | str]) -> bytes:
    return b"".join(_field(n, v) for n, v in fields)


def onnx_value(name: str, dims: list[int | str]) -> bytes:
    dim_msgs = [(1, _msg((2, d)) if isinstance(d, str) else _msg((1, d))) for d in dims]
    shape = _msg(*dim_msgs)
    tensor_type = _msg((1, 1), (2, shape))
    return _msg((1, name), (2, _msg((1, tensor_type))))


def onnx_tensor(name: str, dims: list[int], data: bytes | None = None) -> bytes:
    fields = [(1, d) for d in dims] + [(2, 1), (8, name)]
    if data is not None:
        fields.append((9, data))
    return _msg(*fields)


def onnx_attr_ints(name: str, values: list[int]) -> bytes:
    return _msg((1, name), *[(8, v) for v in values], (20, 7))


def onnx_node(op: str, inputs: list[str], outputs: list[str], *attrs: bytes,
              name: str = "") -> bytes:
    return _msg(*[(1, i) for i in inputs], *[(2, o) for o in outputs], (3, name or op),
                (4, op), *[(5, a) for a in attrs])


def onnx_model(nodes: list[bytes], inputs: list[bytes], outputs: list[bytes],
               initializers: list[bytes] = (), opset: int = 17) -> bytes:
    graph = _msg(*[(1, n) for n in nodes], (2, "g"), *[(5, t) for t in initializers],
                 *[(11, i) for i in inputs], *[(12, o) for o in outputs])
    return _msg((1, 8), (8, _msg((1, ""), (2, opset))), (7, graph))


def onnx_conv(x_dims: list[int | str], w_dims: list[int], *, with_weight: bool = True,
              attrs: tuple[bytes, ...] = ()) -> bytes:
    count = 1
    for d in w_dims:
        count *= max(d, 0)
    data = struct.pack(f"<{count}f", *([0.0] * count)) if count < 10_000 else None
    inits = [onnx_tensor("w", w_dims, data)] if with_weight else []
    return onnx_model([onnx_node("Conv", ["x", "w"], ["y"], *attrs)],
                      [onnx_value("x", x_dims)], [onnx_value("y", [])], inits)


def onnx_cycle() -> bytes:
    return onnx_model([onnx_node("Relu", ["b"], ["a"], name="r1"),
                       onnx_node("Relu", ["a"], ["b"], name="r2")],
                      [onnx_value("x", [1, 3, 8, 8])], [onnx_value("b", [])])


def onnx_golden(name: str = "basic_legacy") -> bytes:
    return (ONNX_FILES / f"{name}.onnx").read_bytes()


# ---------------------------------------------------------------- TOML

def deep_toml(depth: int) -> bytes:
    return ("[tool.conv-calc]\nx = " + "{a = " * depth + "1" + "}" * depth + "\n").encode()


def deep_tables(depth: int) -> bytes:
    return ("[" + ".".join(["t"] * depth) + "]\nx = 1\n").encode()
