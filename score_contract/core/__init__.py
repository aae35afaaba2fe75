"""The bottom layer: plain data about what was observed and pure comparisons of it, wording, the versions, the
files a run watches or writes, the progress ticker."""
