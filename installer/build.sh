#!/usr/bin/env bash
# Build the program folder (PyInstaller) and, on Linux, the Debian package, into dist/:
#
#   dist/beian/                      beian and beian-office with everything they need
#   dist/beian_<version>_<arch>.deb  /opt/beian, /usr/bin/beian{,-office}, menu entry, icons
#
# Needs the project's environment with the `package` extra (pip install -e '.[package]';
# `.[test]` includes it) and, for the .deb, dpkg-deb and objdump (Debian's dpkg, binutils).
# PYTHON picks the interpreter (default: .venv/bin/python). Options:
#   --bundle-only   build dist/beian/ and stop (what Windows and macOS do)
#   --deb-only      package an existing dist/beian/ again
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
python=${PYTHON:-.venv/bin/python}
mode=${1:-all}
case "$mode" in all | --bundle-only | --deb-only) ;; *)
  echo "usage: installer/build.sh [--bundle-only | --deb-only]" >&2
  exit 2
  ;;
esac

read -r name version < <("$python" - <<'EOF'
import tomllib
p = tomllib.load(open("pyproject.toml", "rb"))["project"]
print(p["name"], p["version"])
EOF
)

if [ "$mode" != --deb-only ]; then
  if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
    echo "PyInstaller is missing: $python -m pip install -e '.[package]'" >&2
    exit 1
  fi
  start=$SECONDS
  "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installer/beian.spec
  echo "bundle: dist/$name/ ($(du -sh "dist/$name" | cut -f1), $((SECONDS - start)) s)"
fi
[ "$mode" = --bundle-only ] && exit 0
[ "$(uname)" = Linux ] || { echo "the .deb is built on Linux only" >&2; exit 1; }
[ -x "dist/$name/$name" ] || { echo "dist/$name/$name is missing: build the bundle first" >&2; exit 1; }

# --- the Debian package ------------------------------------------------------------------
arch=$(dpkg --print-architecture)
stage=$root/build/deb/${name}_${version}_${arch}
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/doc/$name"
cp -a "dist/$name" "$stage/opt/$name"
ln -s "/opt/$name/$name" "$stage/usr/bin/$name"
ln -s "/opt/$name/$name-office" "$stage/usr/bin/$name-office"
install -m 644 installer/debian/beian.desktop "$stage/usr/share/applications/$name.desktop"
install -m 644 installer/debian/copyright "$stage/usr/share/doc/$name/copyright"
for png in resources/icons/beian-*.png; do
  size=${png##*-}
  size=${size%.png}
  install -D -m 644 "$png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/$name.png"
done
if [ -f resources/icons/beian.svg ]; then
  install -D -m 644 resources/icons/beian.svg "$stage/usr/share/icons/hicolor/scalable/apps/$name.svg"
fi

# Depends: the libraries Qt's X11 platform needs (installer/debian/depends), plus every
# system library the bundle links to but does not carry (PyInstaller leaves out the C
# library and the graphics stack on purpose), with the newest glibc symbol version used.
elf_files() {
  find "$stage/opt/$name" -type f -print0 | while IFS= read -r -d '' f; do
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] && printf '%s\n' "$f"
  done
}
mapfile -t elves < <(elf_files)
glibc=$(for f in "${elves[@]}"; do objdump -T "$f" 2>/dev/null; done |
  grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
missing=()
system_libs=()
for f in "${elves[@]}"; do
  while read -r lib _ path _; do
    if [ "$path" = "not" ]; then
      missing+=("$lib (${f#"$stage"/})")
    elif [ -n "$path" ] && [ "${path#"$stage"}" = "$path" ]; then
      system_libs+=("$(basename "$path")")
    fi
  done < <(LD_LIBRARY_PATH="$stage/opt/$name/_internal" ldd "$f" 2>/dev/null | grep '=>')
done
if [ ${#missing[@]} -gt 0 ]; then
  printf 'unresolved library: %s\n' "${missing[@]}" | sort -u >&2
  exit 1
fi
packages=()
for lib in $(printf '%s\n' "${system_libs[@]}" | sort -u); do
  owner=$(dpkg -S "*/$lib" 2>/dev/null | awk -F': ' -v lib="/$lib" \
    'substr($2, length($2) - length(lib) + 1) == lib {print $1; exit}')
  [ -n "$owner" ] || { echo "no Debian package owns $lib" >&2; exit 1; }
  packages+=("${owner%%:*}")
done
mapfile -t -O ${#packages[@]} packages < <(grep -v -e '^\s*#' -e '^\s*$' installer/debian/depends)
depends=$(printf '%s\n' "${packages[@]}" | grep -vx libc6 | sort -u |
  sed "1i libc6 (>= $glibc)" | paste -sd, | sed 's/,/, /g')

sed -e "s/@NAME@/$name/" -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" \
  -e "s/@DEPENDS@/$depends/" \
  -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$stage" | cut -f1)/" \
  installer/debian/control.in >"$stage/DEBIAN/control"
deb=dist/${name}_${version}_${arch}.deb
# gzip: read by every dpkg (UOS and Kylin included); xz saves a fifth of the size but
# takes minutes longer on a 2-core machine.
dpkg-deb --build --root-owner-group -Zgzip -z6 "$stage" "$deb" >/dev/null
echo "package: $deb ($(du -h "$deb" | cut -f1)); Depends: $depends"
