"""The floor: what a chain of Conv2d/BatchNorm2d/ReLU/MaxPool2d costs with nothing but
libyaml, plain ints and json.dumps (shapes, parameters, MACs, receptive fields).

    python bench/floor.py chain.yaml > out.json      # the file format of bench/vs_floor.py
"""
import json
import sys

import yaml


def pair(v):
    return list(v) if isinstance(v, list) else [v, v]


def main(path):
    with open(path, "rb") as f:
        doc = yaml.load(f, Loader=yaml.CSafeLoader)
    shape = list(doc["input"])
    size, jump, start2 = [1, 1], [1, 1], [0, 0]  # start2: twice the centre of output pixel 0
    rows, params, macs = [], 0, 0
    for i, item in enumerate(doc["layers"]):
        kind, kw = (item, {}) if isinstance(item, str) else next(iter(item.items()))
        kw, before, p, m = kw or {}, shape, 0, 0
        if kind in ("Conv2d", "MaxPool2d"):
            k, s = pair(kw["kernel_size"]), pair(kw.get("stride", 1 if kind == "Conv2d" else kw["kernel_size"]))
            pad, d = pair(kw.get("padding", 0)), pair(kw.get("dilation", 1))
            hw = [(shape[2 + a] + 2 * pad[a] - d[a] * (k[a] - 1) - 1) // s[a] + 1 for a in (0, 1)]
            c = kw["out_channels"] if kind == "Conv2d" else shape[1]
            shape = [shape[0], c, *hw]
            if kind == "Conv2d":
                p = c * before[1] * k[0] * k[1] + (c if kw.get("bias", True) else 0)
                m = shape[0] * c * hw[0] * hw[1] * before[1] * k[0] * k[1]
            for a in (0, 1):
                start2[a] += ((k[a] - 1) * d[a] - 2 * pad[a]) * jump[a]
                size[a] += (k[a] - 1) * d[a] * jump[a]
                jump[a] *= s[a]
        elif kind == "BatchNorm2d":
            p = 2 * shape[1]
        params, macs = params + p, macs + m
        rows.append({"index": i, "name": str(i), "type": kind, "input_shape": before, "output_shape": shape,
                     "params": p, "macs": m, "receptive_field": {
                         "size": list(size), "jump": list(jump),
                         "start": [x // 2 if x % 2 == 0 else x / 2 for x in start2]}})
    print(json.dumps({"input_shape": doc["input"], "output_shape": shape, "total_params": params,
                      "total_macs": macs, "layers": rows}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1])
