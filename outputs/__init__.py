"""Load stage: the dataset's tables, their schema, and writing them."""

from .rows import dataset_rows
from .schema import TABLES, Column
from .write import write_dataset

__all__ = ["TABLES", "Column", "dataset_rows", "write_dataset"]
