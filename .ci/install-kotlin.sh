#!/usr/bin/env bash
# Installs the Kotlin compiler that the Kotlin-compilation tests use, from the
# npm registry (the only place this project's machines can fetch it from; the
# `kotlin-compiler` package ships the JVM compiler, which runs on the JDK 17 of
# the machine). Idempotent: an install of the pinned version is left alone.
#
# Prints the path of the `kotlinc` launcher on stdout and nothing else, so CI can
# do:   export ROOMSCHEMA_KOTLINC="$(bash .ci/install-kotlin.sh)"
# Everything else (npm's chatter, diagnostics) goes to stderr.
#
#   ROOMSCHEMA_KOTLIN_HOME   install prefix (default: $HOME/.cache/roomschema-kotlin)
set -euo pipefail

# Pinned: tests assert compiler behaviour, so a new release must be a deliberate bump.
KOTLIN_COMPILER_VERSION="2.4.20"

home="${ROOMSCHEMA_KOTLIN_HOME:-${HOME:?HOME is not set}/.cache/roomschema-kotlin}"
pkg="$home/node_modules/kotlin-compiler"
kotlinc="$pkg/bin/kotlinc"

installed_version() {
    # package.json is what npm installed; empty output means nothing is installed.
    [ -f "$pkg/package.json" ] || return 0
    sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$pkg/package.json" | head -n 1
}

if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
    echo "install-kotlin: no java on PATH and JAVA_HOME unset; kotlinc needs a JDK (17+)" >&2
    exit 1
fi

if [ "$(installed_version)" = "$KOTLIN_COMPILER_VERSION" ] && [ -x "$kotlinc" ]; then
    echo "install-kotlin: kotlin-compiler $KOTLIN_COMPILER_VERSION already in $home" >&2
else
    if ! command -v npm >/dev/null 2>&1; then
        echo "install-kotlin: npm not found; install Node.js/npm first" >&2
        exit 1
    fi
    mkdir -p "$home"
    echo "install-kotlin: installing kotlin-compiler@$KOTLIN_COMPILER_VERSION into $home" >&2
    # --no-save keeps npm from writing a package.json/lock into the prefix, so a
    # version bump here is the only thing that decides what is installed.
    npm install --prefix "$home" --no-save --no-audit --no-fund --loglevel=error \
        "kotlin-compiler@$KOTLIN_COMPILER_VERSION" >&2
    if [ "$(installed_version)" != "$KOTLIN_COMPILER_VERSION" ] || [ ! -f "$kotlinc" ]; then
        echo "install-kotlin: npm finished but $kotlinc (version $KOTLIN_COMPILER_VERSION) is missing" >&2
        exit 1
    fi
    # npm keeps the tarball's modes, but the helper scripts under bin/ call each
    # other, so make sure none lost its executable bit.
    chmod +x "$pkg"/bin/kotlin* "$pkg"/bin/kapt 2>/dev/null || true
fi

echo "$kotlinc"
