"""Conda package names and what pip installs instead.

A hand-kept table: no maintained library maps conda-forge names to PyPI names offline
(grayskull's mapping needs the network and is a build tool's internals). Most conda packages
share their PyPI name; the table lists those that do not, those that have no PyPI
counterpart a virtual environment could use (compilers, CUDA, system libraries: left out), and
Python packages only conda installs (gdal: then conda builds the environment, or nothing does).
"""

from __future__ import annotations

#: conda name -> PyPI name, where they differ.
PYPI_NAME = {
    "pytorch": "torch",
    "pytorch-cpu": "torch",
    "torchvision-cpu": "torchvision",
    "py-xgboost": "xgboost",
    "py-xgboost-cpu": "xgboost",
    "py-opencv": "opencv-python",
    "opencv": "opencv-python",
    "matplotlib-base": "matplotlib",
    "msgpack-python": "msgpack",
    "pytables": "tables",
    "tensorflow-base": "tensorflow",
    "pyarrow-core": "pyarrow",
    "python-kubernetes": "kubernetes",
    "typing_extensions": "typing-extensions",
    "ruamel_yaml": "ruamel.yaml",
    "py-lightgbm": "lightgbm",
    "onnxruntime-cpu": "onnxruntime",
    "sqlalchemy": "SQLAlchemy",
}

#: Why a conda package is left out of the virtual environment.
LEFT_OUT = {
    "python": "the interpreter itself: it decides which Python the environment is built on",
    "pip": "the installer: the virtual environment brings its own",
    "setuptools": "build tooling the virtual environment brings its own of",
    "wheel": "build tooling the virtual environment brings its own of",
    "conda": "conda itself",
}
#: Conda packages (or name prefixes ending in "-") that are system libraries, compilers or GPU
#: runtimes: conda-only, with no PyPI package to stand in for them.
CONDA_ONLY = (
    "cudatoolkit",
    "cudnn",
    "cuda-",
    "nccl",
    "mkl",
    "mkl-service",
    "mkl_fft",
    "mkl_random",
    "intel-openmp",
    "blas",
    "libblas",
    "libcblas",
    "liblapack",
    "openblas",
    "libopenblas",
    "libgcc",
    "libgcc-ng",
    "libstdcxx-ng",
    "libgomp",
    "openssl",
    "ca-certificates",
    "libffi",
    "zlib",
    "xz",
    "sqlite",
    "readline",
    "tk",
    "ncurses",
    "ffmpeg",
    "git",
    "gcc",
    "gxx",
    "gcc_linux-64",
    "gxx_linux-64",
    "make",
    "nodejs",
    "libopencv",
    "arrow-cpp",
    "libarrow",
    "r-",
    "_libgcc_mutex",
    "_openmp_mutex",
    "ld_impl_linux-64",
)


#: Python packages that only conda installs: on PyPI there is nothing of that name, or a source
#: distribution that builds only against system libraries a virtual environment does not have
#: (GDAL's needs libgdal and gdal-config). A pip build of them would fail for want of conda, not
#: because the environment is wrong: they are built with conda, or not at all (see .installers).
NEEDS_CONDA = (
    "gdal",
    "libgdal",
    "pdal",
    "python-pdal",
    "graph-tool",
    "pythonocc-core",
    "esmpy",
    "esmf",
    "openbabel",
    "pynio",
    "pyngl",
    "wrf-python",
    "poppler",
    "tesseract",
    "cdo",
    "nco",
    "pymol-open-source",
    "ambertools",
)


def needs_conda(conda_name: str) -> bool:
    return conda_name.lower() in NEEDS_CONDA


def pypi_name(conda_name: str) -> str | None:
    """The PyPI name a conda package installs as, or None when it is conda-only."""
    name = conda_name.lower()
    if name in LEFT_OUT:
        return None
    for entry in CONDA_ONLY:
        if name == entry or (entry.endswith("-") and name.startswith(entry)):
            return None
    return PYPI_NAME.get(name, conda_name)


def why_left_out(conda_name: str) -> str:
    return LEFT_OUT.get(conda_name.lower(), "a conda-only system library, compiler or GPU runtime with no PyPI package")
