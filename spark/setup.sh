#!/usr/bin/env bash
# Create (or reuse) the virtualenv the Spark chain runs in: .venv-spark at the
# repository root, or $REPRINT_SPARK_VENV, with the PySpark of
# spark/requirements.txt. Idempotent: a venv that already has it is kept.
# Needs python3 with venv and Java 17 (java on PATH or JAVA_HOME).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${REPRINT_SPARK_VENV:-$root/.venv-spark}"
req="$root/spark/requirements.txt"
want="$(grep -E '^pyspark==' "$req" | cut -d= -f3)"

if ! command -v java >/dev/null && [ -z "${JAVA_HOME:-}" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "spark/setup.sh: installing Java 17 (openjdk-17-jre-headless)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
    else
        echo "spark/setup.sh: no java on PATH and no JAVA_HOME; Spark needs Java 17" >&2
        exit 1
    fi
fi
have="$("$venv/bin/python" -c 'import pyspark; print(pyspark.__version__)' 2>/dev/null || true)"
if [ "$have" = "$want" ]; then
    echo "spark/setup.sh: $venv has pyspark $have"
    exit 0
fi
started=$(date +%s)
if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian's python3 lacks ensurepip until python3-venv is installed.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null
            apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
            rm -rf "$venv"
            python3 -m venv "$venv"
        else
            echo "spark/setup.sh: python3 -m venv failed (install python3-venv)" >&2
            exit 1
        fi
    fi
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "spark/setup.sh: installed pyspark $want into $venv in $(( $(date +%s) - started ))s"
