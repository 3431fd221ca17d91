"""Questions asked backwards: padding, stride, output_padding and the input sizes a stack accepts."""
