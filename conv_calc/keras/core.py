"""Keras core layers (Dense, BatchNormalization, Activation, ReLU, LeakyReLU, Dropout, Add,
Concatenate): not yet specified. See docs/keras.md.
"""

__all__: list[str] = []
