# syntax=docker/dockerfile:1
# PlayLoop: one image for the API processes (`node src/main.ts`), the workers
# (`node src/worker.ts`) and the one-shot migration (`npm run db:migrate`). See docs/deploy.md.
ARG NODE_IMAGE=node:24-slim

# --- build: the dashboard (web/ with Vite, a dev dependency), built once here, not at start ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# web/dist with its .gz/.br copies and the hash of its inputs: `npm start`'s prestart then finds
# it up to date and never needs Vite in the runtime image.
RUN node scripts/build-web.mjs

# --- production dependencies only ---
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: Node runs the TypeScript sources directly (type stripping); no browser needed ---
FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json openapi.json ./
COPY scripts ./scripts
COPY src ./src
# The dashboard's sources come along only so prestart's up-to-date check (a hash over them) holds.
COPY --from=build /app/web ./web
# DATA_DIR is only used without DATABASE_URL (the embedded database, one process).
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Ready = the database answers (src/http/health.ts). Worker containers have no HTTP on PORT:
# compose.yaml gives them their own check on METRICS_PORT.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "src/main.ts"]
