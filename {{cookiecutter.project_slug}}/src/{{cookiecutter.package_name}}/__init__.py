"""Pipeline logic: plain Python with no Flyte or Hydra imports, so it is easy to test and reuse."""
