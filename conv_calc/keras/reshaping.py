"""Keras reshaping layers (ZeroPadding, Cropping, UpSampling, Flatten, Reshape): not yet specified.

See docs/keras.md; the Keras sources to mirror are keras/src/layers/reshaping/*.py.
"""

__all__: list[str] = []
