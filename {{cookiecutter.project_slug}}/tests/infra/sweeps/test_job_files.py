"""A sweep job's file and folder outputs (infra/sweeps/job_files.py): found inside dataclasses,
lists and dicts, copied into the job's folder, or listed by URI for a remote execution."""

from dataclasses import dataclass

from flytekit.types.directory import FlyteDirectory
from flytekit.types.file import FlyteFile

from infra.sweeps.job_files import file_outputs, file_uris, keep_files


@dataclass
class Trained:
    score: float
    model: FlyteFile


def test_files_and_folders_are_found_at_any_depth_and_copied_under_their_path(tmp_path):
    made = tmp_path / "flyte-raw"
    (made / "plots").mkdir(parents=True)
    (made / "model.pkl").write_bytes(b"weights")
    (made / "plots" / "fit.svg").write_text("<svg/>")
    outputs = {
        "o0": Trained(0.9, FlyteFile(str(made / "model.pkl"))),
        "o1": [FlyteDirectory(str(made / "plots"))],
        "o2": 3,
    }
    assert [name for name, _ in file_outputs(outputs)] == ["o0.model", "o1.0"]
    job_dir = tmp_path / "sweep" / "4"
    kept = keep_files(outputs, job_dir)
    assert kept == ["4/outputs/o0.model/model.pkl", "4/outputs/o1.0/plots"]
    assert (job_dir / "outputs/o0.model/model.pkl").read_bytes() == b"weights"
    assert (job_dir / "outputs/o1.0/plots/fit.svg").read_text() == "<svg/>"


def test_a_remote_execution_s_files_are_listed_by_their_uri():
    report = FlyteFile("/tmp/downloaded/report.html")
    report._remote_source = "s3://bucket/data/ab/report.html"
    outputs = {"o0": report, "o1": FlyteDirectory("gs://bucket/models/")}
    assert file_uris(outputs) == ["s3://bucket/data/ab/report.html", "gs://bucket/models/"]
