# The Next.js admin console, as Next's standalone server (`output: 'standalone'` in
# apps/console/next.config.ts): the final image holds the traced server files, not node_modules.
#
#   docker build -f docker/console.Dockerfile -t coupon-book-console .
#   docker run --rm -p 3000:3000 -e PUBLIC_API_URL=http://localhost:4000/graphql coupon-book-console
#
# The API address is read at request time (PUBLIC_API_URL, served at /config.json), so one image
# serves any deployment; nothing about the API is baked in at build time.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- Install and build.
FROM ${NODE_IMAGE} AS build
# pnpm 12.21.0 from npm, not corepack (see ENVIRONMENT.md).
RUN npm install --global pnpm@12.21.0 && npm cache clean --force
WORKDIR /app
ENV CI=true \
    NEXT_TELEMETRY_DISABLED=1
# Every workspace manifest first (a frozen filtered install checks them all against the lockfile),
# so this layer and the install stay cached until a manifest or the lockfile changes.
# scripts/docker-compose.test.ts checks that this list is complete.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/api/package.json packages/api/
COPY packages/config/package.json packages/config/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/rules/package.json packages/rules/
COPY apps/console/package.json apps/console/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# The console and its own dependencies only (of the workspace, @coupons/rules: the input rules it
# shares with the API, zod alone). pnpm still runs
# the root project's postinstall (prisma generate) on a filtered install; the console needs no
# install script at all, so --ignore-scripts skips it and the Prisma files need not be here.
RUN pnpm install --frozen-lockfile --ignore-scripts --filter "@coupons/console..."
COPY packages/rules/src packages/rules/src
COPY apps/console apps/console
# `public/` is optional in a Next app; create it so the COPY below never fails on its absence.
RUN mkdir -p apps/console/public \
 && pnpm --filter @coupons/console build \
 && test -f apps/console/.next/standalone/apps/console/server.js

# ---- The image: Node and the standalone server, as `node`.
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000
# The standalone folder mirrors the monorepo (outputFileTracingRoot is the repository root); the
# static assets and public files are not traced and are copied next to the server by hand.
COPY --from=build /app/apps/console/.next/standalone ./
COPY --from=build /app/apps/console/.next/static ./apps/console/.next/static
COPY --from=build /app/apps/console/public ./apps/console/public
# Next writes its runtime cache (fetch and image caches) under .next/cache: the one writable folder.
RUN mkdir -p apps/console/.next/cache && chown node:node apps/console/.next/cache
USER node
EXPOSE 3000
# /config.json is a dynamic route of the console itself (no API call): it answers when the Next
# server is up and serving.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/config.json').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/console/server.js"]
