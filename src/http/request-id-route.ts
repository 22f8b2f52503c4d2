import type { CustomRoute } from '@slack/bolt';
import { requestIdFrom, withRequestId } from '../request-id.ts';

/** The route, with every line logged while it handles a request tagged by the request's id (echoed back). */
export function withRequestIds(route: CustomRoute): CustomRoute {
  return {
    ...route,
    handler: (req, res) => {
      const reqId = requestIdFrom(req.headers['x-request-id']);
      res.setHeader('x-request-id', reqId);
      withRequestId(reqId, () => route.handler(req, res));
    },
  };
}
