"""Curricula in the browser and on the command line: import, versions, upload, compare.

The pure checker lives in `bro.curricula`; this package stores checked documents
(`operations`), reads them back (`queries`), and shows them to trainers (`routes`).
"""
