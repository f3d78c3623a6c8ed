"""The filing form: its definition as data, the record, the rules and the paper.

Pure Python. Nothing here imports Qt, touches the network or opens a database;
the desk (``desktop``) and the office (``office``) both build on it.
"""

# Kept equal to pyproject.toml's version by a test; a constant, because reading the
# installed metadata costs tens of milliseconds at every start.
__version__ = "0.1.0"
