#!/bin/sh
# The pictures in README.md and docs/drawing.md, drawn by conv-calc itself.
# Run from the repository root: sh docs/pictures/make.sh
# (tests/draw/test_readme_pictures.py checks that the committed files are what these give).
set -e
cd "$(dirname "$0")"
conv-calc draw layer "Conv2d(1, 1, 4, padding='same')" --input 4x4 -o conv-same.svg
conv-calc draw layer "ConvTranspose2d(1, 1, 3, stride=2, padding=1)" --input 2x2 -o transposed.svg
conv-calc draw overlap checkerboard.yaml -o checkerboard.svg
conv-calc draw rf ../../examples/resnet18.yaml --input 1x3x64x64 --layer maxpool --at 0,0 -o rf-resnet18.svg
