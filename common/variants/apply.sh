#!/bin/sh
# common/variants/apply.sh STAGE_DIR PATCH OUT_DIR: one variant of a stage.
#
# Copies the stage's headers (spsc.h, and each extension's header under
# extensions/, in the same folders) into OUT_DIR and applies PATCH to them with no fuzz: every line of context and every
# line the patch removes must be exactly where the patch expects it. When
# the stage has moved under the patch, this fails and shows the hunk that
# no longer applies, with the lines it expected; it never builds a variant
# that is quietly the unchanged stage.
set -u
if [ $# -ne 3 ] || [ ! -f "$1/spsc.h" ] || [ ! -f "$2" ]; then
	echo "usage: $0 STAGE_DIR PATCH OUT_DIR" >&2
	exit 2
fi
stage=$1 patch=$2 out=$3
name=$(basename "$(dirname "$patch")")/$(basename "$patch" .patch)

rm -rf "$out" "$out.rej" && mkdir -p "$out" || exit 1
headers=$(cd "$stage" && find . -name '*.h' | sort)
for h in $headers; do
	mkdir -p "$out/$(dirname "$h")" && cp "$stage/$h" "$out/$h" || exit 1
done
if ! patch --quiet --batch --forward --fuzz=0 --no-backup-if-mismatch -p1 -d "$out" -r "$out.rej" <"$patch" >"$out.log" 2>&1; then
	echo "variants: $name no longer applies to $stage/: the stage has moved under it." >&2
	cat "$out.log" >&2
	if [ -s "$out.rej" ]; then
		echo "variants: the hunk(s) that failed; lines with ' ' and '-' are what the patch expected to find:" >&2
		cat "$out.rej" >&2
	fi
	echo "variants: update $patch to the stage as it is now." >&2
	rm -rf "$out" "$out.rej"
	exit 1
fi
rm -f "$out.log" "$out.rej"
changed=no
for h in $headers; do
	cmp -s "$out/$h" "$stage/$h" || changed=yes
done
if [ "$changed" = no ]; then
	echo "variants: $name changed nothing in $stage/" >&2
	rm -rf "$out"
	exit 1
fi
