#!/usr/bin/env bash
# Runs every test of maeul: formatting, vet, and `go test -race` against a
# real PostgreSQL and a real headless Chromium. On a fresh Debian machine it
# first installs what the tests need and the machine lacks (PostgreSQL 15,
# Chromium, nginx for the proxy test, the npm packages of the accessibility
# check, the Python modules of pabulib.org's checker). Tests fail rather
# than skip when something is missing.
#
#   ./test.sh                 every test
#   ./test.sh ./voting/...    only some packages (extra args go to go test)
set -euo pipefail
cd "$(dirname "$0")"

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# nginx: e2e/proxytest starts its own from docs/nginx-maeul.conf.
{ command -v nginx || [ -x /usr/sbin/nginx ]; } >/dev/null 2>&1 || missing+=(nginx)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing+=(fonts-noto-cjk)
# pabulib.org's format checker (../shared/tools/pbcheck, run by result's
# Pabulib tests) runs on Debian's python3 and needs these modules.
/usr/bin/python3 -c 'import pycountry, natsort, numpy' >/dev/null 2>&1 ||
  missing+=(python3-pycountry python3-natsort python3-numpy)
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  # Never start the system's nginx (or any other service) on port 80: a
  # policy-rc.d that refuses every start, for the length of the install.
  norc=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    norc=1
  fi
  rc=0
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ -z "$norc" ] || $SUDO rm -f /usr/sbin/policy-rc.d
  [ "$rc" = 0 ] || exit "$rc"
fi

if [ -f package.json ] && [ ! -d node_modules ]; then
  echo "test.sh: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt: not formatted:"; echo "$unformatted"; exit 1
fi
go vet ./...
pkgs=("$@")
((${#pkgs[@]})) || pkgs=(./...)
go test -race -count=1 -timeout 20m "${pkgs[@]}"
# Every parser of outside input, fuzzed a few seconds each (-fuzz takes one
# package per run): agenda CSV/XLSX import, photos and their headers, the
# council roster, the API's JSON decoder, typed codes.
if ((${#@} == 0)); then
  for t in FuzzImportCSV FuzzImportXLSX FuzzPhoto FuzzPhotoHeader; do
    go test -run '^$' -fuzz "^$t\$" -fuzztime 3s ./assembly/
  done
  go test -run '^$' -fuzz '^FuzzRoster$' -fuzztime 3s ./council/
  go test -run '^$' -fuzz '^FuzzDecodeJSON$' -fuzztime 3s ./web/
  for t in FuzzParseCode FuzzParseBallot; do
    go test -run '^$' -fuzz "^$t\$" -fuzztime 3s ./voting/
  done
fi
