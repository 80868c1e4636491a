"""Maillage: pool the means of production of a territory's industrial ecosystem."""
