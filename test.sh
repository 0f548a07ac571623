#!/usr/bin/env bash
# Runs every test of maeul: formatting, vet, and `go test -race` against a
# real PostgreSQL and a real headless Chromium. On a fresh Debian machine it
# first installs what the tests need and the machine lacks (PostgreSQL 15,
# Chromium, the npm packages of the accessibility check). Tests fail rather
# than skip when something is missing.
#
#   ./test.sh                 every test
#   ./test.sh ./voting/...    only some packages (extra args go to go test)
set -euo pipefail
cd "$(dirname "$0")"

missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql-15)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || missing+=(fonts-noto-cjk)
if ((${#missing[@]})); then
  echo "test.sh: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
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
