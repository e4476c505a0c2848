"""Importing existing rectification ledgers (.xlsx, .csv): read, map, check, import.

``service`` holds the actions (upload, map, check, queue, import); the other
modules are its steps: ``reading`` the file, ``headers`` the header row and
its mapping, ``records`` the data rows, ``rows`` the checks of one row,
``checking`` all rows, ``steps`` a row's history for the ledger's batch
import, ``record`` the row as the submission's document.
"""
