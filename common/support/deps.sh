#!/bin/sh
# common/support/deps.sh PACKAGE...: install the Debian packages that are missing.
# Silent when everything is present. As root (or with sudo) it runs apt-get,
# updating the package lists first when they are empty or the install
# fails; otherwise it prints the exact command and fails.
set -u

missing=""
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $pkg" ;;
	esac
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: missing packages:$missing (not a Debian or Ubuntu system: install them with your package manager)" >&2
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	as_root="sudo"
else
	echo "deps: missing packages:$missing" >&2
	echo "deps: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
# Empty package lists (a fresh container): nothing can be installed before an update.
if ! find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' 2>/dev/null | grep -q .; then
	$as_root apt-get update -q || exit 1
fi
# shellcheck disable=SC2086 # word splitting of the package list is intended
$as_root apt-get install -y -q --no-install-recommends $missing ||
	{ $as_root apt-get update -q && $as_root apt-get install -y -q --no-install-recommends $missing; }
