#!/bin/sh
# common/test/check-links.sh TOP: every relative link in the repository's
# Markdown files (notes, READMEs, the contract) names a file or folder that
# exists in the checkout, inside it. Links to the web (http, https, mailto)
# and to an anchor of the same page are not checked. Exit 1 with one line
# per broken link; `make test` runs it.
set -u
top=${1:?usage: check-links.sh TOP}
cd "$top" || exit 2
root=$(pwd -P)
bad=0 links=0 files=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# Tracked Markdown files, and untracked ones not ignored (a chapter being written).
git ls-files --cached --others --exclude-standard '*.md' >"$tmp" 2>/dev/null || find . -name '*.md' >"$tmp"
while read -r md; do
	[ -f "$md" ] || continue
	files=$((files + 1))
	dir=$(dirname "$md")
	# ](target) or ](target "title"): the target, one per line, with its line number.
	grep -no '](\([^) ]*\)' "$md" | sed 's/\](//' | while IFS=: read -r line target; do
		case $target in
		http://* | https://* | mailto:* | '#'* | '') continue ;;
		esac
		path=${target%%#*}
		echo "$md:$line:$path"
	done
done <"$tmp" >"$tmp.links"
while IFS=: read -r md line path; do
	links=$((links + 1))
	full=$(dirname "$md")/$path
	if [ ! -e "$full" ]; then
		echo "check-links: $md:$line: $path does not exist" >&2
		bad=1
		continue
	fi
	real=$(cd "$(dirname "$full")" && pwd -P)
	case $real/ in
	"$root"/*) ;;
	*) echo "check-links: $md:$line: $path points outside the repository" >&2; bad=1 ;;
	esac
done <"$tmp.links"
rm -f "$tmp.links"
[ "$bad" -eq 0 ] || { echo "== links: FAILED (see above)" >&2; exit 1; }
echo "== links: $links relative links in $files Markdown files, every one resolves inside the repository"
