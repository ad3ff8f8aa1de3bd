#!/usr/bin/env bash
# Builds the eight images of the operator and the seven services from the one Dockerfile, and the web
# app's from clients/web/Dockerfile, with Docker (buildx). Settings come from the environment, as
# `make images` passes them:
#   IMAGE_REGISTRY  where the images are named (default ghcr.io/quire-dev): <registry>/<name>:<VERSION>
#   VERSION         the tag (default dev)
#   PUSH            true to push after building (default false)
#   TARGET          the Dockerfile stage (default runtime; `dev` is Tilt's, and the web app has none)
# The base images are pinned by digest when the registry answers `docker buildx imagetools
# inspect`; otherwise the build says so and uses the tags.
source "$(dirname "$0")/../lib/common.sh"
need docker images "install Docker with buildx to build images"

IMAGE_REGISTRY=${IMAGE_REGISTRY:-ghcr.io/quire-dev}
VERSION=${VERSION:-dev}
PUSH=${PUSH:-false}
TARGET=${TARGET:-runtime}
REVISION=$(git -C "$QUIRE_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
# base_image DOCKERFILE ARG: the base image as the Dockerfile's FROM line names it (the tag, before
# the digest argument ARG).
base_image() { sed -n "s/^FROM \([^ \$]*\)\\\${$2}.*/\1/p" "$QUIRE_ROOT/$1" | head -1; }

# digest_of IMAGE: `@sha256:...` when the registry answers, else nothing (and a warning).
digest_of() {
  local digest
  if digest=$(docker buildx imagetools inspect "$1" --format '{{.Manifest.Digest}}' 2>/dev/null) && [[ $digest == sha256:* ]]; then
    echo "@$digest"
  else
    warn "could not resolve the digest of $1; building from its tag"
  fi
}
node_digest=$(digest_of "$(base_image Dockerfile NODE_DIGEST)")
runtime_digest=$(digest_of "$(base_image Dockerfile RUNTIME_DIGEST)")

# package:image-name:entry
images=(
  operator:operator:main.js
  services/auth:auth:server.js
  services/user:user:server.js
  services/document:document:server.js
  services/notification:notification:server.js
  services/search:search:server.js
  services/export:export:server.js
  services/audit:audit:server.js
)
for spec in "${images[@]}"; do
  IFS=: read -r package name entry <<<"$spec"
  ref=$IMAGE_REGISTRY/$name:$VERSION
  log "building $ref ($package, target $TARGET)"
  docker buildx build "$QUIRE_ROOT" --target "$TARGET" --tag "$ref" \
    --build-arg NODE_DIGEST="$node_digest" --build-arg RUNTIME_DIGEST="$runtime_digest" \
    --build-arg PACKAGE="$package" --build-arg ENTRY="$entry" --build-arg IMAGE_NAME="$name" \
    --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" \
    "$([[ $PUSH == true ]] && echo --push || echo --load)"
done

# The web app: static files on unprivileged nginx, which the operator deploys as <registry>/web.
if [[ $TARGET == runtime ]]; then
  web=clients/web/Dockerfile
  ref=$IMAGE_REGISTRY/web:$VERSION
  log "building $ref (clients/web, $web)"
  docker buildx build "$QUIRE_ROOT" -f "$QUIRE_ROOT/$web" --target runtime --tag "$ref" \
    --build-arg NODE_DIGEST="$(digest_of "$(base_image "$web" NODE_DIGEST)")" \
    --build-arg NGINX_DIGEST="$(digest_of "$(base_image "$web" NGINX_DIGEST)")" \
    --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" \
    "$([[ $PUSH == true ]] && echo --push || echo --load)"
fi
