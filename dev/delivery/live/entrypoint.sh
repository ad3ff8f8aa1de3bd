#!/bin/sh
# The `dev` image's entrypoint (Tilt's live update; never a production image). Copies the kit's and
# the service's sources into the writable QUIRE_LIVE_DIR (the pod's /tmp emptyDir: the root
# filesystem is read-only), where Tilt syncs every later edit, and runs the service from them with
# `node --watch`, which restarts it when a loaded source changes.
set -eu
live=${QUIRE_LIVE_DIR:-/tmp/live}
app=${QUIRE_APP_DIR:-/app}
: "${QUIRE_PACKAGE:?QUIRE_PACKAGE names the workspace folder to run, e.g. services/auth}"

# Only on the pod's first start: after a container restart /tmp keeps what Tilt synced since.
mkdir -p "$live"
for pkg in services/kit "$QUIRE_PACKAGE"; do
  mkdir -p "$live/$pkg"
  if [ ! -d "$live/$pkg/src" ]; then cp -R "$app/$pkg/src" "$live/$pkg/"; fi
  if [ -d "$app/$pkg/migrations" ] && [ ! -d "$live/$pkg/migrations" ]; then cp -R "$app/$pkg/migrations" "$live/$pkg/"; fi
done
# Bare imports (express, pg, ...) resolve from the image's production node_modules: the package's
# own first (a version that differs from the hoisted one lives there), then the root's.
ln -sfn "$app/node_modules" "$live/node_modules"
for pkg in services/kit "$QUIRE_PACKAGE"; do
  if [ -d "$app/$pkg/node_modules" ]; then ln -sfn "$app/$pkg/node_modules" "$live/$pkg/node_modules"; fi
done

cd "$live/$QUIRE_PACKAGE"
exec node --enable-source-maps --experimental-transform-types --disable-warning=ExperimentalWarning \
  --import "$app/dev/delivery/live/ts-hook.mjs" --watch "src/${QUIRE_ENTRY:-server.ts}"
