# syntax=docker/dockerfile:1.7
# One image recipe for every Quire workload: the operator and the seven services. PACKAGE is the
# workspace folder to package (operator, services/auth, ..., services/audit); `make images` builds
# them all. Three stages make the production image: compile, install production dependencies, then
# copy both onto a distroless Node.js 24 base that runs as a non-root user and needs no writable root
# filesystem. A fourth, `dev`, is only for Tilt's live update (see the Tiltfile).
#
# The base images' digests are build arguments, so a release pins them without this file guessing
# what the registry serves today: `--build-arg NODE_DIGEST=@sha256:<digest>` and
# `--build-arg RUNTIME_DIGEST=@sha256:<digest>` (with the `@`). `make images` resolves and passes
# them whenever `docker buildx imagetools` can reach the registry.
# dev/delivery/dockerfile-stages.ts replays every stage without Docker (make check-delivery).
#
# checkov:skip=CKV_DOCKER_2:No HEALTHCHECK: Kubernetes ignores it; the kubelet's probes (set by the operator and the chart) are the health check
ARG NODE_DIGEST=""
ARG RUNTIME_DIGEST=""

# --- 1. compile the package and the workspace packages it depends on --------------------------------
FROM node:24.21.0-bookworm-slim${NODE_DIGEST} AS build
WORKDIR /src
# Manifests first, so the dependency layer is reused until a manifest or the lockfile changes.
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY services/kit/package.json services/kit/
COPY services/auth/package.json services/auth/
COPY services/user/package.json services/user/
COPY services/document/package.json services/document/
COPY services/notification/package.json services/notification/
COPY services/search/package.json services/search/
COPY services/export/package.json services/export/
COPY services/audit/package.json services/audit/
COPY operator/package.json operator/
COPY clients/cli/package.json clients/cli/
COPY dev/package.json dev/
# The base image already is Node.js 24: skip the `node` dev dependency's download of another one.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
ARG PACKAGE=services/auth
# The module the process starts from, inside the package's dist/: server.js for services, main.js
# for the operator. A fixed-name entrypoint imports it, since CMD cannot expand build arguments.
ARG ENTRY=server.js
# The package's own build script runs after the compile when it has one (the operator's packages the
# services' migrations into dist/migrations).
RUN npx tsc -b "${PACKAGE}" \
 && npm run build --workspace "${PACKAGE}" --if-present \
 && printf "import './%s';\n" "${ENTRY}" > "${PACKAGE}/dist/entrypoint.js" \
 && mkdir -p "${PACKAGE}/migrations"

# --- 2. production dependencies of that package only -----------------------------------------------
FROM node:24.21.0-bookworm-slim${NODE_DIGEST} AS deps
WORKDIR /src
ARG PACKAGE=services/auth
# npm resolves the lockfile against every workspace manifest, so all of them are needed here.
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/services/kit/package.json services/kit/
COPY --from=build /src/services/auth/package.json services/auth/
COPY --from=build /src/services/user/package.json services/user/
COPY --from=build /src/services/document/package.json services/document/
COPY --from=build /src/services/notification/package.json services/notification/
COPY --from=build /src/services/search/package.json services/search/
COPY --from=build /src/services/export/package.json services/export/
COPY --from=build /src/services/audit/package.json services/audit/
COPY --from=build /src/operator/package.json operator/
COPY --from=build /src/clients/cli/package.json clients/cli/
COPY --from=build /src/dev/package.json dev/
# Native modules (argon2) ship prebuilt binaries, so install scripts are not needed.
# A dependency whose version differs from the one hoisted to the root (auth's cookie 2 beside
# express's cookie 0.7) is installed under the package's own node_modules; both folders go to the
# runtime, which is why they are made to exist even when empty.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace "${PACKAGE}" --include-workspace-root=false \
 && mkdir -p "${PACKAGE}/node_modules" services/kit/node_modules

# --- 3. runtime -------------------------------------------------------------------------------------
FROM gcr.io/distroless/nodejs24-debian12:nonroot${RUNTIME_DIGEST} AS runtime
ARG PACKAGE=services/auth
# The image's short name (auth, ..., operator), for its title label.
ARG IMAGE_NAME=auth
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="${IMAGE_NAME}" \
      org.opencontainers.image.description="Quire ${IMAGE_NAME} (${PACKAGE})" \
      org.opencontainers.image.source="https://github.com/quire-dev/quire" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.vendor="Quire" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps --chown=65532:65532 /src/node_modules ./node_modules
COPY --from=deps --chown=65532:65532 /src/services/kit/node_modules ./services/kit/node_modules
COPY --from=deps --chown=65532:65532 /src/${PACKAGE}/node_modules ./${PACKAGE}/node_modules
COPY --from=build --chown=65532:65532 /src/services/kit/package.json ./services/kit/package.json
COPY --from=build --chown=65532:65532 /src/services/kit/dist ./services/kit/dist
COPY --from=build --chown=65532:65532 /src/${PACKAGE}/package.json ./${PACKAGE}/package.json
COPY --from=build --chown=65532:65532 /src/${PACKAGE}/dist ./${PACKAGE}/dist
# Migrations ship with the services that have them (empty for the others).
COPY --from=build --chown=65532:65532 /src/${PACKAGE}/migrations ./${PACKAGE}/migrations
WORKDIR /app/${PACKAGE}
USER 65532:65532
# The services answer probes on the ops port; the kubelet's probes are the health check.
EXPOSE 8080 9090
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps"]
CMD ["dist/entrypoint.js"]

# --- 4. dev: a service run from its TypeScript sources, for Tilt's live update only ------------------
# Same /app layout and production dependencies as `runtime`, on the slim base, which has the `tar`
# Tilt syncs files with. dev/delivery/live/entrypoint.sh copies the sources into the pod's writable
# /tmp and runs them with `node --watch`; Tilt syncs later edits there. Never published.
FROM node:24.21.0-bookworm-slim${NODE_DIGEST} AS dev
ARG PACKAGE=services/auth
WORKDIR /app
ENV NODE_ENV=development QUIRE_PACKAGE=${PACKAGE}
COPY --from=deps /src/node_modules ./node_modules
COPY --from=deps /src/services/kit/node_modules ./services/kit/node_modules
COPY --from=deps /src/${PACKAGE}/node_modules ./${PACKAGE}/node_modules
COPY --from=build /src/services/kit/package.json ./services/kit/package.json
# The kit's compiled files stay: imports resolve through its package exports, then swap to sources.
COPY --from=build /src/services/kit/dist ./services/kit/dist
COPY --from=build /src/services/kit/src ./services/kit/src
COPY --from=build /src/${PACKAGE}/package.json ./${PACKAGE}/package.json
COPY --from=build /src/${PACKAGE}/src ./${PACKAGE}/src
COPY --from=build /src/${PACKAGE}/migrations ./${PACKAGE}/migrations
COPY --from=build /src/dev/delivery/live ./dev/delivery/live
USER 65532:65532
EXPOSE 8080 9090
ENTRYPOINT ["/app/dev/delivery/live/entrypoint.sh"]
