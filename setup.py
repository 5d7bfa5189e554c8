"""Builds allocsim's C++ core with CMake for the Python package (see pyproject.toml).

The build tree is ``build/`` (or ``$ALLOCSIM_BUILD_DIR``): configured as a Release
build if it is not configured yet, then only the two targets the package needs are
built, incrementally (``cmake --build build --target _allocsim allocsim``), so after
``scripts/setup.sh`` this rebuilds nothing. The extension module is installed as
``allocsim/_allocsim*.so`` and the command-line binary as ``allocsim/bin/allocsim``
(found there by the package) and as the ``allocsim`` command (a script of the
distribution, so the command runs the binary itself, with no Python in between).
setuptools' own files go to ``build/python-package``.
"""

import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from distutils.command.build_scripts import build_scripts  # setuptools' distutils

ROOT = Path(__file__).resolve().parent
SETUPTOOLS_DIR = ROOT / "build" / "python-package"
SETUPTOOLS_DIR.mkdir(parents=True, exist_ok=True)
# The allocsim command: the binary, copied here by build_ext, before build_scripts runs.
COMMAND = Path("build") / "python-package" / "scripts" / "allocsim"


def version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text(encoding="utf-8")
    return re.search(r"project\(allocsim VERSION ([0-9.]+)", text).group(1)


class CMakeExtension(Extension):
    """An extension module that CMake builds (no sources for setuptools)."""

    def __init__(self, name: str):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = Path(os.environ.get("ALLOCSIM_BUILD_DIR", ROOT / "build")).resolve()
        if not (build / "CMakeCache.txt").is_file():
            subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build), "-G", "Ninja",
                            "-DCMAKE_BUILD_TYPE=Release"], check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        subprocess.run(["cmake", "--build", str(build), "-j", jobs, "--target", "_allocsim",
                        "allocsim"], check=True)
        built = build / "python" / ("_allocsim" + sysconfig.get_config_var("EXT_SUFFIX"))
        if not built.is_file():
            raise RuntimeError(f"CMake built no {built.name} in {built.parent}: the build tree "
                               f"is for another Python (set -DPython_EXECUTABLE to this one)")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, target)
        for binary in (target.parent / "bin" / "allocsim", ROOT / COMMAND):
            binary.parent.mkdir(exist_ok=True)
            shutil.copy2(build / "cli" / "allocsim", binary)


class CopyBinaryScripts(build_scripts):
    """The scripts are executables (the allocsim binary): copied as they are, not read
    as Python text."""

    def copy_scripts(self):
        self.mkpath(self.build_dir)
        outfiles = []
        for script in self.scripts:
            target = os.path.join(self.build_dir, os.path.basename(script))
            self.copy_file(script, target)
            os.chmod(target, 0o755)
            outfiles.append(target)
        return outfiles, outfiles


setup(
    version=version(),
    ext_modules=[CMakeExtension("allocsim._allocsim")],
    scripts=[str(COMMAND)],
    cmdclass={"build_ext": CMakeBuild, "build_scripts": CopyBinaryScripts},
    options={"build": {"build_base": str(SETUPTOOLS_DIR)},
             "egg_info": {"egg_base": str(SETUPTOOLS_DIR)}},
)
