export { allRoutes, API_ROUTES, buildApiServer, openApi, type StartedApi, startApiServer } from './server.js';
