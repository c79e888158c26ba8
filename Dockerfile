# One image for every Tocsin app; the container's ROLE (ingest, pipeline, gateway, alerter)
# chooses which one runs:
#   docker build -t tocsin .
#   docker run -e ROLE=pipeline -e KAFKA_BROKERS=kafka:9092 -e REDIS_URL=redis://redis:6379 tocsin

# Build: every dependency, compile the apps and bundle the pages' scripts, then drop the
# development dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY nest-cli.json tsconfig.json tsconfig.build.json ./
COPY libs ./libs
COPY apps ./apps
COPY scripts/web-build.ts ./scripts/
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# Run: compiled apps, production dependencies, pages with their bundles, and plans; nothing to
# compile at start.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/apps/gateway/public ./apps/gateway/public
COPY config ./config
COPY scripts/container ./scripts/container
# The image's user "node" (uid 1000) owns nothing here: the apps only read their files.
USER node
EXPOSE 3000 3001 3002
ENTRYPOINT ["/app/scripts/container/run-role.sh"]
