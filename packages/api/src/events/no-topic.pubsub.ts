import type { PubSub } from 'type-graphql';

/**
 * type-graphql insists on a PubSub once any `@Subscription` exists, but ours all use `subscribe`
 * functions backed by the live-event bus (see core `events/`), so topic-based ones are refused.
 */
export const noTopicPubSub: PubSub = {
  publish() {
    throw new Error('Topic-based subscriptions are not used here: publish through the live-event outbox');
  },
  subscribe() {
    throw new Error('Topic-based subscriptions are not used here: give @Subscription a `subscribe` function');
  },
};
