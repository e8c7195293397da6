import {
  DefaultRootHttpRouter,
  MiddlewareFactory,
} from '@backstage/backend-defaults/rootHttpRouter';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import express from 'express';

/**
 * Gives the test backend's server the middleware a production backend has
 * in front of the plugins' routes (`rootHttpRouterServiceFactory`'s
 * helmet, CORS, compression and request logging; `startTestBackend`'s has
 * none), so the bench measures what a deployed backend does, gzip of large
 * answers included. `startTestBackend` builds its server itself and cannot
 * be given another root router, so this wraps the routers it creates until
 * `restore` is called.
 */
export function withProductionMiddleware(): { restore: () => void } {
  const middleware = MiddlewareFactory.create({
    config: new ConfigReader({}),
    logger: mockServices.rootLogger(),
  });
  const prototype = DefaultRootHttpRouter.prototype;
  const handler = prototype.handler;
  prototype.handler = function withMiddleware(this: DefaultRootHttpRouter) {
    const chain = express.Router();
    chain.use(middleware.helmet());
    chain.use(middleware.cors());
    chain.use(middleware.compression());
    chain.use(middleware.logging());
    chain.use(handler.call(this));
    return chain;
  };
  return {
    restore: () => {
      prototype.handler = handler;
    },
  };
}
