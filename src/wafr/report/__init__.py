"""Renderers: each format is a module that takes the review and nothing else."""
