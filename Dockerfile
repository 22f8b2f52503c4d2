# syntax=docker/dockerfile:1
# `npm run build` bundles the app and its dependencies into dist/main.cjs: the image runs that file alone, with no
# node_modules and no type stripping (bench/lookup.ts: it is ready sooner and smaller than `node src/main.ts`).

FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build

FROM node:24-slim AS runtime
ENV NODE_ENV=production \
    MALLOC_ARENA_MAX=2 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=sqlite:/data/cii-slack.db \
    NODE_COMPILE_CACHE=/app/.compile-cache
WORKDIR /app
COPY --from=build /app/dist ./dist
# V8's compile cache of the bundle, made here once so every container starts with it: this start compiles the
# modules, then stops for want of configuration. Same Node flags as CMD (V8 refuses a cache made with others).
RUN node --max-semi-space-size=16 --heap-growing-percent=20 dist/main.cjs > /dev/null 2>&1; test -n "$(ls -A /app/.compile-cache)"
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Heap sizing (bench/lookup.ts, 50 lookups in flight): young generation capped at 2 × 16 MB and the old one grown
# by 20 % at a time instead of V8's default factors: peak RSS 296 → about 143 MB (the bare Bolt app: 157-162 MB).
# Each scavenge copies what the lookups in flight hold (5.6-9.4 ms a scavenge at 2 × 12 MB), so fewer, larger
# young generations cost less CPU: 1.21-1.37x the bare app's per lookup with 2 × 16 MB against 1.29-1.50x with
# 2 × 12 (same session); 2 × 24 MB saved nothing more and peaked at 170 MB. MALLOC_ARENA_MAX=2 (ENV above) keeps
# glibc from giving each thread that allocates (V8's GC helpers, libuv's pool) an arena of its own: most of the
# growth under load is outside V8's heap, and the peak went 154.5 → 146 MB at the same CPU per lookup (which is
# what left room for 2 × 16 MB). Kept the same as `npm start` (test/build.test.ts checks).
CMD ["node", "--max-semi-space-size=16", "--heap-growing-percent=20", "dist/main.cjs"]
