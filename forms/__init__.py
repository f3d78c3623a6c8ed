"""The filing form: its definition as data, the record, the rules and the paper.

Pure Python. Nothing here imports Qt, touches the network or opens a database;
the desk (``desktop``) and the office (``office``) both build on it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("beian")
except PackageNotFoundError:  # running from a frozen bundle or a bare checkout
    __version__ = "0.1.0"
