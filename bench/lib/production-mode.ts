/*
 * Import first in every bench entry point. A bench serves the subgraphs (and often the gateway)
 * from its own process, and production runs them with NODE_ENV=production (the image sets it).
 * graphql-js, express and Apollo Server read NODE_ENV once, as they load; the production config
 * object the bench system gets does not reach them. Without this, graphql-js checked every
 * instanceOf for a second copy of itself: 1.5 % of the subgraphs' CPU on the list of 20 under
 * bench:gateway --compare, a cost production does not pay.
 */
process.env.NODE_ENV = 'production';
