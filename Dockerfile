# One image for every service: SERVICE (or the first argument) picks gateway, a subgraph named
# in subgraphs/registry.ts, or all (every service in one process).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY platform platform
COPY gateway gateway
COPY subgraphs subgraphs
COPY agents agents
COPY app app
COPY scripts scripts
RUN npm run build && npm prune --omit=dev

FROM node:24-slim
ENV NODE_ENV=production HOST=0.0.0.0 SERVICE=gateway
WORKDIR /app
COPY --from=build --chown=node:node /app/node_modules node_modules
COPY --from=build --chown=node:node /app/dist dist
COPY --chown=node:node package.json ./
COPY --chown=node:node schema schema
COPY --chown=node:node gateway/persisted/manifest.json gateway/persisted/manifest.json
COPY --chown=node:node app/healthcheck.mjs app/healthcheck.mjs
USER node
# The gateway's PORT and the subgraphs' default <NAME>_PORTs (subgraphs/registry.ts), with room to grow.
EXPOSE 4000-4009
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["node", "app/healthcheck.mjs"]
# --max-semi-space-size=16: V8's young generation as on Node 20 (Node 24 grows it to 134 MB
# under load; README "Running services separately"). `npm run service` passes the same flags.
ENTRYPOINT ["node", "--max-semi-space-size=16", "dist/app/service.js"]
