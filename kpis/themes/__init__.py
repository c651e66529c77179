"""Themes in satisfaction comments: pure computation (comments in, frozen themes out; no I/O)."""
