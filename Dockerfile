# imesim images, one per role, all from the same workspace sources (design.md "Containers"):
#   docker build --target mock-service -t imesim/mock-service .
#   docker build --target agent        -t imesim/agent .
#   docker build --target runner       -t imesim/runner .
# TypeScript runs as is on Node's type stripping (README "How TypeScript runs"): there is no build stage,
# only the production dependencies. The base must be a local node:24-bookworm-slim (never pulled in CI:
# .ci/run builds it offline with ../shared/tools/docker-offline/build-node-base.sh).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY contracts/package.json contracts/
COPY mock-service/package.json mock-service/
COPY agent/package.json agent/
COPY e2e/package.json e2e/
# The dashboard workspace (issue 17) for npm ci's workspace links; its front end is built in its own stage below.
COPY dashboard/package.json dashboard/
# --ignore-scripts: better-sqlite3 loads its bundled prebuilt binary (the root package.json allows no
# install scripts either), so no compiler is needed and the image stays slim.
# Then drop what only a compile or another platform needs: SQLite's C sources and the other prebuilds.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /root/.npm node_modules/better-sqlite3/deps node_modules/better-sqlite3/src \
 && find node_modules/better-sqlite3/prebuilds -type f ! -name "linux-$(node -p process.arch).node" -delete

# The dashboard's front end (served at /ui by `imesim serve`): Vite is a dev dependency, so it is installed and
# run here only, and just the built files (dashboard/dist) go into the images. Same local base, nothing pulled.
FROM ${NODE_IMAGE} AS dashboard
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY contracts/package.json contracts/
COPY mock-service/package.json mock-service/
COPY agent/package.json agent/
COPY e2e/package.json e2e/
COPY dashboard/package.json dashboard/
RUN npm ci --workspace dashboard --include-workspace-root=false --ignore-scripts --no-audit --no-fund
COPY dashboard/index.html dashboard/vite.config.ts dashboard/tsconfig.json dashboard/
COPY dashboard/src dashboard/src
RUN npm run build --workspace dashboard

FROM ${NODE_IMAGE} AS app
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="imesim" \
      org.opencontainers.image.description="Simulator of the Microsoft Intune Management Extension and a mock of the Intune service" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/imesim/imesim"
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY package.json ./
COPY contracts/package.json contracts/
COPY contracts/src contracts/src
COPY mock-service/package.json mock-service/
COPY mock-service/src mock-service/src
COPY agent/package.json agent/
COPY agent/src agent/src
COPY e2e/package.json e2e/
COPY e2e/bin e2e/bin
COPY e2e/src e2e/src
COPY e2e/schema e2e/schema
COPY e2e/scenarios e2e/scenarios
COPY dashboard/package.json dashboard/
COPY --from=dashboard /app/dashboard/dist dashboard/dist
# Folders the roles write to, owned by the unprivileged user (a named volume mounted there inherits it).
RUN mkdir -p /data /out && chown node:node /data /out \
 && ln -s /app/e2e/bin/imesim.js /usr/local/bin/imesim
USER node

FROM app AS mock-service
LABEL org.opencontainers.image.title="imesim mock-service"
EXPOSE 8080 8443
VOLUME ["/data"]
# Liveness and readiness in one: the store answers and the data folder takes a write (GET /health).
ENV IMESIM_HEALTH_URL=http://127.0.0.1:8080/health
HEALTHCHECK --interval=5s --timeout=6s --start-period=20s --retries=5 \
  CMD node /app/e2e/src/containers/healthcheck.ts "$IMESIM_HEALTH_URL"
ENTRYPOINT ["imesim", "serve"]
CMD ["--host", "0.0.0.0", "--port", "8080", "--data", "/data"]

FROM app AS agent
LABEL org.opencontainers.image.title="imesim agent"
# Healthy once enrolled and running: the agent appends to events.jsonl (in the --out folder named in
# /tmp/imesim-out, as compose's entrypoint writes it) from its first event on.
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
  CMD test -s "$(cat /tmp/imesim-out 2>/dev/null || echo /out/device)/events.jsonl"
ENTRYPOINT ["imesim", "agent"]

FROM app AS runner
LABEL org.opencontainers.image.title="imesim runner"
# Healthy once the scenario is published: compose starts the agents on it (depends_on: service_healthy).
ENV IMESIM_PUBLISHED=/tmp/imesim-published
HEALTHCHECK --interval=2s --timeout=3s --start-period=600s --retries=3 \
  CMD test -f "$IMESIM_PUBLISHED"
ENTRYPOINT ["imesim", "runner"]
