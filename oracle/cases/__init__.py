"""Case lists for the torch oracle, one module per layer family.

Each module defines ``cases() -> Iterator[dict]`` yielding case dicts::

    {"id": "edge/Conv2d/stride0", "layer": "Conv2d", "args": [1, 1, 3],
     "kwargs": {"stride": 0}, "input": [1, 1, 10, 9], "forward_kwargs": {}}

Tuples (as opposed to lists) are written as ``("tuple", [...])`` Python
tuples in the case and survive the JSON encoding (see oracle.codec).
"""
