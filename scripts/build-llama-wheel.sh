#!/usr/bin/env bash
# Builds llama-cpp-python 0.3.36 (PyPI ships only its source for Linux x86_64) into a wheel cached in
# $LLAMA_WHEEL_DIR (default ~/.cache/reportqa/wheels), for the real-model test of issue 14.
# Only the library is built: no C++ server, tools, tests or examples (the Python server of
# llama-cpp-python[server] is what the test runs); GGML_NATIVE=OFF keeps the wheel usable on another CPU
# of the same architecture. Measured: 28 min on one core of the 2-core dev machine.
set -euo pipefail
dir="${LLAMA_WHEEL_DIR:-$HOME/.cache/reportqa/wheels}"
mkdir -p "$dir"
if ls "$dir"/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then
  echo "cached: $(ls "$dir"/llama_cpp_python-0.3.36-*.whl | head -1)"
  exit 0
fi
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
export CMAKE_ARGS="-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_CURL=OFF"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python -m pip wheel -q --no-deps llama-cpp-python==0.3.36 -w "$tmp"
mv "$tmp"/llama_cpp_python-0.3.36-*.whl "$dir"/
ls "$dir"/llama_cpp_python-0.3.36-*.whl
