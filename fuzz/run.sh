#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 25) each, seeded from the catalogue and the
# Markdown in the repository, with the language dictionary. Fails on any crash, leak or
# timeout (libFuzzer's exit status). Needs a nightly toolchain and cargo-fuzz.
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-25}
shift || true
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=(parse render check fmt docs)
fi

# Seeds are copied, never written back into the repository: corpus/ is scratch space.
seed() {
    local dir=corpus/$1
    mkdir -p "$dir"
    if [[ $1 == docs ]]; then
        local i=0
        for f in ../README.md ../ARCHITECTURE.md ../tests/fixtures/docs/*.md; do
            cp "$f" "$dir/seed-$i.md"
            i=$((i + 1))
        done
    else
        local i=0
        while IFS= read -r f; do
            cp "$f" "$dir/seed-$i.flow"
            i=$((i + 1))
        done < <(find ../flows -name '*.flow' | sort)
    fi
}

cargo +nightly fuzz build
for target in "${targets[@]}"; do
    seed "$target"
    echo "== fuzz $target for ${seconds}s"
    cargo +nightly fuzz run "$target" "corpus/$target" -- \
        -dict=authflow.dict -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1
done
