#!/bin/sh
# deps.sh PACKAGE... - install the Debian packages that are missing.
#
# Used by `make deps`, which `make grade` and `make test` run first. As root
# it runs apt-get itself; otherwise through sudo when sudo works without a
# question we cannot answer; otherwise it prints the one command to run and
# fails, so nothing half-works later.
set -eu

missing=""
for p in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" = 0 ]; then
	run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	run="sudo"
else
	echo "deps: these Debian packages are missing:$missing" >&2
	echo "deps: install them, then run make again:" >&2
	echo "    sudo apt-get update && sudo $cmd" >&2
	exit 1
fi
# A fresh machine has no package lists yet; a stale one may 404.
export DEBIAN_FRONTEND=noninteractive
$run apt-get update -qq || true
if ! $run $cmd; then
	echo "deps: apt-get failed; the command was:" >&2
	echo "    ${run:+$run }$cmd" >&2
	exit 1
fi
