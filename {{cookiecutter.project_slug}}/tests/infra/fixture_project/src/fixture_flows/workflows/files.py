"""FlyteFile, FlyteDirectory and StructuredDataset in and out of tasks.

The dataset is CSV written by hand, so the fixture needs no DataFrame library: the launcher only
carries its type and URI.
"""

import os

import hydra
from flytekit import StructuredDataset, current_context, task, workflow
from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile
from omegaconf import DictConfig

from fixture_flows.workflows import run


@task
def write_table(cfg: DictConfig) -> StructuredDataset:
    """A CSV table of ``size.count`` rows."""
    folder = current_context().working_directory
    path = f"{folder}/table"
    os.makedirs(path, exist_ok=True)
    with open(f"{path}/00000.csv", "w") as out:
        out.write("index\n" + "".join(f"{row}\n" for row in range(cfg.size.count)))
    return StructuredDataset(uri=path, file_format="csv")


@task
def write_files(table: StructuredDataset) -> tuple[FlyteFile, FlyteDirectory]:
    """A file counting the table's rows, and a folder holding one file per row."""
    source = FlyteDirectory.from_source(table.literal.uri)
    (csv,) = [name for name in os.listdir(source.path) if name.endswith(".csv")]
    with open(os.path.join(source.path, csv)) as table_file:
        rows = table_file.read().split()[1:]
    working = current_context().working_directory
    folder, count = os.path.join(working, "rows"), os.path.join(working, "count.txt")
    os.makedirs(folder, exist_ok=True)
    for row in rows:
        with open(os.path.join(folder, f"{row}.txt"), "w") as out:
            out.write(row)
    with open(count, "w") as out:
        out.write(str(len(rows)))
    return FlyteFile(count), FlyteDirectory(folder)


@task
def summary(count: FlyteFile, rows: FlyteDirectory) -> str:
    """The counted rows and the number of files in the folder."""
    rows.download()
    with open(count) as text:
        return f"{text.read()} rows, {len(os.listdir(rows.path))} files"


@workflow
def pipeline(cfg: DictConfig) -> str:
    """A table, then a file and a folder made from it, then their summary."""
    count, rows = write_files(table=write_table(cfg=cfg))
    return summary(count=count, rows=rows)


@hydra.main(config_path="../../../conf", config_name="files", version_base="1.3")
def main(cfg: DictConfig) -> str:
    """Run the workflow locally."""
    return pipeline(cfg=cfg)


if __name__ == "__main__":
    run(main, globals())
