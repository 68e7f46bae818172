#!/usr/bin/env bash
# Builds the tiny resource-only PE files the version-rule tests read (windows-formats.md §2.7).
# Needs Debian's mingw-w64 binutils: apt-get install -y binutils-mingw-w64-x86-64 binutils-mingw-w64-i686
# (no C compiler: the host's cpp preprocesses the .rc and ld links a DLL that holds only .rsrc).
# The results are committed, so CI never needs the toolchain.
set -euo pipefail
out="$(cd "$(dirname "$0")/../test/fixtures/pe" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name  fixed FILEVERSION  PRODUCTVERSION  FileVersion string (differs on purpose)  machine prefix
build() {
  local name=$1 filever=$2 prodver=$3 text=$4 prefix=$5
  cat >"$work/$name.rc" <<RC
1 VERSIONINFO
FILEVERSION $filever
PRODUCTVERSION $prodver
FILEFLAGSMASK 0x3f
FILEFLAGS 0
FILEOS 0x40004
FILETYPE 2
FILESUBTYPE 0
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "Contoso"
      VALUE "FileVersion", "$text"
      VALUE "ProductVersion", "5.6.7-beta"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
RC
  "$prefix-windres" --preprocessor=cpp "$work/$name.rc" -O coff -o "$work/$name.o"
  "$prefix-ld" -shared -e 0 -s -o "$out/$name" "$work/$name.o"
}

build version-x64.dll "1,2,3,4" "5,6,7,8" "1.02.3.4 (text)" x86_64-w64-mingw32
build version-x86.dll "1,2,3,4" "5,6,7,8" "1.02.3.4 (text)" i686-w64-mingw32
build 7z-25.01.exe "25,1,0,0" "25,1,0,0" "25.01" x86_64-w64-mingw32
ls -l "$out"
