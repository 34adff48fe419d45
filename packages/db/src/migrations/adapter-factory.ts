import type { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';

/** Wraps `factory` so that `patch` is applied to every adapter it hands out (main and shadow database). */
export function patchEveryAdapter(factory: PrismaPg, patch: <T extends SqlDriverAdapter>(adapter: T) => T): PrismaPg {
  const connect = factory.connect.bind(factory);
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  factory.connect = async () => patch(await connect());
  factory.connectToShadowDb = async () => patch(await connectToShadowDb());
  return factory;
}
