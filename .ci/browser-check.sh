#!/usr/bin/env bash
# Real-browser check of a careshape report: loads REPORT (report.html) in headless Chromium
# with `?check`, which makes the page's inline check script record console errors, failed
# loads, content-security-policy violations and each image's natural size into the DOM; the
# DOM is dumped and the verdict read from it. Chromium's own console log (stderr) is scanned
# too: the report logs nothing, so any console message fails the check. A deliberately broken
# copy of the page must fail first, so the check is known to detect errors. Finally a
# screenshot is saved.
#
# Usage: .ci/browser-check.sh REPORT_HTML [SCREENSHOT_PNG]
set -euo pipefail

report=$(realpath "$1")
shot=${2:-$(dirname "$report")/report-screenshot.png}
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "browser check: chromium is not installed (apt-get install -y chromium)" >&2
  exit 1
fi
# Chromium's profile goes in a temporary folder removed on exit (each check left one behind).
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run
       --disable-extensions --disable-sync --mute-audio --user-data-dir="$profile")

# check FILE: prints the page's verdict and any console lines; succeeds if the page is clean.
check() {
  local dom log verdict console
  dom=$(mktemp)
  log=$(mktemp)
  timeout 120 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=15000 \
    --dump-dom "file://$1?check" >"$dom" 2>"$log" || true
  verdict=$(grep -o 'CARESHAPE-CHECK {.*}' "$dom" | head -n 1 | sed 's/^CARESHAPE-CHECK //' || true)
  console=$(grep -E ':CONSOLE[:(]' "$log" || true)
  rm -f "$dom" "$log"
  echo "  page verdict: ${verdict:-none (the check script did not run)}"
  if [ -n "$console" ]; then
    echo "  console messages:"
    printf '    %s\n' "$console"
  fi
  [[ -n "$verdict" && "$verdict" == *'"ok":true'* && "$verdict" == *'"broken":[]'* && -z "$console" ]]
}

echo "browser check: $("$browser" --version 2>/dev/null | head -n 1)"

# 1. The check must catch a console error and a broken image.
bad=$(mktemp --suffix=.html)
sed 's#</body>#<img src="does-not-exist.png" alt="broken on purpose"><script>console.error("deliberate error")</script></body>#' \
  "$report" >"$bad"
echo "self-test: a copy with a console error and a broken image must fail"
if check "$bad"; then
  echo "browser check: the self-test page passed; the check does not detect errors" >&2
  rm -f "$bad"
  exit 1
fi
rm -f "$bad"

# 2. The report itself: no console errors, every chart image with a non-zero natural size.
echo "report: $report"
if ! check "$report"; then
  echo "browser check: FAILED for $report" >&2
  exit 1
fi

# 3. A screenshot of the top of the report (headline table and first charts).
timeout 120 "$browser" "${flags[@]}" --hide-scrollbars --window-size=1280,3600 --virtual-time-budget=15000 \
  --screenshot="$shot" "file://$report" >/dev/null 2>&1 || true
if [ ! -s "$shot" ]; then
  echo "browser check: no screenshot written to $shot" >&2
  exit 1
fi
echo "browser check passed; screenshot: $shot"
