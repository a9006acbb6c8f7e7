#!/bin/sh
# Compiler launcher for the sanitizer build in .ci/run
# (-DCMAKE_CXX_COMPILER_LAUNCHER="sh;scripts/cxx_O1_launcher.sh"): runs the
# compile command with -O1 appended. CMakeLists.txt adds -O2/-O3 per target,
# after the build type's flags, so without this the sanitized kernels would be
# compiled at -O3 -- about 1.6x the compile time of -O1 under ASan+UBSan, for
# no gain in what the sanitizers find.
exec "$@" -O1
