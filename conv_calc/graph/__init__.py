"""A network as a graph of nodes, and its analysis into per-layer rows.

``nodes`` (the node types), ``stack`` (Stack), ``report`` (Row, Report),
``walk`` (the one walk: order and row names), ``framework`` (torch or Keras),
``infer`` (channels left out), ``validate``, ``analysis``; ``keras_support``
behind ``framework``.
"""
