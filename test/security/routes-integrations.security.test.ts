import { describeRouteSecurity } from './route-security.ts';
import { routesOf } from './routes.ts';

// The shared per-route security cases (route-security.ts) for every integrations route of routes.ts.
describeRouteSecurity(routesOf('integrations'));
