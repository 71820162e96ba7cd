#!/usr/bin/env sh
# Seed the fuzz corpora from the project's fixtures (and, when given, more Dockerfiles):
#   fuzz/seed.sh [EXTRA_DIR...]
# Copies every tests/fixtures/**/*.Dockerfile (and every file under each EXTRA_DIR) into
# fuzz/corpus/{parse,lint,fix}/, and every fixture *.dockerignore into
# fuzz/corpus/dockerignore/, named by a hash of the content so reruns add nothing twice.
# The corpora are not committed (see fuzz/.gitignore).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
corpus="$root/fuzz/corpus"
for t in parse lint fix dockerignore; do mkdir -p "$corpus/$t"; done
{
    find "$root/tests/fixtures" -type f -name '*.Dockerfile'
    for d in "$@"; do find "$d" -type f; done
} | while IFS= read -r f; do
    h=$(sha1sum < "$f" | cut -c1-16)
    for t in parse lint fix; do cp "$f" "$corpus/$t/seed-$h"; done
done
find "$root/tests/fixtures" -type f -name '*dockerignore' | while IFS= read -r f; do
    h=$(sha1sum < "$f" | cut -c1-16)
    cp "$f" "$corpus/dockerignore/seed-$h"
done
for t in parse lint fix dockerignore; do
    echo "fuzz/corpus/$t: $(ls "$corpus/$t" | wc -l) files"
done
