#!/usr/bin/env bash
# Install the tools the document PDF checks need (LibreOffice, Noto CJK fonts, poppler) and the
# status page's browser test (chromium, headless) from Debian when one is missing. Idempotent and non-interactive.
set -euo pipefail

if command -v soffice >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 \
    && command -v pdfinfo >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 \
    && fc-list 2>/dev/null | grep -i "Noto.*CJK" >/dev/null; then
    echo "install-doc-tools: soffice, poppler and chromium already present" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-doc-tools: need root or sudo to install packages" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends \
    libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk poppler-utils chromium
command -v soffice >/dev/null && command -v pdftotext >/dev/null && command -v chromium >/dev/null
echo "install-doc-tools: done" >&2
