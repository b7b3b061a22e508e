"""Measuring themes: labels, trends and their uncertainty, effects, evidence, terms, evaluation, hand coding."""
