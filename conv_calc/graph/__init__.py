"""A network as a graph of nodes, and its analysis into per-layer rows."""
